import { describe, expect, it } from 'vitest'
import { createLogger, memorySink } from '../../electron/core/log'

/**
 * Security review finding 20 (log masking), replayed against core's one logger: the probe's record had a card number
 * written with spaces, a NIK with dashes, a patient's name and a Basic credential under a key no rule knew, all
 * written as given. Each must now reach the sink masked: the digits but the last 4, the name and the credential gone.
 */
const CARD_SPACED = '0001 2345 67890'
const NIK_DASHED = '3174-0123-4567-8901'
const NAME = 'SITI AMINAH'
const BASIC = 'Basic cGNhcmV1c2VyOnBhc3N3b3JkOjA5NQ=='

function logged(write: (log: ReturnType<typeof createLogger>) => void): string {
  const { sink, records } = memorySink()
  write(createLogger({ scope: 'probe', level: 'debug', sink }))
  expect(records.length).toBeGreaterThan(0)
  return JSON.stringify(records)
}

/** No digit run of the identifier's digits but its last 4 survives, in any layout. */
function expectIdentifierMasked(out: string, id: string): void {
  const digits = id.replace(/\D/g, '')
  expect(out.replace(/[ -]/g, '')).not.toContain(digits.slice(0, -4))
  expect(out).toContain(digits.slice(-4))
}

describe('log masking (finding 20)', () => {
  it('masks the probe record: spaced card number, dashed NIK, name, Basic credential under another key', () => {
    const out = logged((log) =>
      log.info('probe', { spaced: CARD_SPACED, dashed: NIK_DASHED, nama: NAME, basicUnderOtherKey: { auth: BASIC } }),
    )
    expectIdentifierMasked(out, CARD_SPACED)
    expectIdentifierMasked(out, NIK_DASHED)
    expect(out).not.toMatch(/SITI|AMINAH/i)
    expect(out).not.toContain('cGNhcmV1c2VyOnBhc3N3b3JkOjA5NQ')
  })

  it('masks the same values in free text: the message and an error text', () => {
    const out = logged((log) =>
      log.warn(`pendaftaran ${NAME} kartu ${CARD_SPACED} gagal`, {
        nmPeserta: NAME,
        error: new Error(`NIK ${NIK_DASHED} milik siti aminah sudah terdaftar; header ${BASIC}`),
      }),
    )
    expectIdentifierMasked(out, CARD_SPACED)
    expectIdentifierMasked(out, NIK_DASHED)
    expect(out).not.toMatch(/SITI|AMINAH/i)
    expect(out).not.toContain('cGNhcmV1c2VyOnBhc3N3b3JkOjA5NQ')
  })

  it('masks a name every record of a child logger was given, and names under any name key of a PCare body', () => {
    const out = logged((log) => {
      const visit = log.child('visit', { nama: NAME })
      visit.info(`kunjungan ${NAME} terkirim`)
      log.debug('request', { body: { peserta: { noKartu: '0001234567890', nmPeserta: 'BUDI SANTOSO', namaPasien: 'Ani Wulandari' } } })
    })
    expect(out).not.toMatch(/SITI|AMINAH|BUDI|SANTOSO|Wulandari/i)
    expect(out).not.toContain('000123456')
  })
})
