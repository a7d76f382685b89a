import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { examinationInput, registrationInput } from '../../../test/helpers/clinic'
import { tempDir } from '../../../test/helpers/tmp'
import type { OutboxRow, PatientCheck, RegistrationRow, SyncStatus } from '../../contract'
import { createCore, type Core } from '../app'
import { AuthService } from '../auth'
import { totpAt } from '../auth/totp'
import { registerVisit } from '../clinic'
import { localIsoDate } from '../clinic/dates'
import { createHandlers } from '../ipc/handlers'
import { createLogger } from '../log'
import { openDatabase } from '../db'
import { OutboxStore } from '../sync/outbox'
import { TargetWorker } from '../sync/worker'
import { HubClient, pairDesk, readDeskPairing } from './desk'
import { hubExecutor, registerOffline } from './offline'
import { DeskNode } from './desk-node'
import { createPairingCode, revokeDesk } from './registry'
import { startHubServer, type HubServer } from './server'
import { until } from '../../../test/helpers/until'

// Issue 16, Deliver 3 and 4: a real hub server and a real desk process object in one Node process. The hub is stopped
// (its server closed, its database kept, as after a crash of the hub's network side), the desk works on, the hub comes
// back on the same address and certificate, and the desk's work arrives exactly once, in order, merged.

const quiet = createLogger({ level: 'error', sink: () => {} })
const CARD = '0009999000001'

describe('a desk while its hub is away', () => {
  let hubDir: ReturnType<typeof tempDir>
  let deskDir: ReturnType<typeof tempDir>
  let core: Core
  let hub: HubServer | null
  let desk: DeskNode
  const handlers = () => createHandlers(core)
  const startHub = async (port = 0) => (hub = await startHubServer({ core, handlers: handlers(), dataDir: hubDir.dir, host: '127.0.0.1', port, log: quiet }))
  const count = (sql: string, ...args: unknown[]) => (core.db.prepare(sql).get(...args) as { n: number }).n

  beforeEach(async () => {
    hubDir = tempDir('faskes-hub-')
    deskDir = tempDir('faskes-desk-')
    core = createCore({ dataDir: hubDir.dir, version: 'test', keychain: false })
    core.settings.update({ kdPPK: '0199B001' })
    const auth = new AuthService(core.db, null)
    await auth.createUser('dokter', 'rahasia-dokter-1', 'clinician')
    core.db.prepare("INSERT INTO patients (no_kartu, nik, nama, kd_provider, aktif, updated_at) VALUES (?, '3200000000000001', 'Uji', '0199B001', 1, 0)").run(CARD)
    await startHub()
    const pairing = await pairDesk(deskDir.dir, hub!.url, createPairingCode(core.db, hub!.fingerprint).code, 'Poli Umum')
    desk = new DeskNode({ dataDir: deskDir.dir, pairing, log: quiet, pollMs: 50, probeMs: 100, refreshMs: 60_000 })
    desk.start()
  })

  afterEach(async () => {
    await desk.stop()
    await hub?.close()
    await core.close()
    hubDir.cleanup()
    deskDir.cleanup()
  })

  it('checks a card, starts a visit and examines while the hub is away; the hub then gets both once, in order, merged with the counter', async () => {
    const session = (await desk.call('auth.login', { username: 'dokter', password: 'rahasia-dokter-1' }, undefined)).session ?? undefined
    expect(session).toBeTruthy()
    const online = (await desk.call('patient.check', { query: CARD }, session)).result as { ok: true; value: PatientCheck }
    expect(online.ok).toBe(true)
    expect((await desk.call('registration.today', {}, session)).result).toMatchObject({ ok: true, value: [] })

    const port = hub!.port
    await hub!.close()
    hub = null

    // The card: the last answer the hub gave, with its time.
    const card = (await desk.call('patient.check', { query: CARD }, session)).result as { ok: true; value: PatientCheck }
    expect(card).toMatchObject({ ok: true, value: { source: 'cache', patient: { noKartu: CARD } } })
    // PCare never answered this hub (no engine here): the time is when the desk read the hub's answer.
    expect(card.value.checkedAt).toEqual(online.value.checkedAt ?? expect.any(Number))
    // A form the contract refuses is refused here at once, as online: queued, it would hold every later call.
    expect((await desk.call('registration.create', { noKartu: CARD }, session)).result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(desk.waiting()).toBe(0)
    // A card this desk never saw the hub read is registered only as unverified, which the hub then checks with PCare.
    const stranger = registrationInput('0009999000555')
    expect((await desk.call('registration.create', stranger, session)).result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', key: 'reg.checkFirst' } })
    expect(desk.waiting()).toBe(0)
    // A clinician starts the visit at the poli and examines it.
    const started = (await desk.call('registration.create', registrationInput(CARD, { keluhan: 'batuk' }), session)).result as { ok: true; value: { noRawat: string } }
    expect(started).toMatchObject({ ok: true, value: { noRawat: 'desk-1' } })
    // The page says where it went: saved at this desk, sent when the hub is back.
    expect((await desk.call('examination.save', examinationInput('desk-1'), session)).result).toMatchObject({ ok: true, value: { noRawat: 'desk-1', savedAt: 'desk' } })
    // A second examination of the same visit is refused here already; so is what needs the hub's live answer.
    expect((await desk.call('examination.save', examinationInput('desk-1'), session)).result).toMatchObject({ ok: false, error: { key: 'exam.alreadySaved' } })
    expect((await desk.call('registration.cancel', { noRawat: 'desk-1', reason: 'salah' }, session)).result).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE', key: 'hub.offlineRefused' },
    })
    // Signing in needs the hub; the signed-in user keeps working.
    expect((await desk.call('auth.login', { username: 'dokter', password: 'x' }, undefined)).result).toMatchObject({ ok: false, error: { key: 'hub.offlineNoSession' } })
    expect((await desk.call('auth.me', {}, session)).result).toMatchObject({ ok: true, value: { user: { username: 'dokter', role: 'clinician' } } })
    // The desk's list holds the visit it started; the status bar says the hub is away and what waits.
    const list = (await desk.call('registration.today', {}, session)).result as { ok: true; value: RegistrationRow[] }
    expect(list.value.map((r) => [r.noRawat, r.status])).toEqual([['desk-1', 'registered']])
    const status = (await desk.call('sync.status', {}, session)).result as { ok: true; value: SyncStatus }
    expect(status.value.targets).toEqual([expect.objectContaining({ target: 'hub', online: false, pending: 2 })])

    // Meanwhile the counter registered the same card at the same poli at the hub.
    const counter = registerVisit(core.db, core.settings.get(), registrationInput(CARD), { userId: 'loket' })
    expect(count('SELECT count(*) AS n FROM hub_applied')).toBe(0)

    await startHub(port)
    await until('the desk has nothing waiting', () => desk.waiting() === 0, 10_000, 25)

    // Exactly once, in the desk's order, and one visit: the counter's.
    const applied = core.db.prepare('SELECT idempotency_key AS key, channel FROM hub_applied ORDER BY rowid').all()
    expect(applied).toEqual([
      { key: `desk:${desk.deskId}:1`, channel: 'registration.create' },
      { key: `desk:${desk.deskId}:2`, channel: 'examination.save' },
    ])
    expect(count('SELECT count(*) AS n FROM registrations WHERE no_kartu = ?', CARD)).toBe(1)
    expect(count("SELECT count(*) AS n FROM examinations WHERE no_rawat = ? AND created_by = 'dokter'", counter.noRawat)).toBe(1)
    expect(count("SELECT count(*) AS n FROM outbox WHERE operation = 'pendaftaran.add'")).toBe(1)
    expect(count("SELECT count(*) AS n FROM outbox WHERE operation = 'kunjungan.add'")).toBe(1)
    expect(count("SELECT count(*) AS n FROM outbox WHERE operation = 'Visit:Record'")).toBe(1)
    // The desk now names the visit by the hub's noRawat, and calls with its old local id reach that visit.
    expect(desk.db.prepare('SELECT hub_no_rawat, merged, examined FROM desk_visits').all()).toEqual([{ hub_no_rawat: counter.noRawat, merged: 1, examined: 1 }])
    const print = (await desk.call('print.slip', { noRawat: 'desk-1' }, session)).result
    expect(print).toMatchObject({ ok: true })
    const back = (await desk.call('sync.status', {}, session)).result as { ok: true; value: SyncStatus }
    expect(back.value.targets.find((t) => t.target === 'hub')).toMatchObject({ online: true, pending: 0, failed: 0 })
  })

  it("refreshes its copy of today's list when the hub's change feed wakes it, and answers from it once the hub is gone", async () => {
    const session = (await desk.call('auth.login', { username: 'dokter', password: 'rahasia-dokter-1' }, undefined)).session ?? undefined
    expect((await desk.call('registration.today', {}, session)).result).toMatchObject({ ok: true, value: [] })
    const made = registerVisit(core.db, core.settings.get(), registrationInput(CARD), { userId: 'loket' })
    // What the handler table's wrapper does for every visit write (ipc/handlers.ts withChangeFeed).
    core.changes.record(made.noRawat)
    const cached = () => (desk.db.prepare("SELECT value FROM desk_cache WHERE kind = 'today'").get() as { value: string }).value
    await until('the desk caches the new visit', () => cached().includes(made.noRawat), 10_000, 25)
    await hub!.close()
    hub = null
    const list = (await desk.call('registration.today', {}, session)).result as { ok: true; value: RegistrationRow[] }
    expect(list.value.map((r) => r.noRawat)).toEqual([made.noRawat])
    // The poli starts that visit from the slip: it is the counter's visit, and nothing waits for the hub.
    expect((await desk.call('registration.create', registrationInput(CARD), session)).result).toMatchObject({ ok: true, value: { noRawat: made.noRawat } })
    expect(desk.waiting()).toBe(0)
  })

  it('a page reloaded while the hub is away starts from the cache: auth.me, app.info, reference lists, today and status', async () => {
    const session = (await desk.call('auth.login', { username: 'dokter', password: 'rahasia-dokter-1' }, undefined)).session ?? undefined
    // What the page asks while signed in with the hub there (App.tsx, reference.tsx, the today list).
    const info = (await desk.call('app.info', {}, session)).result as { ok: true; value: { kdPPK: string | null } }
    expect(info).toMatchObject({ ok: true, value: { kdPPK: '0199B001' } })
    await desk.call('reference.lists', {}, session)
    // An examination saved while the hub answers was stored at the hub, and the page is told so.
    const made = registerVisit(core.db, core.settings.get(), registrationInput(CARD), { userId: 'loket' })
    expect((await desk.call('examination.save', examinationInput(made.noRawat), session)).result).toMatchObject({ ok: true, value: { noRawat: made.noRawat, savedAt: 'hub' } })
    expect(count('SELECT count(*) AS n FROM examinations WHERE no_rawat = ?', made.noRawat)).toBe(1)
    await desk.call('registration.today', {}, session)
    await hub!.close()
    hub = null
    // F5: the same session cookie, every start-up read of the page, in its order.
    expect((await desk.call('auth.me', {}, session)).result).toMatchObject({ ok: true, value: { user: { username: 'dokter' } } })
    expect((await desk.call('app.info', {}, session)).result).toEqual(info)
    expect((await desk.call('reference.lists', {}, session)).result).toMatchObject({ ok: true })
    expect((await desk.call('registration.changes', { cursor: null }, session)).result).toMatchObject({ ok: true, value: { full: true, rows: [{ noRawat: made.noRawat }] } })
    expect((await desk.call('sync.status', {}, session)).result).toMatchObject({ ok: true, value: { targets: [{ target: 'hub', online: false }] } })
    // Not for someone who is not signed in here.
    expect((await desk.call('app.info', {}, 'another-token')).result).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    // A card number never checked here: no status, which the page reads as "register as unverified", and that works.
    const stranger = '0009999000555'
    expect((await desk.call('patient.check', { query: stranger }, session)).result).toEqual({
      ok: true,
      value: expect.objectContaining({ source: 'none', notFound: false, patient: null, checkedAt: null, registeredToday: [] }),
    })
    expect((await desk.call('registration.create', registrationInput(stranger, { unverified: true }), session)).result).toMatchObject({ ok: true, value: { noRawat: 'desk-1' } })
    expect((await desk.call('patient.check', { query: stranger }, session)).result).toMatchObject({ ok: true, value: { registeredToday: [{ noRawat: 'desk-1' }] } })
    // A NIK never checked here cannot be registered offline (a visit needs the card number): the message says so.
    expect((await desk.call('patient.check', { query: '3200000000000099' }, session)).result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', key: 'hub.offlineCardUnknown' } })
  })


  it('finds offline the diagnoses its searches returned while connected, so the examination form can still be saved', async () => {
    const insert = core.db.prepare('INSERT INTO ref_diagnosa (kd_diag, nm_diag, non_spesialis, fetched_at) VALUES (?, ?, 1, 0)')
    insert.run('A01.0', 'Typhoid fever')
    insert.run('A90', 'Dengue fever [classical dengue]')
    const session = (await desk.call('auth.login', { username: 'dokter', password: 'rahasia-dokter-1' }, undefined)).session ?? undefined
    const online = (await desk.call('reference.diagnosa', { q: 'typhoid', limit: 8 }, session)).result as { ok: true; value: { kdDiag: string }[] }
    expect(online.value.map((h) => h.kdDiag)).toEqual(['A01.0'])
    await hub!.close()
    hub = null
    // The same search answers the same hit (before: UNAVAILABLE hub.offlineRefused, and no diagnosis could be picked).
    expect((await desk.call('reference.diagnosa', { q: 'typhoid', limit: 8 }, session)).result).toEqual(online)
    expect((await desk.call('reference.diagnosa', { q: 'A01', limit: 8 }, session)).result).toMatchObject({ ok: true, value: [{ kdDiag: 'A01.0', nmDiag: 'Typhoid fever' }] })
    // The hub's list is not at the desk: a diagnosis no search here ever returned is not found.
    expect((await desk.call('reference.diagnosa', { q: 'dengue', limit: 8 }, session)).result).toEqual({ ok: true, value: [] })
    expect((await desk.call('reference.diagnosa', { q: 'typhoid' }, 'another-token')).result).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })
  it('a desk revoked with work queued: the old jobs are refused and kept for a person; paired again, new work reaches the hub under the new id', async () => {
    const session = (await desk.call('auth.login', { username: 'dokter', password: 'rahasia-dokter-1' }, undefined)).session ?? undefined
    await desk.call('patient.check', { query: CARD }, session)
    const port = hub!.port
    await hub!.close()
    hub = null
    expect((await desk.call('registration.create', registrationInput(CARD), session)).result).toMatchObject({ ok: true, value: { noRawat: 'desk-1' } })
    const oldId = desk.deskId
    revokeDesk(core.db, oldId)
    await startHub(port)
    const failed = () => desk.db.prepare("SELECT chain_key AS chain, status, last_error_code AS code, last_error_message AS message FROM outbox WHERE target = 'hub' ORDER BY id").all()
    await until('the job is refused for good', () => (failed()[0] as { status: string }).status === 'failed_permanent', 10_000, 25)
    expect(failed()).toEqual([{ chain: `hub:${oldId}`, status: 'failed_permanent', code: 'HUB_REFUSED', message: 'hub.deskRefused' }])
    expect(count('SELECT count(*) AS n FROM registrations')).toBe(0)

    // Paired again with a new code: a new desk id on the same desk.db; the old job stays as it was, for the admin.
    await desk.stop()
    const pairing = await pairDesk(deskDir.dir, hub!.url, createPairingCode(core.db, hub!.fingerprint).code, 'Poli Umum')
    expect(pairing.deskId).not.toBe(oldId)
    desk = new DeskNode({ dataDir: deskDir.dir, pairing, log: quiet, pollMs: 50, probeMs: 100, refreshMs: 60_000 })
    desk.start()
    const again = (await desk.call('auth.login', { username: 'dokter', password: 'rahasia-dokter-1' }, undefined)).session ?? undefined
    // The offline visit is still the desk's (a second start of it is refused here); a visit at another poli goes through.
    expect((await desk.call('registration.create', registrationInput(CARD), again)).result).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
    expect((await desk.call('registration.create', registrationInput(CARD, { kdPoli: '002' }), again)).result).toMatchObject({ ok: true })
    await until('the hub applied the call', () => count('SELECT count(*) AS n FROM hub_applied') === 1, 10_000, 25)
    expect(core.db.prepare('SELECT desk_id FROM hub_applied').all()).toEqual([{ desk_id: pairing.deskId }])
    expect(failed()).toEqual([
      { chain: `hub:${oldId}`, status: 'failed_permanent', code: 'HUB_REFUSED', message: 'hub.deskRefused' },
      { chain: `hub:${pairing.deskId}`, status: 'done', code: null, message: null },
    ])
  })

  it("answers the poli's doctor schedule from the hub's last answer, so the page offers no doctor the hub would refuse at replay", async () => {
    const today = localIsoDate(Date.now())
    core.db.prepare("INSERT INTO doctor_schedule (kd_poli, tanggal, kd_dokter, nm_dokter, jam_praktek, kapasitas) VALUES ('001', ?, '131491', 'dr. Jaga', '08:00-12:00', 20)").run(today)
    core.db.prepare("INSERT INTO doctor_schedule_fetch (kd_poli, tanggal, fetched_at) VALUES ('001', ?, ?)").run(today, Date.now())
    const session = (await desk.call('auth.login', { username: 'dokter', password: 'rahasia-dokter-1' }, undefined)).session ?? undefined
    const online = (await desk.call('doctors.schedule', { kdPoli: '001' }, session)).result as { ok: true; value: { dokter: { kdDokter: string }[] } }
    expect(online.value.dokter.map((d) => d.kdDokter)).toEqual(['131491'])
    await hub!.close()
    hub = null
    // Before: UNAVAILABLE hub.offlineRefused, so the form listed every doctor and a replay with one off the schedule
    // was refused by the hub (dokter.notOnSchedule), holding the desk's later calls.
    expect((await desk.call('doctors.schedule', { kdPoli: '001' }, session)).result).toMatchObject({
      ok: true,
      value: { kdPoli: '001', tanggal: today, dokter: [{ kdDokter: '131491' }], source: 'cache' },
    })
    // A poli the desk never read stays refused.
    expect((await desk.call('doctors.schedule', { kdPoli: '002' }, session)).result).toMatchObject({ ok: false, error: { key: 'hub.offlineRefused' } })
  })

  it('an answer lost after the hub applied the call: the resend gets the first answer and the hub writes nothing again', async () => {
    const deskDb = openDatabase(join(deskDir.dir, 'lossy.db'))
    const client = new HubClient(deskDir.dir, readDeskPairing(deskDir.dir)!)
    let lost = 0
    const worker = new TargetWorker(
      deskDb,
      new OutboxStore(deskDb),
      hubExecutor(deskDb, {
        // The hub applies the first send, and its answer never arrives (a cable pulled, the desk killed after sending).
        apply: async (request) => {
          const answer = await client.apply(request)
          if (lost++ === 0) throw new Error('socket hang up')
          return answer
        },
        reachable: async () => true,
      }),
      { concurrency: 1, pollMs: 20, probeMs: 50, backoff: { scale: 0.001 } },
    )
    try {
      // This store never saw the hub read the card: unverified, as a counter registers while PCare is away.
      const local = registerOffline(deskDb, desk.deskId, 'dokter', registrationInput(CARD, { unverified: true }))
      worker.start()
      await until('the desk job is done', () => (deskDb.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'done'").get() as { n: number }).n === 1, 10_000, 25)
      expect(lost).toBe(2)
      expect(count('SELECT count(*) AS n FROM hub_applied')).toBe(1)
      expect(count('SELECT count(*) AS n FROM registrations')).toBe(1)
      expect(count("SELECT count(*) AS n FROM outbox WHERE operation = 'pendaftaran.add'")).toBe(1)
      const hubNoRawat = (core.db.prepare('SELECT no_rawat FROM registrations').get() as { no_rawat: string }).no_rawat
      expect(deskDb.prepare('SELECT hub_no_rawat FROM desk_visits WHERE local_id = ?').get(local.noRawat)).toEqual({ hub_no_rawat: hubNoRawat })
    } finally {
      await worker.stop()
      client.close()
      deskDb.close()
    }
  })

  it('the hub lane says what is true (connected, what waits here, the last delivery, live writes included); answers from the desk copy name the hub', async () => {
    const session = (await desk.call('auth.login', { username: 'dokter', password: 'rahasia-dokter-1' }, undefined)).session ?? undefined
    const lane = async () => ((await desk.call('sync.status', {}, session)).result as { ok: true; value: SyncStatus }).value.targets.find((t) => t.target === 'hub')
    // Nothing sent from this desk yet: no time, and nothing waits.
    expect(await lane()).toMatchObject({ online: true, pending: 0, lastSuccessAt: null })
    const live = (await desk.call('patient.check', { query: CARD }, session)).result as { ok: true; value: PatientCheck }
    expect(live.value.fromDesk).toBeUndefined()
    // A read is not a delivery; a visit write the hub took live is, though the desk's outbox sent nothing.
    expect((await lane())?.lastSuccessAt).toBeNull()
    const before = Date.now()
    const visit = registerVisit(core.db, core.settings.get(), registrationInput(CARD), { userId: 'loket' })
    expect((await desk.call('examination.save', examinationInput(visit.noRawat), session)).result).toMatchObject({ ok: true, value: { savedAt: 'hub' } })
    const delivered = await lane()
    expect(delivered).toMatchObject({ online: true, pending: 0 })
    expect(delivered?.lastSuccessAt).toBeGreaterThanOrEqual(before)

    await hub!.close()
    hub = null
    // The desk's own copy answers, and says so: the page then names the hub, not PCare.
    expect((await desk.call('patient.check', { query: CARD }, session)).result).toMatchObject({ ok: true, value: { source: 'cache', fromDesk: true } })
    expect((await desk.call('patient.check', { query: '0009999000777' }, session)).result).toMatchObject({ ok: true, value: { source: 'none', fromDesk: true } })
    // Away: the lane keeps the last delivery, and counts what waits at this desk.
    expect((await desk.call('registration.create', registrationInput(CARD, { kdPoli: '002' }), session)).result).toMatchObject({ ok: true, value: { noRawat: 'desk-1' } })
    expect(await lane()).toMatchObject({ online: false, pending: 1, lastSuccessAt: delivered?.lastSuccessAt })
  })

  it('while the hub is away the desk feed of today waits like the hub feed: no change, no answer until waitMs; a write here answers at once', async () => {
    const session = (await desk.call('auth.login', { username: 'dokter', password: 'rahasia-dokter-1' }, undefined)).session ?? undefined
    await desk.call('patient.check', { query: CARD }, session)
    await hub!.close()
    hub = null
    type Feed = { ok: true; value: { cursor: string; full: boolean; rows: RegistrationRow[] } }
    const changes = async (cursor: string | null, waitMs: number) => (await desk.call('registration.changes', { cursor, waitMs }, session)).result as Feed
    const first = await changes(null, 0)
    expect(first.value).toMatchObject({ full: true, rows: [] })
    // Nothing changed at this desk: the call waits its waitMs and answers no change (the page then asks again), instead
    // of the whole list at once, which made every desk page ask without pause while the hub was away.
    let started = Date.now()
    const quiet = await changes(first.value.cursor, 400)
    expect(Date.now() - started).toBeGreaterThanOrEqual(350)
    expect(quiet.value).toEqual({ cursor: first.value.cursor, full: false, rows: [], gone: [] })
    // A visit started here ends the wait at once, with the list that holds it.
    started = Date.now()
    const waiting = changes(quiet.value.cursor, 8_000)
    await new Promise((r) => setTimeout(r, 100))
    expect((await desk.call('registration.create', registrationInput(CARD), session)).result).toMatchObject({ ok: true, value: { noRawat: 'desk-1' } })
    const woke = await waiting
    expect(Date.now() - started).toBeLessThan(4_000)
    expect(woke.value.full).toBe(true)
    expect(woke.value.rows.map((r) => r.noRawat)).toEqual(['desk-1'])
    expect(woke.value.cursor).not.toBe(quiet.value.cursor)
  })

  it('a refusal by the hub holds the later calls for a person instead of skipping them', async () => {
    const session = (await desk.call('auth.login', { username: 'dokter', password: 'rahasia-dokter-1' }, undefined)).session ?? undefined
    await desk.call('patient.check', { query: CARD }, session)
    const port = hub!.port
    await hub!.close()
    hub = null
    await desk.call('registration.create', registrationInput(CARD), session)
    await desk.call('examination.save', examinationInput('desk-1'), session)
    // The user is disabled at the hub while the desk is cut off.
    core.db.prepare("UPDATE users SET disabled_at = 1 WHERE username = 'dokter'").run()
    await startHub(port)
    await until('the desk job is refused for good', () => (desk.db.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'failed_permanent'").get() as { n: number }).n === 1, 10_000, 25)
    const rows = desk.db.prepare('SELECT seq, status, last_error_code AS code, last_error_message AS message FROM outbox ORDER BY seq').all()
    expect(rows).toEqual([
      { seq: 1, status: 'failed_permanent', code: 'HUB_REFUSED', message: 'auth.forbidden' },
      { seq: 2, status: 'pending', code: null, message: null },
    ])
    expect(count('SELECT count(*) AS n FROM hub_applied')).toBe(0)
    expect(count('SELECT count(*) AS n FROM registrations')).toBe(0)

    // The admin's outbox page at this desk lists the desk's own jobs under negative ids; the clinician cannot act on them.
    expect((await desk.call('outbox.cancel', { ids: [-1], reason: 'pengguna dinonaktifkan' }, session)).result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    // An admin session made for this desk (a fixed seal key for the authenticator; sessions are bound to their desk);
    // the desk learns its user from auth.me.
    const sealed = new AuthService(core.db, async () => Buffer.alloc(32, 7))
    const made = await sealed.createUser('admin1', 'rahasia-admin-satu', 'admin', 'now')
    const admin = (await sealed.login('admin1', 'rahasia-admin-satu', totpAt(made.enrolment?.secret ?? '', Date.now()), 'unit', desk.deskId)).token
    expect((await desk.call('auth.me', {}, admin)).result).toMatchObject({ ok: true, value: { user: { username: 'admin1', role: 'admin' } } })
    const listed = (await desk.call('outbox.list', {}, admin)).result as { ok: true; value: OutboxRow[] }
    expect(listed.value.filter((r) => r.target === 'hub').map((r) => [r.id, r.status, r.blockedBy?.id ?? null])).toEqual([
      [-2, 'pending', -1],
      [-1, 'failed_permanent', null],
    ])
    expect((await desk.call('outbox.detail', { id: -1 }, admin)).result).toMatchObject({ ok: true, value: { id: -1, operation: 'hub.call', lastErrorCode: 'HUB_REFUSED' } })
    // The user is enabled again: a resend goes through, and the examination behind it follows, in order.
    core.db.prepare("UPDATE users SET disabled_at = NULL WHERE username = 'dokter'").run()
    expect((await desk.call('outbox.resend', { ids: [-1] }, admin)).result).toMatchObject({ ok: true, value: { resent: [-1] } })
    await until('the desk has nothing waiting', () => desk.waiting() === 0, 10_000, 25)
    expect(core.db.prepare('SELECT channel FROM hub_applied ORDER BY rowid').all()).toEqual([{ channel: 'registration.create' }, { channel: 'examination.save' }])
  })
})
