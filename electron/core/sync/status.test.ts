import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { examinationInput, registrationInput } from '../../../test/helpers/clinic'
import { sampleJob } from '../../../test/helpers/outbox'
import { tempDir } from '../../../test/helpers/tmp'
import type { LedgerIdentity } from '../../contract'
import { recordExamination, registerVisit } from '../clinic'
import { openDatabase, type DB } from '../db'
import { SettingsStore } from '../settings'
import { deskHubStatus } from '../hub/offline'
import { enqueue, OutboxStore } from './outbox'
import { countsOf, outboxCounts, syncStatus } from './status'

// The peer answers (connectivity says online) but refuses the certificate: the ledger's status must say so until a
// new enrolment or a ledger success comes after the refusal.
const CARD = '0001234567890'
let tmp: ReturnType<typeof tempDir>
let db: DB

const identity = (enrolledAt: number): LedgerIdentity => ({
  kind: 'software',
  enrollmentId: 'ws-0199b001-test',
  mspId: 'PuskesmasMSP',
  kdPPK: '0199B001',
  role: 'workstation',
  certPem: 'cert',
  chainPem: 'chain',
  notBefore: 0,
  notAfter: enrolledAt + 86_400_000,
  enrolledAt,
  demo: false,
})
const ledger = () => syncStatus(db, { ledger: true }).targets.find((t) => t.target === 'ledger')!
const ledgerJobs = () => db.prepare(`SELECT id FROM outbox WHERE target = 'ledger' ORDER BY id`).all() as { id: number }[]

beforeAll(() => {
  tmp = tempDir('faskes-status-')
  db = openDatabase(join(tmp.dir, 'status.db'))
  db.prepare('INSERT INTO patients (no_kartu, nama, kd_provider, aktif, updated_at) VALUES (?, ?, ?, 1, 0)').run(CARD, 'Demo', '0199B001')
  // Two visits, two ledger chains: one job to refuse before the new enrolment, one after.
  for (const kdPoli of ['001', '003']) {
    const { noRawat } = registerVisit(db, { kdPPK: '0199B001' }, registrationInput(CARD, { kdPoli }), { userId: 'test' })
    recordExamination(db, { kdPPK: '0199B001' }, examinationInput(noRawat), { userId: 'dr.sari' })
  }
  new SettingsStore(db).setLedgerIdentity(identity(1_000))
})
afterAll(() => {
  db.close()
  tmp.cleanup()
})

describe('ledger identity refused by the peer', () => {
  it('is null before any refusal and for every other target', () => {
    expect(ledgerJobs().length).toBeGreaterThan(1)
    expect(syncStatus(db, { ledger: true }).targets.map((t) => t.identityRefusedAt)).toEqual(syncStatus(db).targets.map(() => null))
  })

  it('a refused send after the enrolment is shown with its time, though the peer is reachable', () => {
    const store = new OutboxStore(db)
    const job = store.get(ledgerJobs()[0].id)!
    store.fail(job, 'permanent', { startedAt: 5_000, durationMs: 10, outcome: 'permanent', errorCode: 'IDENTITY_REFUSED', errorMessage: 'access denied' }, 5_010, false)
    expect(ledger()).toMatchObject({ online: true, identityRefusedAt: 5_010 })
    expect(syncStatus(db).targets.filter((t) => t.target !== 'ledger').every((t) => t.identityRefusedAt === null)).toBe(true)
  })

  it('a new enrolment after the refusal clears it; a refusal after that shows again', () => {
    new SettingsStore(db).setLedgerIdentity(identity(6_000))
    expect(ledger().identityRefusedAt).toBeNull()
    const store = new OutboxStore(db)
    const job = store.get(ledgerJobs()[1].id)!
    store.fail(job, 'permanent', { startedAt: 7_000, durationMs: 5, outcome: 'permanent', errorCode: 'IDENTITY_REFUSED', errorMessage: 'access denied' }, 7_005, false)
    expect(ledger().identityRefusedAt).toBe(7_005)
  })

  it('a ledger success after the refusal clears it (the peer takes this certificate again)', () => {
    const store = new OutboxStore(db)
    const ids = ledgerJobs()
    const job = store.get(ids[ids.length - 1].id)!
    store.complete(job, { txId: 'x' }, { startedAt: 8_000, durationMs: 5, outcome: 'ok' })
    expect(ledger().identityRefusedAt).toBeNull()
  })
})

describe('the counting shared by the faskes lanes and a desk\'s hub lane', () => {
  it('counts waiting, blocked, in flight, failed, the last success and failing per target, the same for both', () => {
    const dir = tempDir('faskes-counts-')
    const cdb = openDatabase(join(dir.dir, 'counts.db'))
    try {
      const store = new OutboxStore(cdb)
      // Two hub chains: the first held by a permanent failure (its two later jobs blocked), the second with one job
      // done, one in flight and one waiting. A PCare job failed transiently, after nothing succeeded: failing.
      const held = ['a1', 'a2', 'a3'].map((k) => enqueue(cdb, sampleJob('hub.call', 'hub:a', { idempotencyKey: k }), 1_000))
      const free = ['b1', 'b2', 'b3'].map((k) => enqueue(cdb, sampleJob('hub.call', 'hub:b', { idempotencyKey: k }), 1_000))
      const pcare = enqueue(cdb, sampleJob('pendaftaran.add', 'pcare:c'), 1_000)
      store.fail(store.get(held[0])!, 'permanent', { startedAt: 2_000, durationMs: 1, outcome: 'permanent', errorCode: 'REJECTED' }, 2_001, false)
      store.complete(store.get(free[0])!, {}, { startedAt: 3_000, durationMs: 5, outcome: 'ok' })
      store.markInFlight(free[1], 3_010)
      store.fail(store.get(pcare)!, 'transient', { startedAt: 4_000, durationMs: 1, outcome: 'transient', errorCode: 'NETWORK' }, 9_000, false)

      const counts = outboxCounts(cdb)
      const hub = { pending: 1, blocked: 2, inFlight: 1, failed: 1, lastSuccessAt: 3_005, failing: false }
      expect(countsOf(counts, 'hub')).toEqual(hub)
      expect(deskHubStatus(cdb, true)).toEqual({ target: 'hub', online: true, ...hub, identityRefusedAt: null })
      expect(syncStatus(cdb, { pcare: true }).targets.find((t) => t.target === 'pcare')).toMatchObject({ online: true, pending: 1, blocked: 0, failed: 0, failing: true })
      // A target without jobs has zeros, in both.
      expect(countsOf(counts, 'ledger')).toEqual({ pending: 0, blocked: 0, inFlight: 0, failed: 0, lastSuccessAt: null, failing: false })
      expect(syncStatus(cdb).targets.find((t) => t.target === 'ledger')).toMatchObject(countsOf(counts, 'ledger'))
    } finally {
      cdb.close()
      dir.cleanup()
    }
  })
})

describe('faskes code in the settings not the certificate\'s (IDENTITY_KDPPK_MISMATCH)', () => {
  const settings = () => new SettingsStore(db)
  it('is flagged on the ledger lane alone, against a real peer, until the codes agree again', () => {
    settings().setLedgerIdentity(identity(9_000))
    settings().update({ kdPPK: '0199B001', ledger: { peerEndpoint: 'peer.example.id:7051' } })
    expect(ledger().kdppkMismatch).toBeUndefined()
    settings().update({ kdPPK: '0199B999' })
    expect(ledger().kdppkMismatch).toBe(true)
    expect(syncStatus(db).targets.filter((t) => t.kdppkMismatch).map((t) => t.target)).toEqual(['ledger'])
    // The demo network's identity re-enrols by itself: no mismatch to show there.
    settings().update({ ledger: { peerEndpoint: null } })
    expect(ledger().kdppkMismatch).toBeUndefined()
    settings().update({ kdPPK: '0199B001', ledger: { peerEndpoint: 'peer.example.id:7051' } })
    expect(ledger().kdppkMismatch).toBeUndefined()
  })
})
