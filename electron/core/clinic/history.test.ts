import { beforeEach, describe, expect, it } from 'vitest'
import { CLINIC_CARD as CARD, useClinicDb } from '../../../test/helpers/clinic-db'
import { registrationInput } from '../../../test/helpers/clinic'
import type { LedgerConnection } from '../ledger/gateway'
import { patientHistory } from './history'
import { registerVisit } from './index'
import { todayRegistrations } from './registrations'
import type { Remotes } from './eligibility'

const now = new Date(2026, 10, 23, 9, 30).getTime()
const DAY = 24 * 3600_000
let polis = 0
const db = useClinicDb()
beforeEach(() => {
  polis = 0
})

/**
 * A local-only ('umum') visit, so the test alone decides which outbox jobs its chains hold; each to another poli,
 * since a card is registered once per poli and day.
 */
const visit = (at: number, keluhan = 'demam') =>
  registerVisit(db(), { kdPPK: '0199B001' }, registrationInput(CARD, { penjamin: 'umum', keluhan, kdPoli: String(++polis).padStart(3, '0') }), { userId: 'u' }, at).noRawat
let seq = 0
function job(chain: string, operation: string, status: string) {
  seq++
  db().prepare(
    `INSERT INTO outbox (idempotency_key, target, operation, chain_key, seq, entity_type, entity_id, payload, payload_hash, status, next_attempt_at, correlation_id, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'e', 'e', '{}', 'h', ?, 0, 'c', 0, 0)`,
  ).run(`k${seq}`, chain.slice(0, chain.indexOf(':')), operation, chain, seq, status)
}

describe('todayRegistrations', () => {
  it("lists the day's visits only, in registration order, with each chain's sync state", () => {
    db().prepare('DELETE FROM outbox').run()
    visit(now - DAY)
    const a = visit(now)
    const b = visit(now + 1000)
    const c = visit(now + 2000)
    db().prepare('DELETE FROM outbox').run()
    job(`pcare:${a}`, 'pendaftaran.add', 'done')
    job(`pcare:${a}`, 'kunjungan.add', 'failed_transient')
    job(`ledger:${a}`, 'Visit:Record', 'done')
    job(`pcare:${b}`, 'pendaftaran.add', 'failed_permanent')
    job(`pcare:${b}`, 'kunjungan.add', 'pending')
    job(`ledger:${b}`, 'Visit:Record', 'cancelled')
    // A card re-check alone sends nothing: the PCare column stays 'none'.
    job(`pcare:${c}`, 'peserta.verify', 'done')
    const rows = todayRegistrations(db(), now + 3000)
    expect(rows.map((r) => r.noRawat)).toEqual([a, b, c])
    expect(rows.map((r) => [r.pcare, r.ledger])).toEqual([
      ['pending', 'done'],
      ['failed', 'done'],
      ['none', 'none'],
    ])
    expect(rows[0]).toMatchObject({ noKartu: CARD, kdPoli: '002', penjamin: 'umum', kunjSakit: true, callCount: 0, attendance: null })
    expect(todayRegistrations(db(), now + DAY).map((r) => r.noRawat)).toEqual([])
  })
})

function ledgerAnswering(answer: () => Promise<Uint8Array>): Remotes & { calls: string[][] } {
  const calls: string[][] = []
  const conn = {
    contract: (name: string) => ({
      evaluateTransaction: (fn: string, ...args: string[]) => (calls.push([name, fn, ...args]), answer()),
    }),
  } as unknown as LedgerConnection
  return { calls, pcare: () => Promise.reject(new Error('not used')), ledger: () => Promise.resolve(conn) }
}

describe('patientHistory', () => {
  it('reads the local visits newest first and, when asked, the newest ledger entries (newest first) with the total', async () => {
    const first = visit(now, 'batuk')
    const second = visit(now + 1000, 'pusing')
    const entries = [
      { entityType: 'Visit', entityId: 'v1', at: '2026-11-23T02:30:00Z', record: { status: 'RECORDED' } },
      { entityType: 'Claim', entityId: 'c1', at: '2026-11-23T02:31:00Z', record: {} },
    ]
    const remotes = ledgerAnswering(async () => Buffer.from(JSON.stringify({ total: 73, entries })))
    const h = await patientHistory(db(), remotes, { noKartu: CARD, ledger: true }, true)
    expect(h.local.map((v) => [v.noRawat, v.keluhan, v.diagnoses])).toEqual([
      [second, 'pusing', []],
      [first, 'batuk', []],
    ])
    expect(h.ledger).toEqual([
      { type: 'Claim', id: 'c1', status: null, at: '2026-11-23T02:31:00Z' },
      { type: 'Visit', id: 'v1', status: 'RECORDED', at: '2026-11-23T02:30:00Z' },
    ])
    expect(h).toMatchObject({ ledgerTotal: 73, ledgerError: null })
    expect(remotes.calls).toEqual([['History', 'Recent', CARD, '50']])
  })

  it("gives a visit's diagnoses only to a role that may see them (the counter gets none)", async () => {
    const noRawat = visit(now)
    const diagnoses = [{ kdDiag: 'J06.9', nmDiag: 'Acute upper respiratory infection, unspecified' }]
    db().prepare(`INSERT INTO examinations (no_rawat, data, ledger_visit_id, created_at, updated_at) VALUES (?, ?, 'lv1', 0, 0)`).run(noRawat, JSON.stringify({ diagnoses }))
    const clinician = await patientHistory(db(), null, { noKartu: CARD, ledger: false }, true)
    expect(clinician.local.map((v) => [v.noRawat, v.diagnoses])).toEqual([[noRawat, diagnoses]])
    const counter = await patientHistory(db(), null, { noKartu: CARD, ledger: false }, false)
    expect(counter.local.map((v) => [v.noRawat, v.diagnoses])).toEqual([[noRawat, []]])
    expect(JSON.stringify(counter)).not.toContain('J06.9')
  })

  it('answers from SQLite alone when the ledger is not asked for, not connected, or refuses', async () => {
    visit(now)
    const unused = ledgerAnswering(() => Promise.reject(new Error('must not be called')))
    expect(await patientHistory(db(), unused, { noKartu: CARD, ledger: false }, true)).toMatchObject({ ledger: null, ledgerTotal: null, ledgerError: null })
    expect(unused.calls).toEqual([])
    expect(await patientHistory(db(), null, { noKartu: CARD, ledger: true }, true)).toMatchObject({ ledger: null, ledgerError: 'no ledger connection in this session' })
    const refusing = ledgerAnswering(() => Promise.reject(new Error('14 UNAVAILABLE: peer down')))
    const h = await patientHistory(db(), refusing, { noKartu: CARD, ledger: true }, true)
    expect(h).toMatchObject({ ledger: null, ledgerTotal: null, ledgerError: '14 UNAVAILABLE: peer down' })
    expect(h.local).toHaveLength(1)
  })

  it('names why the ledger gave no history: refused certificate, org-scoped FORBIDDEN, another refusal, no answer', async () => {
    visit(now)
    const refusedBy = async (text: string) => (await patientHistory(db(), ledgerAnswering(() => Promise.reject(new Error(text))), { noKartu: CARD, ledger: true }, true)).ledgerProblem
    // The peer's words when the workstation's certificate is revoked (test/sync/identity.test.ts), and scope.ts's refusal.
    expect(await refusedBy('10 ABORTED: failed to endorse: error validating proposal: access denied: channel [bpjs-main] creator org [PuskesmasMSP]')).toBe('IDENTITY_REFUSED')
    expect(await refusedBy('chaincode response 500, FORBIDDEN: faskes 0199B001 neither served nor was referred this patient; it may not read its history')).toBe('FORBIDDEN')
    expect(await refusedBy('chaincode response 500, INVALID: bad card number')).toBe('OTHER')
    expect(await refusedBy('14 UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:9051')).toBe('UNREACHABLE')
    expect((await patientHistory(db(), null, { noKartu: CARD, ledger: true }, true)).ledgerProblem).toBe('UNREACHABLE')
    expect((await patientHistory(db(), null, { noKartu: CARD, ledger: false }, true)).ledgerProblem).toBeNull()
  })
})
