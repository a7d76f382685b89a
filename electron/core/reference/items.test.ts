import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../../test/helpers/tmp'
import { startSimulator, type Simulator } from '../../../tools/pcare-sim/server'
import { openDatabase, type DB } from '../db'
import { createLogger } from '../log'
import { PcareClient } from '../pcare'
import { itemNames, lastRefreshed, refreshReferenceData, replaceReferenceLists, searchObat, searchTindakan } from './index'

const quiet = createLogger({ level: 'error', sink: () => {} })
let tmp: ReturnType<typeof tempDir>
let sim: Simulator
let db: DB

beforeAll(async () => {
  tmp = tempDir('faskes-items-')
  sim = await startSimulator({ logger: quiet })
  db = openDatabase(`${tmp.dir}/items.sqlite`)
  const client = new PcareClient({
    credentials: sim.credentials,
    config: { baseUrl: sim.pcareBaseUrl, antreanBaseUrl: sim.antreanBaseUrl, timeouts: { headersMs: 2000, totalMs: 4000 } },
    logger: quiet,
  })
  // A page size of 2 makes every list take several pages, as PCare's full lists do.
  await refreshReferenceData(db, client, { kinds: ['tindakan', 'obat'], pageSize: 2, now: () => 1_700_000_000_000 })
})
afterAll(async () => {
  db.close()
  await sim.close()
  tmp.cleanup()
})

describe('tindakan and obat cached from PCare', () => {
  it('stores every TKP of tindakan and the whole DPHO list gathered from keyword searches, once each', () => {
    const counts = Object.fromEntries(lastRefreshed(db).map((r) => [r.kind, r.rowCount]))
    expect(counts).toEqual({ tindakan: 5, obat: 6 })
    expect(db.prepare('SELECT kd_tkp, count(*) AS n FROM ref_tindakan GROUP BY kd_tkp ORDER BY kd_tkp').all()).toEqual([
      { kd_tkp: '10', n: 3 },
      { kd_tkp: '20', n: 1 },
      { kd_tkp: '50', n: 1 },
    ])
  })

  it('finds a tindakan by name words in any case, with PCare maxTarif, and by code prefix', () => {
    expect(searchTindakan(db, 'LUKA')).toEqual([{ kdTkp: '10', kdTindakan: '10002', nmTindakan: 'Perawatan luka', maxTarif: 30000, withValue: false }])
    // PCare's withValue comes through: a blood sugar test has a result value to send.
    expect(searchTindakan(db, 'gula sewaktu')).toMatchObject([{ kdTindakan: '10001', withValue: true }])
    // Code-prefix hits are listed by name, as the clinician reads them.
    expect(searchTindakan(db, '1000').map((h) => h.nmTindakan)).toEqual(['Ekstraksi gigi sulung', 'Pemeriksaan gula darah sewaktu', 'Perawatan luka'])
    expect(searchTindakan(db, 'infus', { kdTkp: '10' })).toEqual([])
    expect(searchTindakan(db, 'infus', { kdTkp: '20' }).map((h) => h.kdTindakan)).toEqual(['20001'])
  })

  it('finds a drug by partial words (strength included) and ranks the exact code first', () => {
    expect(searchObat(db, 'amlo 5').map((h) => h.kdObat)).toEqual(['120100881'])
    expect(searchObat(db, 'parasetamol')[0]).toEqual({ kdObat: '120100362', nmObat: 'Parasetamol tab 500 mg', sedia: 1000 })
    expect(searchObat(db, '120100362').map((h) => h.kdObat)).toEqual(['120100362'])
    expect(searchObat(db, 'tab', 2)).toHaveLength(2)
  })

  it('treats LIKE wildcards and punctuation as plain text', () => {
    expect(searchObat(db, '%')).toEqual([])
    expect(searchObat(db, '_')).toEqual([])
    expect(searchTindakan(db, '  ')).toEqual([])
    expect(() => searchObat(db, "'; DROP TABLE ref_obat; --")).not.toThrow()
    expect(searchObat(db, 'oralit').map((h) => h.kdObat)).toEqual(['120101204'])
  })

  it('names the codes it knows, for the unsent list', () => {
    expect([...itemNames(db, 'tindakan', ['10002', '99999'])]).toEqual([['10002', 'Perawatan luka']])
    expect(itemNames(db, 'obat', []).size).toBe(0)
  })

  it('keeps the cached lists when PCare answers with an empty one', () => {
    expect(replaceReferenceLists(db, { tindakan: [], obat: [] }, 2).skipped).toEqual(['tindakan', 'obat'])
    expect(searchObat(db, 'ctm')).toHaveLength(1)
  })
})
