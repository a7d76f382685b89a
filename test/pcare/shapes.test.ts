import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AntreanClient, obatOf, PcareClient, PcareError } from '../../electron/core/pcare'
import { startSimulator, type Simulator } from '../../tools/pcare-sim/server'
import { kunjunganInput, pendaftaranInput, quiet } from './helpers'

// Issue 12 a, d, e: the client against the simulator serving each shape seen in the field.

let sim: Simulator
beforeAll(async () => {
  sim = await startSimulator({ logger: quiet })
})
afterAll(() => sim.close())
beforeEach(() => {
  sim.reset()
  sim.setOptions({ createdShape: 'documented', obatListShape: 'nested', skriningBelum: [], antreanDuplicate: 'terdaftar' })
})

const timeouts = { headersMs: 1500, totalMs: 3000 }
const pcare = () => new PcareClient({ credentials: sim.credentials, config: { baseUrl: sim.pcareBaseUrl, timeouts }, logger: quiet })

describe('Antrean FKTP with only the PCare URL set', () => {
  it.each([
    ['/pcare-rest', '/antreanfktp/'],
    ['/pcare-rest-dev', '/antreanfktp_dev/'],
  ])('PCare at %s: Antrean calls go to %s, never under the PCare path', async (pcarePath, antreanPath) => {
    const urls: string[] = []
    const recording: typeof fetch = (input, init) => {
      urls.push(String(input))
      return fetch(input, init)
    }
    const antrean = new AntreanClient({
      credentials: { ...sim.credentials, userKey: sim.credentials.antreanUserKey },
      config: { baseUrl: `${sim.url}${pcarePath}`, timeouts },
      fetch: recording,
      logger: quiet,
    })
    expect((await antrean.refPoli('2026-08-12')).map((p) => p.kodepoli)).toContain('001')
    expect(urls).toEqual([`${sim.url}${antreanPath}ref/poli/tanggal/2026-08-12`])
  })
})

describe.each(['documented', 'array', 'object'] as const)('create answers shaped %s', (createdShape) => {
  it('every create returns the id PCare holds', async () => {
    sim.setOptions({ createdShape })
    const c = pcare()
    expect(await c.addPendaftaran(pendaftaranInput())).toBe(sim.state().pendaftaran[0].noUrut)
    const noKunjungan = await c.addKunjungan(kunjunganInput())
    expect(noKunjungan).toBe(sim.state().kunjungan[0].noKunjungan)
    expect(await c.addTindakan({ kdTindakanSK: 0, noKunjungan, kdTindakan: '10001', biaya: 10000, keterangan: null, hasil: 0 })).toBe('1')
    const racikan = { kdObatSK: 0, noKunjungan, racikan: true, kdRacikan: 'R.01', obatDPHO: true, kdObat: '120100362', signa1: 3, signa2: 1, jmlObat: 10, jmlPermintaan: 10, nmObatNonDPHO: '' }
    // The object shape carries only the id entry, so kdRacikan is named by the array shapes only.
    expect(await c.addObat(racikan)).toEqual({ kdObatSK: '1', kdRacikan: createdShape === 'object' ? null : 'R.01' })
  })
})

describe('a create answer without an id', () => {
  it('is a transient error that may have committed, for every create', async () => {
    const c = pcare()
    await c.addPendaftaran(pendaftaranInput())
    const noKunjungan = await c.addKunjungan(kunjunganInput())
    sim.setOptions({ createdShape: 'none' })
    const attempts = [
      c.addPendaftaran(pendaftaranInput('0009999000002')),
      c.addTindakan({ kdTindakanSK: 0, noKunjungan, kdTindakan: '10001', biaya: 10000, keterangan: null, hasil: 0 }),
      c.addObat({ kdObatSK: 0, noKunjungan, racikan: false, kdRacikan: null, obatDPHO: true, kdObat: '120100362', signa1: 3, signa2: 1, jmlObat: 10, jmlPermintaan: 10, nmObatNonDPHO: '' }),
    ]
    for (const attempt of attempts) {
      const e = await attempt.then(() => null, (err: unknown) => err)
      expect(e).toBeInstanceOf(PcareError)
      expect(e).toMatchObject({ kind: 'transient', reason: 'bad_body', mayHaveCommitted: true, httpStatus: 200, metaCode: 201 })
    }
    // Each write did land: that is why the outbox reconciles instead of recording "".
    expect(sim.state()).toMatchObject({ pendaftaran: { length: 2 }, tindakan: { length: 1 }, obat: { length: 1 } })
  })
})

describe.each(['nested', 'flat'] as const)('obat/kunjungan items with the drug %s', (obatListShape) => {
  it('obatOf reads the drug', async () => {
    sim.setOptions({ obatListShape })
    const c = pcare()
    await c.addPendaftaran(pendaftaranInput())
    const noKunjungan = await c.addKunjungan(kunjunganInput())
    await c.addObat({ kdObatSK: 0, noKunjungan, racikan: false, kdRacikan: null, obatDPHO: true, kdObat: '120100362', signa1: 3, signa2: 1, jmlObat: 10, jmlPermintaan: 10, nmObatNonDPHO: '' })
    const [item] = (await c.getObatKunjungan(noKunjungan)).list
    expect(item.obat === undefined).toBe(obatListShape === 'flat')
    expect(obatOf(item)).toEqual({ kdObat: '120100362', nmObat: expect.stringMatching(/Parasetamol/) })
  })
})

it('the simulator refuses an unknown shape option', async () => {
  const res = await fetch(`${sim.url}/__sim/options`, { method: 'POST', body: JSON.stringify({ createdShape: 'object', listShape: 'x' }) })
  expect(res.status).toBe(400)
})

describe('Antrean FKTP refusals', () => {
  const antrean = () =>
    new AntreanClient({ credentials: { ...sim.credentials, userKey: sim.credentials.antreanUserKey }, config: { baseUrl: sim.pcareBaseUrl, timeouts }, logger: quiet })
  const add = {
    nomorkartu: '0009999000001', nik: '9999734602235274', nohp: '080000000000', kodepoli: '001', namapoli: 'UMUM', norm: 'RM0001',
    tanggalperiksa: '2026-08-12', kodedokter: 131491, namadokter: 'dr. Contoh Satu', jampraktek: '08:00-12:00',
    nomorantrean: 'A-1', angkaantrean: 1, keterangan: '',
  }

  it.each(['terdaftar', 'duplikasi'] as const)('a repeat refused as %s is the patient already queued', async (antreanDuplicate) => {
    sim.setOptions({ antreanDuplicate })
    expect(await antrean().add(add)).toMatchObject({ alreadyQueued: false })
    expect(await antrean().add(add)).toMatchObject({ alreadyQueued: true })
    expect(sim.state().antrean).toHaveLength(1)
  })

  it('no Mobile JKN screening yet: a transient refusal until the patient has done it', async () => {
    sim.setOptions({ skriningBelum: [add.nomorkartu] })
    const e = await antrean().add(add).then(() => null, (err: unknown) => err)
    expect(e).toMatchObject({ kind: 'transient', reason: 'screening_required', mayHaveCommitted: false, metaCode: 201 })
    expect(sim.state().antrean).toHaveLength(0)
    sim.setOptions({ skriningBelum: [] })
    expect(await antrean().add(add)).toMatchObject({ alreadyQueued: false })
  })
})
