import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ExaminationInput } from '../../electron/contract'
import { AuthService } from '../../electron/core/auth'
import { openDatabase, type DB } from '../../electron/core/db'
import { lastBackup } from '../../electron/core/hub/backup'
import { certFingerprint } from '../../electron/core/hub/cert'
import { HubClient, pairDesk, readDeskPairing } from '../../electron/core/hub/desk'
import { databaseKeyOf, openKeyFile } from '../../electron/core/hub/keyfile'
import { createPairingCode } from '../../electron/core/hub/registry'
import { localRuntimeDir } from '../../electron/core/ledger/profile'
import { SettingsStore } from '../../electron/core/settings'
import type { Simulator } from '../../tools/pcare-sim/server'
import { ACTIVE_CARDS, deliveryReport, freshKdPPK, outboxCounts, runnable, simulator, type QueuedVisit } from './harness'
import { ownKeyringEnv, runUnderKeyring, startUnderKeyring, stopGroup, type KeyringProcess } from '../helpers/keyring-process'
import { tempDir } from '../helpers/tmp'

/**
 * Issue 16, Deliver 5 and the restore line of 6, with real parts: `npm run hub` processes (each under its own
 * keychain, tools/dev/with-keyring.sh, as two PCs), a paired desk calling them over mTLS, the PCare simulator and the
 * local Fabric network. The old hub works a morning with online backups on; it is SIGKILLed with sends in flight
 * after its last backup, so the copy holds jobs the old hub sent after it was taken; the copy is restored with
 * `hub:admin restore` and the key file from `hub:admin export-key` into a new data folder and a new keychain; the
 * new hub finishes the day. The simulator's state and the ledger must hold every visit exactly once.
 */

process.env.FASKES_LOG_LEVEL ??= 'error'

const REPO = join(__dirname, '../..')
const MAIN = join(REPO, 'tools/hub/main.ts')
const PASSPHRASE = 'frasa sandi cadangan hub uji'
// Few visits on purpose: the restored hub reads back every flagged ledger job (LEDGER_RECONCILE_AT_ONCE at a time) and
// a read that still times out on a loaded machine waits the hub's real retry schedule (1 min, then 5).
const MORNING = 6
/** Visits the old hub registers after the copy that is restored: lost at the hub, though it sends them. */
const LATE = 2
const AFTERNOON = 3
/** Backups every 1.5 s (the flag is in minutes). */
const BACKUP_EVERY_MIN = '0.025'
const VITALS = { sistole: 120, diastole: 80, beratBadan: 55, tinggiBadan: 160, lingkarPerut: 70, respRate: 18, heartRate: 80, suhu: '37.0' }

/** A PC: its environment names its own keychain (gnome-keyring under with-keyring.sh) and that keychain's password file. */
interface Pc {
  env: NodeJS.ProcessEnv
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** Failed attempts by error code (for the log: a transient failure waits a minute at the hub's real backoff). */
const errorCodes = (db: DB) =>
  Object.fromEntries(
    (
      db
        .prepare("SELECT coalesce(error_code, outcome) AS code, count(*) AS n, substr(max(error_message), 1, 160) AS sample FROM outbox_attempts WHERE outcome IN ('transient', 'permanent', 'ambiguous') GROUP BY 1")
        .all() as { code: string; n: number; sample: string | null }[]
    ).map((r) => [r.code, `${r.n}: ${r.sample ?? ''}`]),
  )

/** Runs a hub command on `pc` to its end (bounded), stdin given; returns stdout. */
const run = (pc: Pc, args: string[], stdin: string, timeoutMs = 90_000) => runUnderKeyring([process.execPath, '--import', 'tsx', MAIN, ...args], { env: pc.env, stdin, timeoutMs })

type Hub = KeyringProcess & { url: string }

/** Starts `npm run hub` on `pc` for `dataDir` with backups into `backupDir`; resolves at its ready line (bounded). */
async function startHub(pc: Pc, dataDir: string, backupDir: string): Promise<Hub> {
  const args = ['hub', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--backup-dir', backupDir, '--backup-every', BACKUP_EVERY_MIN, '--backup-keep', '50']
  const proc = startUnderKeyring('hub', [process.execPath, '--import', 'tsx', MAIN, ...args], { env: pc.env, readyMs: 60_000 })
  hubs.push(proc)
  return Object.assign(proc, { url: (await proc.ready).url })
}

let tmp: ReturnType<typeof tempDir>
let sim: Simulator
/** Every hub started, for afterAll (pushed before it is ready, so one that never got ready is stopped too). */
const hubs: KeyringProcess[] = []
const clients: HubClient[] = []
const dbs: DB[] = []

beforeAll(async () => {
  tmp = tempDir('faskes-hub-restore-')
  sim = await simulator()
})
afterAll(async () => {
  for (const c of clients) c.close()
  for (const d of dbs) if (d.open) d.close()
  // SIGTERM (the hub stops cleanly), SIGKILL after 20 s.
  await Promise.all(hubs.map((h) => stopGroup(h, 20_000)))
  await sim.close()
  tmp.cleanup()
})

describe('a hub restored from its backup on another PC finishes the day without duplicates (issue 16)', () => {
  it('backs up online, dies with sends in flight, is restored into a new folder and keychain, and sends nothing twice', async () => {
    // Each PC gets a keyring of its own (ownKeyringEnv drops the test's own session, which would make the children
    // run in the test's keyring and leave the restore's new keychain untested).
    const pc = (name: string): Pc => ({
      env: ownKeyringEnv(
        { dir: join(tmp.dir, `${name}-keyring`), passwordFile: join(tmp.dir, `${name}-keyring.pw`) },
        { FASKES_DEMO_PCARE_URL: sim.url, FASKES_DEMO_LEDGER_DIR: localRuntimeDir(), FASKES_LOG_LEVEL: 'error' },
      ),
    })
    const oldPc = pc('old')
    const newPc = pc('new')
    const oldDir = join(tmp.dir, 'hub-old')
    const newDir = join(tmp.dir, 'hub-new')
    const backupDir = join(tmp.dir, 'share')
    const deskDir = join(tmp.dir, 'desk')

    // The admin exports the key on the first day (the database is made then); the test reads the key from it too.
    await run(oldPc, ['admin', 'export-key', '--out', join(tmp.dir, 'first.key'), '--data-dir', oldDir], `${PASSPHRASE}\n`)
    const key = databaseKeyOf(await openKeyFile(readFileSync(join(tmp.dir, 'first.key'), 'utf8'), PASSPHRASE))
    const oldDb = openDatabase(join(oldDir, 'faskes.db'), { key })
    dbs.push(oldDb)
    // The faskes as the first-run setup would leave it: its code, its ledger org, two staff, the cards' cached status.
    new SettingsStore(oldDb).update({ kdPPK: freshKdPPK(), ledger: { org: 'Puskesmas' } })
    const ins = oldDb.prepare("INSERT OR REPLACE INTO patients (no_kartu, nik, nama, kd_provider, aktif, updated_at) VALUES (?, ?, 'Demo', '0199B001', 1, ?)")
    for (const p of ACTIVE_CARDS) ins.run(p.noKartu, p.noKTP, Date.now())
    const auth = new AuthService(oldDb, null)
    await auth.createUser('loket', 'rahasia-loket-1', 'counter')
    await auth.createUser('dokter', 'rahasia-dokter-1', 'clinician')

    const oldHub = await startHub(oldPc, oldDir, backupDir)
    // The admin's pairing code (as `hub:admin code` makes it), entered at the desk.
    const fingerprint = certFingerprint(readFileSync(join(oldDir, 'hub-tls.crt'), 'utf8'))
    await pairDesk(deskDir, oldHub.url, createPairingCode(oldDb, fingerprint).code, 'Loket 1')
    const pairing = readDeskPairing(deskDir)!
    const desk = (url: string) => {
      const c = new HubClient(deskDir, { ...pairing, hubUrl: url })
      clients.push(c)
      return c
    }

    /** The desk's staff at `url`: the counter registers, the poli examines; returns each visit's noRawat. */
    const work = async (client: HubClient, cards: { noKartu: string; kdPoli: string }[]): Promise<string[]> => {
      const signIn = async (username: string, password: string) => {
        const r = await client.call('auth.login', { username, password }, undefined)
        expect(r.result).toMatchObject({ ok: true })
        return r.session ?? undefined
      }
      const loket = await signIn('loket', 'rahasia-loket-1')
      const dokter = await signIn('dokter', 'rahasia-dokter-1')
      const made: string[] = []
      for (const c of cards) {
        const reg = await client.call('registration.create', { noKartu: c.noKartu, kdPoli: c.kdPoli, kunjSakit: true, keluhan: 'demam' }, loket)
        expect(reg.result, JSON.stringify(reg.result)).toMatchObject({ ok: true })
        const noRawat = (reg.result as { value: { noRawat: string } }).value.noRawat
        const exam = ExaminationInput.parse({
          noRawat, keluhan: 'demam 2 hari', vitals: VITALS, kdSadar: '01', diagnoses: [{ kdDiag: 'A01.0', nmDiag: 'Demam tifoid' }], kdDokter: '131491',
          kdStatusPulang: '3', alergiMakan: '00', alergiUdara: '00', alergiObat: '00', kdPrognosa: '01', kdPoliRujukInternal: null,
          tindakan: [{ kdTindakan: '10001', biaya: 10000, hasil: 1 }], obat: [{ kdObat: '120100362', nmObat: 'Parasetamol', signa1: 3, signa2: 1, jmlObat: 10 }], claimAmount: 150000,
        })
        const saved = await client.call('examination.save', exam, dokter)
        expect(saved.result, JSON.stringify(saved.result)).toMatchObject({ ok: true })
        made.push(noRawat)
      }
      return made
    }
    // The admin's second export, after the hub's first start: it holds the hub's TLS key too, so desks keep their pin.
    await run(oldPc, ['admin', 'export-key', '--out', join(tmp.dir, 'hub.key'), '--data-dir', oldDir], `${PASSPHRASE}\n`)
    const slots = Array.from({ length: MORNING + LATE + AFTERNOON }, (_, i) => ({ noKartu: ACTIVE_CARDS[i % ACTIVE_CARDS.length].noKartu, kdPoli: ['001', '002'][Math.floor(i / ACTIVE_CARDS.length)] }))

    // Morning. PCare answers kunjungan slowly (the write lands first), so the day's sends are still going after the
    // last backup that holds the whole morning.
    sim.setFault({ mode: 'slow', commit: true, delayMs: 3000, pathPrefix: 'kunjungan' })
    await work(desk(oldHub.url), slots.slice(0, MORNING))
    const wroteAt = Date.now()
    const deadline = Date.now() + 60_000
    while ((lastBackup(oldDb)?.at ?? 0) <= wroteAt + 200 && Date.now() < deadline) await sleep(100)
    const status = lastBackup(oldDb)
    expect(status).toMatchObject({ ok: true })
    expect(status!.at).toBeGreaterThan(wroteAt)
    const copy = join(backupDir, status!.file!)
    // The copy's PCare writes that were still waiting (never marked in flight) when it was taken: the old hub may send
    // them before it dies, and only the restore's flag makes the new hub look them up first. These ones because a
    // second send of them is not harmless (the simulator refuses a second kunjungan, tindakan or obat, and the job
    // fails); a repeated pendaftaran is adopted and a ledger replay is idempotent, so those would prove nothing.
    const WRITES = `operation IN ('kunjungan.add', 'tindakan.add', 'obat.add')`
    const copyDb = openDatabase(copy, { key, readonly: true })
    const waiting = (copyDb.prepare(`SELECT id FROM outbox WHERE status IN ('pending', 'failed_transient') AND ${WRITES}`).all() as { id: number }[]).map((r) => r.id)
    copyDb.close()
    expect(waiting.length).toBeGreaterThan(0)
    // Two more visits at the old hub after that copy: the restored hub will not know them, though the old hub sends them.
    const started = Date.now()
    const late = await work(desk(oldHub.url), slots.slice(MORNING, MORNING + LATE))
    const lateRecorded = () =>
      (oldDb.prepare(`SELECT count(*) AS n FROM outbox o JOIN examinations e ON e.ledger_visit_id = o.entity_id WHERE o.operation = 'Visit:Record' AND o.status = 'done' AND e.no_rawat IN (${late.map(() => '?').join(',')})`).get(...late) as { n: number }).n
    const sentSinceCopy = () => (oldDb.prepare(`SELECT count(*) AS n FROM outbox WHERE status = 'done' AND id IN (${waiting.join(',')})`).get() as { n: number }).n
    const inFlight = () => (oldDb.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'in_flight'").get() as { n: number }).n
    // The kill: once the old hub has sent some of those and the late visits to the ledger, with sends still in flight.
    const killBy = Date.now() + 60_000
    while (Date.now() < killBy && !(sentSinceCopy() > 0 && lateRecorded() === LATE && inFlight() > 0)) await sleep(20)
    // SIGKILL to its process group: the node process dies mid-send, no clean stop.
    await stopGroup(oldHub, 0)
    const sentAfterCopy = sentSinceCopy()
    const inFlightAtKill = inFlight()
    console.log(`old hub killed ${((Date.now() - started) / 1000).toFixed(1)} s after the copy: ${sentAfterCopy} of the copy's ${waiting.length} waiting jobs sent after it, ${inFlightAtKill} in flight; outbox ${JSON.stringify(outboxCounts(oldDb))} ${JSON.stringify(errorCodes(oldDb))}`)
    expect(sentAfterCopy).toBeGreaterThan(0)
    expect(inFlightAtKill).toBeGreaterThan(0)
    expect(lateRecorded()).toBe(LATE)
    oldDb.close()

    // Another PC: a keychain of its own, the copy and the key file.
    const restored = await run(newPc, ['admin', 'restore', copy, '--key-file', join(tmp.dir, 'hub.key'), '--data-dir', newDir], `${PASSPHRASE}\n`)
    expect(restored).toMatch(/unsent jobs will be looked up/)
    sim.setFault({ mode: 'none' })
    const newHub = await startHub(newPc, newDir, join(tmp.dir, 'share-2'))
    // The same desk, its pin unchanged (the key file carried the hub's TLS key), at the new address.
    const afternoon = await work(desk(newHub.url), slots.slice(MORNING + LATE))

    const newDb = openDatabase(join(newDir, 'faskes.db'), { key })
    dbs.push(newDb)
    const drainBy = Date.now() + 200_000
    while (runnable(newDb) > 0 && Date.now() < drainBy) await sleep(250)
    const counts = outboxCounts(newDb)
    const drainS = ((Date.now() - drainBy + 200_000) / 1000).toFixed(1)
    const visits = newDb
      .prepare('SELECT r.no_rawat AS noRawat, r.no_kartu AS noKartu, r.kd_poli AS kdPoli, r.tgl_daftar AS tglDaftar, e.ledger_visit_id AS visitId, e.claim_id AS claimId FROM registrations r JOIN examinations e USING (no_rawat)')
      .all() as QueuedVisit[]
    const reconciled = (newDb.prepare("SELECT count(*) AS n FROM outbox_attempts WHERE outcome = 'reconciled'").get() as { n: number }).n
    const report = await deliveryReport(sim.state(), visits)
    console.log(`restored hub: drained in ${drainS} s, ${visits.length} visits, ${reconciled} jobs reconciled instead of sent, outbox ${JSON.stringify(counts)} ${JSON.stringify(errorCodes(newDb))}, losses ${report.losses}, duplicates ${report.duplicates}`)
    expect(visits).toHaveLength(MORNING + AFTERNOON)
    // The late visits are lost at the hub, and their numbers (their ledger and SATUSEHAT ids) are not given again:
    // the afternoon's numbers start above 5000 (clinic/no-rawat.ts). Given again, their ledger visits would be refused.
    expect(visits.map((v) => v.noRawat)).not.toEqual(expect.arrayContaining([late[0]]))
    expect(afternoon.every((n) => Number(n.split('-')[1]) > 5000)).toBe(true)
    expect(report.problems).toEqual([])
    expect([report.losses, report.duplicates]).toEqual([0, 0])
    expect(Object.keys(counts)).toEqual(['done'])
    // The jobs the old hub sent after the copy were found at the remotes, not sent again.
    expect(reconciled).toBeGreaterThanOrEqual(sentAfterCopy)
  }, 420_000)
})
