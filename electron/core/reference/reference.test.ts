import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../../test/helpers/tmp'
import { startSimulator, type Simulator } from '../../../tools/pcare-sim/server'
import { syntheticIcd10 } from '../../../tools/pcare-sim/icd10'
import * as seed from '../../../tools/pcare-sim/seed'
import { openDatabase } from '../db'
import { migration as m0001 } from '../db/migrations/0001-foundation'
import { migration } from '../db/migrations/0002-reference-data'
import { createLogger } from '../log'
import { PcareClient, PcareError } from '../pcare'
import {
  ftsQuery,
  getDiagnosa,
  lastRefreshed,
  listAlergi,
  listDokter,
  listKesadaran,
  listPoli,
  listPrognosa,
  listKhusus,
  listSarana,
  listSpesialis,
  listStatusPulang,
  refreshReferenceData,
  replaceReferenceLists,
  searchDiagnosa,
} from './index'

const quiet = createLogger({ level: 'error', sink: () => {} })
let tmp: ReturnType<typeof tempDir>
let sim: Simulator

beforeAll(async () => {
  tmp = tempDir('faskes-ref-')
  sim = await startSimulator({ logger: quiet })
})
afterAll(async () => {
  await sim.close()
  tmp.cleanup()
})

const client = (): PcareClient =>
  new PcareClient({
    credentials: sim.credentials,
    config: { baseUrl: sim.pcareBaseUrl, antreanBaseUrl: sim.antreanBaseUrl, timeouts: { headersMs: 2000, totalMs: 4000 } },
    logger: quiet,
  })

describe('migration 0002', () => {
  it('applies on top of 0001 in a raw better-sqlite3 file and creates a working FTS index', () => {
    const db = new Database(`${tmp.dir}/raw.sqlite`)
    db.transaction(() => {
      m0001.up(db)
      migration.up(db)
    })()
    db.prepare("INSERT INTO ref_diagnosa (kd_diag, nm_diag, non_spesialis, fetched_at) VALUES ('A09', 'Diarrhoea', 1, 1)").run()
    expect(db.prepare("SELECT count(*) AS n FROM ref_diagnosa_fts WHERE ref_diagnosa_fts MATCH 'diarr*'").get()).toEqual({ n: 1 })
    db.prepare("UPDATE ref_diagnosa SET nm_diag = 'Gastroenteritis' WHERE kd_diag = 'A09'").run()
    expect(db.prepare("SELECT count(*) AS n FROM ref_diagnosa_fts WHERE ref_diagnosa_fts MATCH 'diarr*'").get()).toEqual({ n: 0 })
    db.prepare("DELETE FROM ref_diagnosa").run()
    expect(db.prepare("SELECT count(*) AS n FROM ref_diagnosa_fts WHERE ref_diagnosa_fts MATCH 'gastro*'").get()).toEqual({ n: 0 })
    db.close()
  })
})

describe('reference data offline', () => {
  it('refreshes every list from the simulator in one go and reads them back', async () => {
    const db = openDatabase(`${tmp.dir}/refresh.sqlite`)
    const r = await refreshReferenceData(db, client(), { now: () => 1_700_000_000_000, pageSize: 3 })
    expect(r.written.sort()).toEqual([
      'alergiMakanan', 'alergiObat', 'alergiUdara', 'diagnosa', 'dokter', 'kesadaran', 'khusus', 'obat', 'poli', 'prognosa', 'provider', 'sarana',
      'spesialis', 'statusPulang', 'tindakan',
    ])
    // Allergies per jenis (01 makanan, 02 udara, 03 obat) and prognoses, as {kode, nama} in code order for the form.
    const asChoices = (xs: Array<{ kdAlergi: string; nmAlergi: string }>) => xs.map((x) => ({ kode: x.kdAlergi, nama: x.nmAlergi }))
    expect(listAlergi(db, 'alergiMakanan')).toEqual(asChoices(seed.ALERGI['01']))
    expect(listAlergi(db, 'alergiUdara')).toEqual(asChoices(seed.ALERGI['02']))
    expect(listAlergi(db, 'alergiObat')).toEqual(asChoices(seed.ALERGI['03']))
    expect(listAlergi(db, 'alergiObat')[0]).toEqual({ kode: '00', nama: 'Tidak Ada' })
    expect(listPrognosa(db).map((x) => x.kode)).toEqual(seed.PROGNOSA.map((x) => x.kdPrognosa))
    // Referral lists: each spesialis with the sub-spesialis PCare gives for it, for the clinician's offline choice.
    expect(listSpesialis(db).find((s) => s.kdSpesialis === 'INT')?.sub.map((x) => x.kdSubSpesialis).sort()).toEqual(['26', '27'])
    expect(listSarana(db).map((x) => x.kdSarana)).toContain('1')
    expect(listKhusus(db).map((x) => x.kdKhusus).sort()).toEqual(['HDL', 'HEM', 'IGD', 'THA'])
    expect(listPoli(db).map((p) => p.kdPoli)).toContain('001')
    expect(listDokter(db)).toHaveLength(4)
    expect(listKesadaran(db)[0]).toEqual({ kdSadar: '01', nmSadar: 'Compos mentis' })
    expect(listStatusPulang(db, false).map((s) => s.kdStatusPulang)).toEqual(['3', '4', '6', '9'])
    expect(listStatusPulang(db, true).map((s) => s.kdStatusPulang)).toContain('1')
    expect(r.counts.diagnosa).toBeGreaterThan(90)
    expect(getDiagnosa(db, 'a09')?.nmDiag).toMatch(/Diarrhoea/)
    expect(lastRefreshed(db).find((x) => x.kind === 'poli')).toEqual({ kind: 'poli', fetchedAt: 1_700_000_000_000, rowCount: 7 })
    db.close()
  })

  it('keeps the old cache when a fetch fails part way', async () => {
    const db = openDatabase(`${tmp.dir}/fail.sqlite`)
    await refreshReferenceData(db, client(), { kinds: ['poli', 'dokter'], now: () => 1 })
    sim.setFault({ mode: '503', pathPrefix: 'dokter' })
    await expect(refreshReferenceData(db, client(), { kinds: ['poli', 'dokter'], now: () => 2 })).rejects.toBeInstanceOf(PcareError)
    sim.setFault({ mode: 'none' })
    expect(lastRefreshed(db).map((x) => x.fetchedAt)).toEqual([1, 1])
    expect(listDokter(db)).toHaveLength(4)
    db.close()
  })

  it('replaces sub-spesialis together with their spesialis, so a dropped one does not linger', () => {
    const db = openDatabase(`${tmp.dir}/spesialis.sqlite`)
    const sub = (kdSubSpesialis: string, nm: string) => ({ kdSubSpesialis, nmSubSpesialis: nm, kdPoliRujuk: 'INT' })
    replaceReferenceLists(db, { spesialis: [{ kdSpesialis: 'INT', nmSpesialis: 'PENYAKIT DALAM', sub: [sub('26', 'PENYAKIT DALAM'), sub('27', 'GINJAL')] }] }, 1)
    replaceReferenceLists(db, { spesialis: [{ kdSpesialis: 'INT', nmSpesialis: 'PENYAKIT DALAM', sub: [sub('26', 'PENYAKIT DALAM UMUM')] }] }, 2)
    expect(listSpesialis(db)).toEqual([{ kdSpesialis: 'INT', nmSpesialis: 'PENYAKIT DALAM', sub: [sub('26', 'PENYAKIT DALAM UMUM')] }])
    // An empty answer keeps both the spesialis and their sub-spesialis.
    expect(replaceReferenceLists(db, { spesialis: [] }, 3).skipped).toEqual(['spesialis'])
    expect(listSpesialis(db)[0].sub).toHaveLength(1)
    db.close()
  })

  it('replaces one allergy list without touching the other two, and an empty one wipes nothing', () => {
    const db = openDatabase(`${tmp.dir}/alergi.sqlite`)
    const a = (kdAlergi: string, nmAlergi: string) => ({ kdAlergi, nmAlergi })
    replaceReferenceLists(db, { alergiMakanan: [a('00', 'Tidak Ada'), a('01', 'Seafood')], alergiObat: [a('00', 'Tidak Ada'), a('01', 'Penisilin')] }, 1)
    const r = replaceReferenceLists(db, { alergiMakanan: [a('00', 'Tidak Ada'), a('02', 'Gandum')], alergiObat: [] }, 2)
    expect(r).toEqual({ written: ['alergiMakanan'], skipped: ['alergiObat'] })
    expect(listAlergi(db, 'alergiMakanan').map((x) => x.kode)).toEqual(['00', '02'])
    expect(listAlergi(db, 'alergiObat').map((x) => x.nama)).toEqual(['Tidak Ada', 'Penisilin'])
    expect(listAlergi(db, 'alergiUdara')).toEqual([])
    db.close()
  })

  it('does not let an empty list wipe a filled table', () => {
    const db = openDatabase(`${tmp.dir}/empty.sqlite`)
    replaceReferenceLists(db, { kesadaran: [{ kdSadar: '01', nmSadar: 'Compos mentis' }] }, 1)
    const r = replaceReferenceLists(db, { kesadaran: [] }, 2)
    expect(r.skipped).toEqual(['kesadaran'])
    expect(listKesadaran(db)).toHaveLength(1)
    db.close()
  })
})

describe('searchDiagnosa on 20,000 entries', () => {
  let db: ReturnType<typeof openDatabase>
  beforeAll(() => {
    db = openDatabase(`${tmp.dir}/search.sqlite`)
    const list = syntheticIcd10(20_000)
    expect(list).toHaveLength(20_000)
    replaceReferenceLists(db, { diagnosa: list }, 1)
  })
  afterAll(() => db.close())

  it('puts the exact code first, then longer codes with that prefix', () => {
    const hits = searchDiagnosa(db, 'j06', 5)
    expect(hits[0].kdDiag).toBe('J06')
    expect(hits.slice(1).every((h) => h.kdDiag.startsWith('J06.'))).toBe(true)
    expect(searchDiagnosa(db, 'A09.0', 3)[0].kdDiag).toBe('A09.0')
  })
  it('finds by words, all of them, with prefixes and in any order', () => {
    const hits = searchDiagnosa(db, 'tuberc lung', 10)
    expect(hits.map((h) => h.kdDiag)).toContain('A15.0')
    for (const h of hits) expect(h.nmDiag.toLowerCase()).toMatch(/tuberc/)
    expect(searchDiagnosa(db, 'Dengue', 5).map((h) => h.kdDiag)).toEqual(expect.arrayContaining(['A90', 'A91']))
  })
  it('treats FTS syntax in user input as plain words', () => {
    expect(() => searchDiagnosa(db, 'NEAR(" OR * -', 5)).not.toThrow()
    expect(searchDiagnosa(db, '   ', 5)).toEqual([])
    expect(ftsQuery('a"b')).toBe('"a"* AND "b"*')
  })
})
