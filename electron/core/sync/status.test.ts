import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { examinationInput, registrationInput } from '../../../test/helpers/clinic'
import { tempDir } from '../../../test/helpers/tmp'
import type { LedgerIdentity } from '../../contract'
import { recordExamination, registerVisit } from '../clinic'
import { openDatabase, type DB } from '../db'
import { SettingsStore } from '../settings'
import { OutboxStore } from './outbox'
import { syncStatus } from './status'

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
