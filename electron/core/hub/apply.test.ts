import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { examinationInput, registrationInput } from '../../../test/helpers/clinic'
import { tempDir } from '../../../test/helpers/tmp'
import { createCore, type Core } from '../app'
import { AuthService } from '../auth'
import { registerVisit } from '../clinic'
import type { Scheduler } from '../sync/scheduler'
import { APPLIED_KEEP_MS, APPLIED_PRUNE_EVERY_MS, applyDeskCall, pruneApplied, startAppliedPruning, type DeskApplyRequest } from './apply'

// The hub's side of a desk's offline work (issue 16, Deliver 3 and 4), on a real SQLite file.

const CARD = '0009999000001'
const DESK = 'desk-a1'
let tmp: ReturnType<typeof tempDir>
let core: Core

beforeEach(async () => {
  tmp = tempDir('faskes-apply-')
  core = createCore({ dataDir: tmp.dir, version: 'test', keychain: false })
  core.settings.update({ kdPPK: '0199B001' })
  const auth = new AuthService(core.db, null)
  await auth.createUser('loket', 'rahasia-loket-1', 'counter')
  await auth.createUser('dokter', 'rahasia-dokter-1', 'clinician')
  core.db.prepare("INSERT INTO patients (no_kartu, nik, nama, kd_provider, aktif, updated_at) VALUES (?, '3200000000000001', 'Uji', '0199B001', 1, 0)").run(CARD)
})
afterEach(async () => {
  await core.close()
  tmp.cleanup()
})

const req = (seq: number, channel: DeskApplyRequest['channel'], input: unknown, user = 'dokter', desk = DESK): DeskApplyRequest => ({
  key: `desk:${desk}:${seq}`,
  channel,
  input,
  user,
  at: Date.now(),
})
const count = (sql: string, ...args: unknown[]) => (core.db.prepare(sql).get(...args) as { n: number }).n
const jobs = (operation: string) => count('SELECT count(*) AS n FROM outbox WHERE operation = ?', operation)

describe('applyDeskCall', () => {
  it('a replay after a lost answer returns the first answer and writes nothing', () => {
    const first = applyDeskCall(core, DESK, req(1, 'registration.create', registrationInput(CARD), 'loket'))
    expect(first).toMatchObject({ ok: true, value: { noRawat: expect.any(String) } })
    const outboxBefore = count('SELECT count(*) AS n FROM outbox')
    const replay = applyDeskCall(core, DESK, req(1, 'registration.create', registrationInput(CARD), 'loket'))
    expect(replay).toEqual(first)
    expect(count('SELECT count(*) AS n FROM registrations')).toBe(1)
    expect(count('SELECT count(*) AS n FROM outbox')).toBe(outboxBefore)
    expect(count('SELECT count(*) AS n FROM hub_applied')).toBe(1)

    const noRawat = (first as { value: { noRawat: string } }).value.noRawat
    const exam = applyDeskCall(core, DESK, req(2, 'examination.save', examinationInput(noRawat)))
    expect(exam).toMatchObject({ ok: true, value: { noRawat } })
    expect(applyDeskCall(core, DESK, req(2, 'examination.save', examinationInput(noRawat)))).toEqual(exam)
    expect(jobs('kunjungan.add')).toBe(1)
    expect(jobs('Visit:Record')).toBe(1)
  })

  it("merges a poli's offline start with the counter's registration: one PCare pendaftaran, one ledger visit", () => {
    const counter = registerVisit(core.db, core.settings.get(), registrationInput(CARD), { userId: 'loket' })
    // Live staff at the hub keep the CONFLICT for a second registration of the same card, poli and day.
    expect(() => registerVisit(core.db, core.settings.get(), registrationInput(CARD), { userId: 'loket' })).toThrow(/sudah terdaftar/)
    const started = applyDeskCall(core, DESK, req(7, 'registration.create', registrationInput(CARD, { keluhan: 'batuk' })))
    expect(started).toEqual({ ok: true, value: { noRawat: counter.noRawat, tglDaftar: counter.tglDaftar, merged: true } })
    const exam = applyDeskCall(core, DESK, req(8, 'examination.save', examinationInput(counter.noRawat)))
    expect(exam.ok).toBe(true)
    expect(count('SELECT count(*) AS n FROM registrations')).toBe(1)
    expect(jobs('pendaftaran.add')).toBe(1)
    expect(jobs('kunjungan.add')).toBe(1)
    expect(jobs('Visit:Record')).toBe(1)
    // Another poli the same day is another visit.
    const other = applyDeskCall(core, DESK, req(9, 'registration.create', registrationInput(CARD, { kdPoli: '002' })))
    expect(other.ok && 'merged' in (other.value as object)).toBe(false)
    expect(other).toMatchObject({ ok: true, value: { noRawat: expect.not.stringMatching(counter.noRawat) } })
    expect(jobs('pendaftaran.add')).toBe(2)
  })

  it("refuses a key naming another desk, a role the channel does not allow, a disabled user, and a key reused for another channel", () => {
    expect(applyDeskCall(core, DESK, req(1, 'registration.create', registrationInput(CARD), 'loket', 'desk-other'))).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', key: 'hub.deskRefused' },
    })
    const made = applyDeskCall(core, DESK, req(1, 'registration.create', registrationInput(CARD), 'loket'))
    const noRawat = (made as { value: { noRawat: string } }).value.noRawat
    expect(applyDeskCall(core, DESK, req(2, 'examination.save', examinationInput(noRawat), 'loket'))).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    core.db.prepare("UPDATE users SET disabled_at = 1 WHERE username = 'dokter'").run()
    expect(applyDeskCall(core, DESK, req(3, 'examination.save', examinationInput(noRawat)))).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(applyDeskCall(core, DESK, req(1, 'examination.save', examinationInput(noRawat), 'admin-none'))).toMatchObject({ ok: false })
    core.db.prepare("UPDATE users SET disabled_at = NULL WHERE username = 'dokter'").run()
    expect(applyDeskCall(core, DESK, req(1, 'examination.save', examinationInput(noRawat)))).toMatchObject({ ok: false, error: { code: 'CONFLICT', key: 'hub.keyReused' } })
    expect(count('SELECT count(*) AS n FROM examinations')).toBe(0)
  })

  it('a visit the desk started before midnight keeps its day when it arrives after; a desk clock ahead of the hub is not trusted', () => {
    const isoDay = (ms: number) => {
      const d = new Date(ms)
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
    }
    const yesterday = Date.now() - 20 * 60 * 60 * 1000
    const r = applyDeskCall(core, DESK, { ...req(1, 'registration.create', registrationInput(CARD), 'loket'), at: yesterday })
    expect(r).toMatchObject({ ok: true, value: { tglDaftar: isoDay(yesterday) } })
    const future = applyDeskCall(core, DESK, { ...req(2, 'registration.create', registrationInput(CARD, { kdPoli: '002' }), 'loket'), at: Date.now() + 86_400_000 * 3 })
    expect(future).toMatchObject({ ok: true, value: { tglDaftar: isoDay(Date.now()) } })
  })

  describe('pruning hub_applied', () => {
    const DAY = 86_400_000
    const keys = () => (core.db.prepare('SELECT idempotency_key AS k FROM hub_applied ORDER BY k').all() as { k: string }[]).map((r) => r.k)
    /** Applies one registration as `desk` with key seq `seq`, then dates its hub_applied row `ageMs` before `now`. */
    const appliedAt = (desk: string, seq: number, kdPoli: string, ageMs: number, now: number) => {
      const r = applyDeskCall(core, desk, req(seq, 'registration.create', registrationInput(CARD, { kdPoli }), 'loket', desk))
      expect(r.ok).toBe(true)
      core.db.prepare('UPDATE hub_applied SET applied_at = ? WHERE idempotency_key = ?').run(now - ageMs, `desk:${desk}:${seq}`)
      return r
    }

    it('drops rows past the bound, keeps recent ones and each desk\'s newest, and a replay inside the bound still answers', () => {
      const now = Date.now()
      appliedAt(DESK, 1, '001', APPLIED_KEEP_MS + DAY, now)
      appliedAt(DESK, 2, '002', APPLIED_KEEP_MS + 1, now)
      const recent = appliedAt(DESK, 3, '003', APPLIED_KEEP_MS - DAY, now)
      appliedAt(DESK, 10, '004', 1000, now)
      // Another desk whose only rows are old: its newest (by desk sequence as a number; as text '9' > '10') is the one
      // it may still send again, so it stays whatever its age.
      appliedAt('desk-b2', 9, '005', APPLIED_KEEP_MS + 3 * DAY, now)
      appliedAt('desk-b2', 10, '006', APPLIED_KEEP_MS + 2 * DAY, now)
      expect(pruneApplied(core.db, now)).toBe(3)
      expect(keys()).toEqual(['desk:desk-a1:10', 'desk:desk-a1:3', 'desk:desk-b2:10'])
      // A replay of a kept key answers its first answer and writes nothing.
      const registrations = count('SELECT count(*) AS n FROM registrations')
      expect(applyDeskCall(core, DESK, req(3, 'registration.create', registrationInput(CARD, { kdPoli: '003' }), 'loket'))).toEqual(recent)
      expect(count('SELECT count(*) AS n FROM registrations')).toBe(registrations)
      // Nothing more to drop at the same time.
      expect(pruneApplied(core.db, now)).toBe(0)
    })

    it('runs at the start and then once a day until stopped', () => {
      let clock = Date.now()
      const timers: { fn: () => void; at: number }[] = []
      const scheduler: Scheduler = {
        now: () => clock,
        setTimeout: (fn, ms) => (timers.push({ fn, at: clock + ms }), timers.length - 1),
        clearTimeout: (h) => void (timers[h as number].at = Infinity),
      }
      appliedAt(DESK, 1, '001', APPLIED_KEEP_MS + 1, clock)
      appliedAt(DESK, 2, '002', APPLIED_KEEP_MS - DAY / 2, clock)
      appliedAt(DESK, 3, '003', 0, clock)
      const pruning = startAppliedPruning(core.db, { scheduler })
      expect(keys()).toEqual(['desk:desk-a1:2', 'desk:desk-a1:3'])
      expect(timers.map((t) => t.at)).toEqual([clock + APPLIED_PRUNE_EVERY_MS])
      clock += APPLIED_PRUNE_EVERY_MS
      timers[0].fn()
      expect(keys()).toEqual(['desk:desk-a1:3'])
      expect(timers.map((t) => t.at)).toEqual([clock, clock + APPLIED_PRUNE_EVERY_MS])
      pruning.stop()
      expect(timers[1].at).toBe(Infinity)
    })
  })
})
