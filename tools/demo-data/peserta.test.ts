import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPeserta } from '../pcare-sim/seed'

/**
 * The demo patients must look like people: a tester reading "Yohanes, P" (perempuan) stops trusting the demo. Each
 * card's first name is in one of these lists (a new card with an unlisted name fails here until its name is added on
 * the right side), and its sex matches. Balinese birth-order names (Made, Wayan, Nyoman, Ketut) are given to either
 * sex: such a card is classified by its next name.
 */
const MALE = new Set(['Budi', 'Agus', 'Joko', 'Wirawan', 'Yohanes', 'Andi'])
const FEMALE = new Set(['Siti', 'Dewi', 'Rina', 'Nur', 'Fitri', 'Sri'])
const EITHER = new Set(['Made', 'Wayan', 'Nyoman', 'Ketut', 'Putu', 'Kadek', 'Komang'])

const peserta = JSON.parse(readFileSync(join(__dirname, 'peserta.json'), 'utf8')) as { noKartu: string; nama: string; sex: string }[]

/** The sex the card's name says: its first name that is not a birth-order name. */
function sexOfName(nama: string): 'L' | 'P' | null {
  const given = nama.split(/\s+/).find((w) => !EITHER.has(w)) ?? ''
  return MALE.has(given) ? 'L' : FEMALE.has(given) ? 'P' : null
}

describe('demo patients (tools/demo-data/peserta.json)', () => {
  it.each(peserta.map((p) => [p.noKartu, p.nama, p.sex] as const))('%s %s: sex %s agrees with the name', (_card, nama, sex) => {
    expect(sexOfName(nama), `add "${nama.split(/\s+/)[0]}" to MALE or FEMALE`).not.toBeNull()
    expect(sex).toBe(sexOfName(nama))
  })

  it('the PCare simulator names a spouse by sex: ISTRI is a woman, SUAMI a man', () => {
    const all = loadPeserta()
    expect(all.some((p) => p.hubunganKeluarga === 'ISTRI') && all.some((p) => p.hubunganKeluarga === 'SUAMI')).toBe(true)
    for (const p of all) {
      if (p.hubunganKeluarga === 'ISTRI') expect(p.sex, p.nama).toBe('P')
      if (p.hubunganKeluarga === 'SUAMI') expect(p.sex, p.nama).toBe('L')
    }
  })
})
