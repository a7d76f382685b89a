import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../../test/helpers/tmp'
import { startSimulator, type Simulator } from '../../../tools/pcare-sim/server'
import { openDatabase, type DB } from '../db'
import { createLogger } from '../log'
import { PcareClient } from '../pcare'
import type { Remotes } from './eligibility'
import { findFaskesRujukan } from './rujukan'

const quiet = createLogger({ level: 'error', sink: () => {} })
let tmp: ReturnType<typeof tempDir>
let sim: Simulator
let db: DB
let remotes: Remotes
const now = new Date(2026, 10, 23, 9, 30).getTime()

beforeAll(async () => {
  tmp = tempDir('faskes-rujukan-')
  sim = await startSimulator({ logger: quiet })
  db = openDatabase(`${tmp.dir}/r.sqlite`)
  const client = new PcareClient({
    credentials: sim.credentials,
    config: { baseUrl: sim.pcareBaseUrl, antreanBaseUrl: sim.antreanBaseUrl, timeouts: { headersMs: 2000, totalMs: 3000 } },
    logger: quiet,
  })
  remotes = { pcare: async () => client, ledger: async () => Promise.reject(new Error('no ledger in this test')) }
})
afterAll(async () => {
  db.close()
  await sim.close()
  tmp.cleanup()
})

describe('findFaskesRujukan', () => {
  it('answers live from PCare, then from the last answer with its time when PCare is down', async () => {
    const live = await findFaskesRujukan(db, remotes, { kdSubSpesialis: '26', kdSarana: '1', tglEstRujuk: '2026-11-24' }, now)
    expect(live).toMatchObject({ source: 'live', checkedAt: now, tglEstRujuk: '2026-11-24', error: null, errorCode: null, refused: false })
    expect(live.list.map((f) => f.kdppk)).toEqual(['0199R001', '0199R002'])
    // The path carried the date the way PCare wants it (the simulator answers 412 for anything else).
    sim.setFault({ mode: '503' })
    try {
      const later = now + 60_000
      const cached = await findFaskesRujukan(db, remotes, { kdSubSpesialis: '26', kdSarana: '1', tglEstRujuk: '2026-11-25' }, later)
      expect(cached).toMatchObject({ source: 'cache', checkedAt: now, tglEstRujuk: '2026-11-24' })
      expect(cached.error).toMatch(/503|tidak tersedia|Service/i)
      expect(cached.list).toEqual(live.list)
      // Another sub-spesialis was never asked: nothing to show, and the reason.
      const none = await findFaskesRujukan(db, remotes, { kdSubSpesialis: '3', tglEstRujuk: '2026-11-25' }, later)
      expect(none).toMatchObject({ source: 'none', checkedAt: null, list: [] })
      expect(none.error).toBeTruthy()
    } finally {
      sim.setFault({ mode: 'none' })
    }
  })

  it('tells a refusal by PCare (a permanent error) from PCare not answering', async () => {
    sim.setFault({ mode: 'jvalue', pathPrefix: 'spesialis', count: 1 })
    try {
      const r = await findFaskesRujukan(db, remotes, { kdSubSpesialis: '26', kdSarana: '1', tglEstRujuk: '2026-11-24' }, now)
      expect(r).toMatchObject({ source: 'cache', refused: true, errorCode: 'JVALUE' })
    } finally {
      sim.setFault({ mode: 'none' })
    }
    sim.setFault({ mode: '503' })
    try {
      expect(await findFaskesRujukan(db, remotes, { kdSubSpesialis: '26', kdSarana: '1', tglEstRujuk: '2026-11-24' }, now)).toMatchObject({ source: 'cache', refused: false, errorCode: 'HTTP5XX' })
    } finally {
      sim.setFault({ mode: 'none' })
    }
  })

  it('without PCare configured it still offers the cached answer', async () => {
    const r = await findFaskesRujukan(db, null, { kdSubSpesialis: '26', kdSarana: '1', tglEstRujuk: '2026-11-24' }, now)
    expect(r).toMatchObject({ source: 'cache', error: 'PCare is not configured', errorCode: 'UNCONFIGURED', refused: false })
    expect(r.list).toHaveLength(2)
  })

  it('khusus referrals: per patient, THA/HEM with their sub-spesialis, cached by kind', async () => {
    const hdl = await findFaskesRujukan(db, remotes, { kdKhusus: 'HDL', noKartu: '0009999000001', tglEstRujuk: '2026-11-24' }, now)
    expect(hdl).toMatchObject({ source: 'live', error: null })
    expect(hdl.list.map((f) => f.kdppk)).toEqual(['0199R001', '0199R002'])
    const tha = await findFaskesRujukan(db, remotes, { kdKhusus: 'THA', kdSubSpesialis: '3', noKartu: '0009999000001', tglEstRujuk: '2026-11-24' }, now)
    expect(tha.source).toBe('live')
    await expect(findFaskesRujukan(db, remotes, { kdKhusus: 'THA', noKartu: '0009999000001', tglEstRujuk: '2026-11-24' }, now)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      fields: [{ field: 'kdSubSpesialis', key: 'v.required' }],
    })
    await expect(findFaskesRujukan(db, remotes, { kdKhusus: 'HDL', tglEstRujuk: '2026-11-24' }, now)).rejects.toMatchObject({ fields: [{ field: 'noKartu' }] })
    // Offline, another patient needing hemodialysis sees the last HDL list.
    const cached = await findFaskesRujukan(db, null, { kdKhusus: 'HDL', noKartu: '0009999000002', tglEstRujuk: '2026-11-24' }, now + 1000)
    expect(cached).toMatchObject({ source: 'cache', checkedAt: now })
    expect(cached.list).toEqual(hdl.list)
  })

  it('refuses a planned date in the past before asking anyone', async () => {
    await expect(findFaskesRujukan(db, remotes, { kdSubSpesialis: '26', tglEstRujuk: '2026-11-22' }, now)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      fields: [{ field: 'tglEstRujuk', key: 'rujuk.tglPastField' }],
    })
  })
})
