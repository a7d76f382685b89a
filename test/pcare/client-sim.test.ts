import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { obatOf, PcareError, PcareClient } from '../../electron/core/pcare'
import type { Simulator } from '../../tools/pcare-sim/server'
import { kunjunganInput, pendaftaranInput, quiet, simWithClients, TGL } from './helpers'

async function failure(p: Promise<unknown>): Promise<PcareError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(PcareError)
    return e as PcareError
  }
  throw new Error('expected a PcareError')
}

let ctx: Awaited<ReturnType<typeof simWithClients>>
let sim: Simulator
beforeAll(async () => {
  ctx = await simWithClients()
  sim = ctx.sim
})
afterAll(() => sim.close())
beforeEach(() => sim.reset())

describe('reference and peserta endpoints', () => {
  it('peserta by card, by noka/nik, and not found', async () => {
    const p = await ctx.pcare.getPeserta('0009999000001')
    expect(p).toMatchObject({ noKartu: '0009999000001', nama: 'Siti Aminah', kdProviderPst: { kdProvider: '0199B001' }, aktif: true })
    expect((await ctx.pcare.getPesertaBy('nik', '9999717671405788'))?.nama).toBe('Budi Santoso')
    expect((await ctx.pcare.getPesertaBy('noka', '0009999000003'))?.nama).toBe('Dewi Lestari')
    expect(await ctx.pcare.getPeserta('0009999999999')).toBeNull()
    const e = await failure(ctx.pcare.getPeserta('123'))
    expect(e).toMatchObject({ kind: 'permanent', reason: 'validation', httpStatus: 412 })
  })

  it('every reference list, decrypted into typed shapes', async () => {
    const c = ctx.pcare
    expect((await c.searchDiagnosa('A09', 0, 5)).list[0]).toEqual({ kdDiag: 'A09', nmDiag: expect.stringMatching(/Diarrhoea/), nonSpesialis: true })
    expect((await c.getDokter(0, 2)).list).toHaveLength(2)
    expect((await c.getDokter(0, 2)).count).toBe(4)
    expect((await c.getPoliFktp()).list.find((p) => p.kdPoli === '002')?.nmPoli).toBe('GIGI & MULUT')
    expect((await c.getKesadaran()).list.map((k) => k.kdSadar)).toEqual(['01', '02', '03', '04'])
    expect((await c.getStatusPulang(false)).list[0]).toEqual({ kdStatusPulang: '3', nmStatusPulang: 'Berobat Jalan' })
    expect((await c.getStatusPulang(true)).list.map((s) => s.kdStatusPulang)).toContain('0')
    expect((await c.getProvider()).list[0].kdProvider).toBe('0199B001')
    expect((await c.getSpesialis()).list.map((s) => s.kdSpesialis)).toContain('INT')
    expect((await c.getSubSpesialis('INT')).list[0]).toMatchObject({ kdSubSpesialis: '26', kdPoliRujuk: 'INT' })
    expect((await c.getSarana()).list.length).toBeGreaterThan(0)
    expect((await c.getKhusus()).list.map((k) => k.kdKhusus)).toContain('IGD')
    expect((await c.getFaskesRujukanSubSpesialis('26', '1', TGL)).list.map((f) => f.kdppk)).toEqual(['0199R001', '0199R002'])
    // The hospitals depend on the sub-spesialis asked for (ANAK: the general and the mother-and-child hospital).
    expect((await c.getFaskesRujukanSubSpesialis('3', '0', TGL)).list.map((f) => f.kdppk)).toEqual(['0199R001', '0199R003'])
    expect((await c.getFaskesRujukanKhusus('IGD', '0009999000001', TGL)).count).toBe(2)
    expect((await c.getFaskesRujukanKhususSub('THA', '3', '0009999000001', TGL)).count).toBe(2)
    expect(await failure(c.getFaskesRujukanKhususSub('IGD', '3', '0009999000001', TGL))).toMatchObject({ reason: 'validation', httpStatus: 412 })
    expect((await c.searchObatDpho('parasetamol')).list[0].kdObat).toBe('120100362')
    expect((await c.getTindakanRef('10')).list.length).toBe(3)
  })

  it('a negative start answers the .NET StartIndex error, classified permanent', async () => {
    const e = await failure(ctx.pcare.getDokter(-1, 10))
    expect(e).toMatchObject({ kind: 'permanent', reason: 'start_index', httpStatus: 400 })
  })
})

describe('pendaftaran → kunjungan → tindakan/obat state rules', () => {
  it('registers, lists, rejects duplicates, deletes (and 304 on a second delete)', async () => {
    const c = ctx.pcare
    expect(await c.addPendaftaran(pendaftaranInput())).toBe('A1')
    expect(await c.addPendaftaran(pendaftaranInput('0009999000002'))).toBe('A2')
    expect(await c.addPendaftaran(pendaftaranInput('0009999000002', '002'))).toBe('B1')
    const dup = await failure(c.addPendaftaran(pendaftaranInput()))
    expect(dup).toMatchObject({ kind: 'permanent', reason: 'duplicate', httpStatus: 412 })
    expect(dup.fields[0].field).toBe('noKartu')
    const list = await c.listPendaftaran(TGL)
    expect(list.count).toBe(3)
    expect(list.list[0]).toMatchObject({ noUrut: 'A1', tgldaftar: TGL, poli: { kdPoli: '001' }, tkp: { kdTkp: '10' } })
    expect((await c.getPendaftaran('A2', TGL))?.peserta.noKartu).toBe('0009999000002')
    await c.deletePendaftaran({ noKartu: '0009999000002', tglDaftar: TGL, noUrut: 'B1', kdPoli: '002' })
    await c.deletePendaftaran({ noKartu: '0009999000002', tglDaftar: TGL, noUrut: 'B1', kdPoli: '002' })
    expect(sim.state().pendaftaran).toHaveLength(2)
    expect(sim.state().duplicatesRejected.pendaftaran).toBe(1)
  })

  it('rejects a kunjungan without a matching pendaftaran with 412 and the field list', async () => {
    const e = await failure(ctx.pcare.addKunjungan(kunjunganInput()))
    expect(e).toMatchObject({ kind: 'permanent', reason: 'validation', httpStatus: 412, metaCode: 412 })
    expect(e.fields).toEqual([{ field: 'noKartu', message: 'Belum melakukan pendaftaran pada poli tersebut.' }])
    const missing = await failure(ctx.pcare.addKunjungan({ ...kunjunganInput(), kdDiag1: '', kdDokter: '' }))
    expect(missing.fields.map((f) => f.field).sort()).toEqual(['kdDiag1', 'kdDokter'])
  })

  it('full visit: kunjungan, edit, riwayat, rujukan, tindakan and obat, then deletes', async () => {
    const c = ctx.pcare
    await c.addPendaftaran(pendaftaranInput())
    const bad = await failure(c.addKunjungan({ ...kunjunganInput(), kdDiag1: 'Q99.9' }))
    expect(bad).toMatchObject({ reason: 'precondition', httpStatus: 424 })
    const noKunjungan = await c.addKunjungan({
      ...kunjunganInput(),
      kdStatusPulang: '4',
      rujukLanjut: { tglEstRujuk: TGL, kdppk: '0199R002', subSpesialis: { kdSubSpesialis1: '26', kdSarana: null }, khusus: null },
    })
    expect(noKunjungan).toMatch(/^0199B0010826Y\d{6}$/)
    expect(await failure(c.addKunjungan(kunjunganInput()))).toMatchObject({ reason: 'duplicate' })
    expect((await c.getRujukan(noKunjungan))?.ppk.kdPPK).toBe('0199R002')
    await c.editKunjungan({ ...kunjunganInput(), noKunjungan, keluhan: 'Demam 4 hari' })
    // The edit carried no rujukLanjut, so the visit no longer has a referral.
    expect(await c.getRujukan(noKunjungan)).toBeNull()
    const riwayat = await c.getRiwayatKunjungan('0009999000001')
    expect(riwayat.count).toBe(1)
    expect(riwayat.list[0]).toMatchObject({ noKunjungan, keluhan: 'Demam 4 hari', diagnosa1: { kdDiag: 'A09' }, dokter: { kdDokter: '131491' } })

    expect(await failure(c.addTindakan({ kdTindakanSK: 0, noKunjungan: 'NOPE', kdTindakan: '10001', biaya: 10000, keterangan: null, hasil: 0 }))).toMatchObject({ reason: 'validation' })
    const sk = await c.addTindakan({ kdTindakanSK: 0, noKunjungan, kdTindakan: '10001', biaya: 10000, keterangan: null, hasil: 110 })
    expect(sk).toBe('1')
    expect(await failure(c.addTindakan({ kdTindakanSK: 0, noKunjungan, kdTindakan: '10001', biaya: 10000, keterangan: null, hasil: 110 }))).toMatchObject({ reason: 'duplicate' })
    expect((await c.getTindakanKunjungan(noKunjungan)).list[0]).toMatchObject({ kdTindakanSK: 1, hasil: 110 })
    const obat = { kdObatSK: 0, noKunjungan, racikan: false, kdRacikan: null, obatDPHO: true, kdObat: '120100362', signa1: 3, signa2: 1, jmlObat: 10, jmlPermintaan: 10, nmObatNonDPHO: '' }
    expect(await failure(c.addObat({ ...obat, noKunjungan: 'NOPE' }))).toMatchObject({ reason: 'validation' })
    const obatSk = await c.addObat(obat)
    expect(obatSk).toEqual({ kdObatSK: '1', kdRacikan: null })
    expect(obatOf((await c.getObatKunjungan(noKunjungan)).list[0])?.nmObat).toMatch(/Parasetamol/)
    await c.deleteObat(obatSk.kdObatSK, noKunjungan)
    await c.deleteTindakan(sk, noKunjungan)
    expect(sim.state().obat).toHaveLength(0)
    await c.deleteKunjungan(noKunjungan)
    expect(await failure(c.getRujukan(noKunjungan))).toMatchObject({ reason: 'validation' })
    expect(sim.state().pendaftaran[0].noKunjungan).toBeNull()
  })
})

describe('Antrean FKTP', () => {
  const add = {
    nomorkartu: '0009999000001', nik: '9999734602235274', nohp: '080000000000', kodepoli: '001', namapoli: 'UMUM', norm: 'RM0001',
    tanggalperiksa: '2026-08-12', kodedokter: 131491, namadokter: 'dr. Contoh Satu', jampraktek: '08:00-12:00',
    nomorantrean: 'A-1', angkaantrean: 1, keterangan: 'Datang 30 menit sebelumnya',
  }
  it('ref poli/dokter, add, duplicate as already queued, panggil, batal', async () => {
    expect((await ctx.antrean.refPoli('2026-08-12')).map((p) => p.kodepoli)).toEqual(['001', '002', '003'])
    expect((await ctx.antrean.refDokter('001', '2026-08-12'))[0]).toMatchObject({ kodedokter: 131491, jampraktek: '08:00-12:00' })
    expect(await ctx.antrean.add(add)).toEqual({ alreadyQueued: false, message: 'Ok.' })
    expect((await ctx.antrean.add(add)).alreadyQueued).toBe(true)
    await ctx.antrean.panggil({ tanggalperiksa: '2026-08-12', kodepoli: '001', nomorkartu: add.nomorkartu, status: 1, waktu: 1_786_000_000_000 })
    expect(sim.state().antrean[0].status).toBe('hadir')
    await ctx.antrean.batal({ tanggalperiksa: '2026-08-12', kodepoli: '001', nomorkartu: add.nomorkartu, alasan: 'Pasien pulang' })
    const e = await failure(ctx.antrean.panggil({ tanggalperiksa: '2026-08-12', kodepoli: '001', nomorkartu: add.nomorkartu, status: 1, waktu: 1 }))
    expect(e).toMatchObject({ kind: 'permanent', reason: 'rejected', metaCode: 201 })
    expect(await failure(ctx.antrean.refPoli('12-08-2026'))).toMatchObject({ reason: 'rejected' })
  })
  it('accepts ref lists as a bare array too', async () => {
    sim.setOptions({ antreanRefShape: 'array' })
    try {
      expect((await ctx.antrean.refPoli('2026-08-12')).length).toBe(3)
    } finally {
      sim.setOptions({ antreanRefShape: 'list' })
    }
  })
})

describe('authentication', () => {
  const clientWith = (over: Partial<typeof sim.credentials>, config = {}, now?: () => number) =>
    new PcareClient({
      credentials: { ...sim.credentials, ...over },
      config: { baseUrl: sim.pcareBaseUrl, antreanBaseUrl: sim.antreanBaseUrl, timeouts: { headersMs: 1500, totalMs: 3000 }, ...config },
      logger: quiet,
      now,
    })
  it('wrong secret, user_key, password, kdAplikasi → permanent unauthorized', async () => {
    for (const over of [{ secretKey: 'x' }, { userKey: 'x' }, { password: 'x' }, { kdAplikasi: '012' }, { consId: '1' }]) {
      expect(await failure(clientWith(over).getKesadaran())).toMatchObject({ kind: 'permanent', reason: 'unauthorized', httpStatus: 401 })
    }
  })
  it('missing Basic prefix: 401, or 400 StartIndex with the quirk flag', async () => {
    const c = clientWith({}, { omitBasicPrefix: true })
    expect(await failure(c.getKesadaran())).toMatchObject({ reason: 'unauthorized' })
    sim.setOptions({ startIndexQuirk: true })
    try {
      expect(await failure(c.getKesadaran())).toMatchObject({ reason: 'start_index', httpStatus: 400 })
    } finally {
      sim.setOptions({ startIndexQuirk: false })
    }
  })
  it('client clock: inside the window works, outside is refused', async () => {
    expect((await clientWith({}, {}, () => Date.now() - 200_000).getKesadaran()).count).toBe(4)
    // Refused for the time, not the credentials: transient, so the job is sent once the clock is right again.
    expect(await failure(clientWith({}, {}, () => Date.now() + 3_600_000).getKesadaran())).toMatchObject({ kind: 'transient', reason: 'clock_skew', httpStatus: 401 })
  })
})

describe('faults', () => {
  it('503 with Retry-After → transient http5xx, nothing written', async () => {
    sim.setFault({ mode: '503', count: 1, retryAfterSeconds: 7 })
    const e = await failure(ctx.pcare.addPendaftaran(pendaftaranInput()))
    expect(e).toMatchObject({ kind: 'transient', reason: 'http5xx', httpStatus: 503, retryAfterMs: 7000, mayHaveCommitted: true })
    expect(sim.state().pendaftaran).toHaveLength(0)
    expect(await ctx.pcare.addPendaftaran(pendaftaranInput())).toBe('A1')
  })
  it('HTML 500 → transient gateway_html with a short snippet', async () => {
    sim.setFault({ mode: 'html500', count: 1 })
    const e = await failure(ctx.pcare.getKesadaran())
    expect(e).toMatchObject({ kind: 'transient', reason: 'gateway_html', httpStatus: 500 })
    expect(e.message).toMatch(/Runtime Error/)
    expect(e.message.length).toBeLessThan(220)
  })
  it('slow past the client timeout → transient timeout; the write happened, found by reconcile', async () => {
    sim.setFault({ mode: 'slow', count: 1, delayMs: 5000 })
    const started = Date.now()
    const e = await failure(ctx.pcare.addPendaftaran(pendaftaranInput()))
    expect(Date.now() - started).toBeLessThan(4000)
    expect(e).toMatchObject({ kind: 'transient', reason: 'timeout', mayHaveCommitted: true })
    const found = (await ctx.pcare.listPendaftaran(TGL)).list.filter((p) => p.peserta.noKartu === '0009999000001' && p.poli.kdPoli === '001')
    expect(found).toHaveLength(1)
  })
  it('garbage ciphertext → transient garbage_ciphertext, never data', async () => {
    sim.setFault({ mode: 'garbage', count: 1 })
    expect(await failure(ctx.pcare.getDokter())).toMatchObject({ kind: 'transient', reason: 'garbage_ciphertext', httpStatus: 200 })
  })
  it('JValue 500 → permanent jvalue (fault and the rujukLanjut:null payload quirk)', async () => {
    sim.setFault({ mode: 'jvalue', count: 1 })
    expect(await failure(ctx.pcare.getKesadaran())).toMatchObject({ kind: 'permanent', reason: 'jvalue', httpStatus: 500 })
    await ctx.pcare.addPendaftaran(pendaftaranInput())
    sim.setOptions({ jvalueOnNullRujukLanjut: true })
    try {
      expect(await failure(ctx.pcare.addKunjungan({ ...kunjunganInput(), rujukLanjut: null }))).toMatchObject({ reason: 'jvalue' })
      expect(await ctx.pcare.addKunjungan(kunjunganInput())).toMatch(/Y000001$/)
    } finally {
      sim.setOptions({ jvalueOnNullRujukLanjut: false })
    }
  })
  it('bare kunjungan path → permanent not_registered (404)', async () => {
    const legacy = new PcareClient({ credentials: sim.credentials, config: { baseUrl: sim.pcareBaseUrl, antreanBaseUrl: sim.antreanBaseUrl, kunjunganPath: 'kunjungan' }, logger: quiet })
    expect(await failure(legacy.addKunjungan(kunjunganInput()))).toMatchObject({ kind: 'permanent', reason: 'not_registered', httpStatus: 404 })
  })
  it('clock skew on the server → transient clock_skew; connection reset → transient network', async () => {
    sim.setFault({ mode: 'skew', count: 1, offsetSeconds: 900 })
    expect(await failure(ctx.pcare.getKesadaran())).toMatchObject({ kind: 'transient', reason: 'clock_skew' })
    sim.setFault({ mode: 'reset', count: 1 })
    expect(await failure(ctx.pcare.getKesadaran())).toMatchObject({ kind: 'transient', reason: 'network' })
    expect((await ctx.pcare.getKesadaran()).count).toBe(4)
  })
  it('a wrong service name gets the HTML 404 page → permanent gateway_html; nothing listening → network', async () => {
    const wrong = new PcareClient({ credentials: sim.credentials, config: { baseUrl: `${sim.url}/pcare-rest-v9`, antreanBaseUrl: sim.antreanBaseUrl }, logger: quiet })
    expect(await failure(wrong.getKesadaran())).toMatchObject({ kind: 'permanent', reason: 'gateway_html', httpStatus: 404 })
    const dead = new PcareClient({ credentials: sim.credentials, config: { baseUrl: 'http://127.0.0.1:9/pcare-rest', antreanBaseUrl: sim.antreanBaseUrl }, logger: quiet })
    expect(await failure(dead.getKesadaran())).toMatchObject({ kind: 'transient', reason: 'network' })
  })
  it('faults are switchable at run time over the admin endpoint, scoped by path, counted down', async () => {
    const post = (path: string, body: unknown) => fetch(`${sim.url}${path}`, { method: 'POST', body: JSON.stringify(body) })
    expect((await post('/__sim/faults', { mode: 'bogus' })).status).toBe(400)
    expect((await post('/__sim/faults', { mode: 'html500', count: 2, pathPrefix: 'dokter' })).status).toBe(200)
    expect((await ctx.pcare.getKesadaran()).count).toBe(4)
    await failure(ctx.pcare.getDokter())
    await failure(ctx.pcare.getDokter())
    expect((await ctx.pcare.getDokter()).count).toBe(4)
    await ctx.pcare.addPendaftaran(pendaftaranInput())
    const state = (await (await fetch(`${sim.url}/__sim/state`)).json()) as { pendaftaran: unknown[]; fault: { mode: string } }
    expect(state.pendaftaran).toHaveLength(1)
    expect(state.fault.mode).toBe('none')
    expect((await post('/__sim/reset', {})).status).toBe(200)
    expect(sim.state().pendaftaran).toHaveLength(0)
  })
})

describe('persistence', () => {
  it('keeps state across a simulator restart when given a state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcare-sim-'))
    try {
      const statePath = join(dir, 'state.json')
      const a = await simWithClients({ statePath })
      await a.pcare.addPendaftaran(pendaftaranInput())
      await a.sim.close()
      const b = await simWithClients({ statePath })
      try {
        expect(await failure(b.pcare.addPendaftaran(pendaftaranInput()))).toMatchObject({ reason: 'duplicate' })
        expect(await b.pcare.addPendaftaran(pendaftaranInput('0009999000002'))).toBe('A2')
      } finally {
        await b.sim.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
