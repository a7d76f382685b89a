import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Simulator } from '../../tools/pcare-sim/server'
import { ACTIVE_CARDS, drained, engine, ledgerAs, simulator, visit, workstation, type Workstation } from './harness'

let ws: Workstation
let sim: Simulator
beforeEach(async () => {
  ws = workstation()
  sim = await simulator()
})
afterEach(async () => {
  await sim.close()
  ws.cleanup()
})

describe('sync engine against the PCare simulator and the Fabric network', () => {
  it('delivers a visit exactly once to PCare and the ledger and writes the results back', async () => {
    const v = visit(ws, ACTIVE_CARDS[0].noKartu)
    const e = engine(ws, sim)
    e.start()
    await drained(ws.db)
    await e.stop()
    expect(ws.db.prepare("SELECT status, count(*) AS n FROM outbox GROUP BY status").all()).toEqual([{ status: 'done', n: 6 }])
    const st = sim.state()
    expect([st.pendaftaran.length, st.kunjungan.length, st.tindakan.length, st.obat.length]).toEqual([1, 1, 1, 1])
    const reg = ws.db.prepare('SELECT no_urut FROM registrations WHERE no_rawat = ?').get(v.noRawat) as { no_urut: string }
    expect(reg.no_urut).toBe(st.pendaftaran[0].noUrut)
    const ex = ws.db.prepare('SELECT no_kunjungan, ledger_tx_id, claim_status FROM examinations WHERE no_rawat = ?').get(v.noRawat) as Record<string, string>
    expect(ex.no_kunjungan).toBe(st.kunjungan[0].noKunjungan)
    expect(ex.ledger_tx_id).toMatch(/^[0-9a-f]{64}$/)
    expect(ex.claim_status).toBe('SUBMITTED')
    const bpjs = await ledgerAs('BPJS')
    try {
      const visitRec = JSON.parse(Buffer.from(await bpjs.contract('Visit').evaluateTransaction('Read', v.visitId)).toString())
      expect(visitRec).toMatchObject({ visitId: v.visitId, noKartu: ACTIVE_CARDS[0].noKartu })
      const claim = JSON.parse(Buffer.from(await bpjs.contract('Claim').evaluateTransaction('Read', v.claimId!)).toString())
      expect(claim.status).toBe('SUBMITTED')
    } finally {
      bpjs.close()
    }
    // every attempt is logged with its duration
    const attempts = ws.db.prepare("SELECT count(*) AS n, min(duration_ms) AS d FROM outbox_attempts WHERE outcome = 'ok'").get() as { n: number; d: number }
    expect(attempts.n).toBe(6)
    expect(attempts.d).toBeGreaterThanOrEqual(0)
  })

  it('keeps a chain behind a permanent PCare failure and lets other visits through', async () => {
    sim.setFault({ mode: 'jvalue', pathPrefix: 'kunjungan', count: 1 })
    const a = visit(ws, ACTIVE_CARDS[0].noKartu)
    const b = visit(ws, ACTIVE_CARDS[1].noKartu)
    const e = engine(ws, sim)
    e.start()
    await drained(ws.db)
    await e.stop()
    const rows = ws.db.prepare("SELECT entity_id, operation, status, last_error_code FROM outbox WHERE target = 'pcare' ORDER BY id").all() as Record<string, string>[]
    const failed = rows.filter((r) => r.status === 'failed_permanent')
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ operation: 'kunjungan.add', last_error_code: 'JVALUE' })
    const held = rows.filter((r) => r.entity_id === failed[0].entity_id && r.status === 'pending').map((r) => r.operation)
    expect(held).toEqual(['tindakan.add', 'obat.add'])
    const other = failed[0].entity_id === a.noRawat ? b.noRawat : a.noRawat
    expect(rows.filter((r) => r.entity_id === other).every((r) => r.status === 'done')).toBe(true)
    expect(sim.state().kunjungan).toHaveLength(1)
    // The admin reads what was sent and what PCare answered, without any header or credential.
    const attempt = ws.db.prepare("SELECT request, response FROM outbox_attempts WHERE outcome = 'permanent'").get() as { request: string; response: string }
    expect(JSON.parse(attempt.request)).toMatchObject({ kdPoli: '001', kdDiag1: 'A01.0' })
    expect(JSON.parse(attempt.response)).toMatchObject({ httpStatus: 500 })
    expect(attempt.request + attempt.response).not.toMatch(/sim-secret|X-signature|user_key|Basic /i)
  })
})
