import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import type { Locator, Page, Request } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { formatServerMessage } from '../../electron/contract/messages'
import { DEMO_ANTREAN_CREDENTIALS, DEMO_PCARE_CREDENTIALS } from '../../electron/core/demo'
import { readDeskPairing } from '../../electron/core/hub/desk'
import { localRuntimeDir } from '../../electron/core/ledger/profile'
import { startSimulator, type Simulator } from '../../tools/pcare-sim/server'
import { ownKeyringEnv, runUnderKeyring, startUnderKeyring, stopGroup, type KeyringProcess } from '../helpers/keyring-process'
import { tempDir } from '../helpers/tmp'
import { until } from '../helpers/until'
import { freshKdPPK, ledgerAs } from '../sync/harness'
import { signIn } from './session'
import { type BrowserPage, closeAll, demoPeserta, openPage, repoRoot, requireBuiltRenderer, shots } from './workstation'

/**
 * One faskes on its LAN (issue 16, Deliver 6), every part a real process: `npm run hub` (its own data folder and
 * keyring, the sync engine on the PCare simulator and the local Fabric network) and two `npm run desk` processes (the
 * counter and the poli, each with its own data folder, keyring and port), each under tools/dev/with-keyring.sh with
 * its own FASKES_KEYRING_DIR. Debian Chromium drives each desk's page: pairing by keyboard, sign-in with hub accounts,
 * a registration that reaches the poli's list, an examination the hub delivers once to PCare and the ledger, a desk
 * SIGKILLed mid-send, the hub SIGKILLed during the day while both desks work on (the merge of a counter's and a poli's
 * offline registration of one card), the counter desk SIGKILLed while its outbox drains to the returning hub, a revoked
 * desk, and a search of the desks' folders and keyrings for the hub's secrets.
 * The processes' output goes to test-results/e2e/hub-desks/*.log.
 */
const active = demoPeserta().filter((p) => p.aktif)
const [cardA, cardB] = active
const COUNTER = { username: 'loket.hub', password: 'kata-sandi-loket-hub', role: 'counter' as const }
const CLINICIAN = { username: 'dokter.hub', password: 'kata-sandi-dokter-hub', role: 'clinician' as const }
const kdPPK = freshKdPPK()

const tmp = tempDir('faskes-e2e-hub-')
const logs = join(shots, 'hub-desks')
const dir = (name: string) => join(tmp.dir, name)
const hubDir = dir('hub')
/** Bounds: a process start (tsx compiles on two shared cores), a one-shot command, a page step across processes. */
const START_MS = 45_000
const COMMAND_MS = 45_000
const DELIVERY_MS = 40_000

const running = new Set<KeyringProcess>()
let sim: Simulator
let hub: KeyringProcess
let counterDesk: KeyringProcess
let poliDesk: KeyringProcess
let hubUrl = ''
let counterUrl = ''
let counterPort = 0
let poliUrl = ''
let counter: BrowserPage
let poli: BrowserPage
let noRawatA = ''
/** The two browsers, started while the hub is seeded (afterAll closes them even when a later step failed). */
let pages: Promise<BrowserPage[]> | undefined

/**
 * The environment of a child under `name`'s keyring (test/helpers/keyring-process.ts): the keyring and its unlock
 * password file in the test's folder (the password kept out of the keyring folder, and out of ~/.config).
 */
const childEnv = (name: string, extra: Record<string, string> = {}) =>
  ownKeyringEnv({ dir: dir(`${name}-keyring`), passwordFile: dir(`${name}-keyring-password`) }, extra)

/**
 * Starts `npm run <script>` under with-keyring.sh with `name`'s keyring, in its own process group (so SIGKILL reaches
 * npm, tsx and node at once), its stdout and stderr appended to <logs>/<name>.log.
 */
function startProcess(name: string, keyringOf: string, script: string, args: string[], extraEnv: Record<string, string> = {}): KeyringProcess {
  const proc = startUnderKeyring(name, ['npm', 'run', '-s', script, '--', ...args], { env: childEnv(keyringOf, extraEnv), readyMs: START_MS, logFile: join(logs, `${name}.log`) })
  running.add(proc)
  void proc.gone.then(() => running.delete(proc))
  return proc
}

/**
 * Runs a one-shot command under `name`'s keyring (`npm run -s hub:admin -- …` or test/e2e/hub-keyring.ts) and answers
 * its stdout. stderr goes to the log; stdout too unless it carries a secret (`quietStdout`). Bounded by COMMAND_MS.
 */
const runCommand = (keyringOf: string, argv: string[], options: { stdin?: string; quietStdout?: boolean } = {}) =>
  runUnderKeyring(argv, { ...options, env: childEnv(keyringOf), timeoutMs: COMMAND_MS, logFile: join(logs, `${keyringOf}-commands.log`) })

const hubAdmin = (...args: string[]) => runCommand('hub', ['npm', 'run', '-s', 'hub:admin', '--', ...args, '--data-dir', hubDir])
const keyringTool = (keyringOf: string, args: string[], options: { stdin?: string; quietStdout?: boolean } = {}) =>
  runCommand(keyringOf, [join(repoRoot, 'node_modules/.bin/tsx'), 'test/e2e/hub-keyring.ts', ...args], options)

/** A one-time pairing code made on the hub PC by the admin's command. */
async function pairingCode(): Promise<string> {
  const out = await hubAdmin('code')
  const code = /pairing code: (\S+)/.exec(out)?.[1]
  if (!code) throw new Error('hub:admin code printed no code')
  return code
}

/** The desk's own pairing form, by keyboard only: hub address, Tab, code, Tab, desk name, Enter. */
async function pairByKeyboard(page: Page, url: string, code: string, deskName: string): Promise<void> {
  await page.goto(url, { waitUntil: 'domcontentloaded' })
  await page.getByRole('heading', { name: /Pasangkan meja dengan hub/ }).waitFor()
  await page.locator('#hub').focus()
  await page.keyboard.type(new URL(hubUrl).host)
  await page.keyboard.press('Tab')
  await page.keyboard.type(code)
  await page.keyboard.press('Tab')
  await page.keyboard.type(deskName)
  await page.keyboard.press('Enter')
  // Paired: the desk now serves the app, and the app asks for a hub account.
  await page.getByRole('heading', { level: 1, name: 'Masuk' }).waitFor({ timeout: 20_000 })
}

/** `npm run hub` on `port` (0: any) with the test's data folder and keyring, its engine on the simulator and the ledger. */
const startHub = (port: number) =>
  startProcess('hub', 'hub', 'hub', ['--host', '127.0.0.1', '--port', String(port), '--data-dir', hubDir], {
    FASKES_DEMO_PCARE_URL: `http://127.0.0.1:${sim.port}`,
    FASKES_DEMO_LEDGER_DIR: localRuntimeDir(repoRoot),
  })

/** Every file under `root`, recursively. */
function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true })

/** The clinician opens the row by keyboard, fills the examination (vitals, doctor, a diagnosis, prognosis) and saves. */
async function examine(p: Page, row: Locator): Promise<void> {
  await row.focus()
  await p.keyboard.press('Enter')
  await p.locator('#ex-sistole').waitFor()
  const vitals: Record<string, string> = { sistole: '120', diastole: '80', beratBadan: '55', tinggiBadan: '160', lingkarPerut: '70', respRate: '18', heartRate: '84', suhu: '37.2' }
  for (const [k, v] of Object.entries(vitals)) await p.locator(`#ex-${k}`).fill(v)
  await expect.poll(() => p.locator('#ex-dokter option').count(), { timeout: 20_000 }).toBeGreaterThan(1)
  await p.locator('#ex-dokter').selectOption({ index: 1 })
  await p.locator('#ex-diag').fill('dengue')
  await p.locator('#diag-list [role=option]').first().waitFor()
  await p.keyboard.press('Enter')
  await p.getByTestId('diagnosis').first().waitFor()
  await p.getByRole('button', { name: 'Tidak ada alergi (ketiganya)' }).click()
  await p.locator('#ex-prognosa').selectOption({ label: 'Bonam (Baik)' })
  await p.getByRole('button', { name: 'Simpan pemeriksaan' }).click()
  await p.getByTestId('exam-saved').waitFor()
}

/** The counter checks a card through its page and waits for the patient's name. */
async function checkCard(page: Page, card: { noKartu: string; nama: string }): Promise<void> {
  await page.getByLabel('Nomor kartu BPJS atau NIK').fill(card.noKartu)
  await page.getByLabel('Nomor kartu BPJS atau NIK').press('Enter')
  await expect.poll(() => page.getByTestId('nama').innerText().catch(() => ''), { timeout: 20_000 }).toBe(card.nama)
}

/** One channel through the page's own transport (tools/browser-shell/page.js: the desk's /rpc with the page's session). */
async function invoke(page: Page, channel: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; key?: string } }> {
  type Bridge = { faskes: { invoke(c: string, i: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; key?: string } }> } }
  return page.evaluate(([c, i]) => (globalThis as unknown as Bridge).faskes.invoke(c as string, i), [channel, input] as const)
}

/** The `hub` lane of the desk's sync.status (its own outbox of calls for the hub), read through the page. */
async function hubLane(page: Page): Promise<{ online: boolean | null; pending: number; inFlight: number; blocked: number; failed: number }> {
  const r = await invoke(page, 'sync.status', {})
  if (!r.ok) throw new Error(`sync.status: ${r.error?.code} ${r.error?.key ?? ''}`)
  const lane = (r.value as { targets: { target: string; online: boolean | null; pending: number; inFlight: number; blocked: number; failed: number }[] }).targets.find((t) => t.target === 'hub')
  if (!lane) throw new Error('sync.status has no hub lane')
  return lane
}

beforeAll(async () => {
  requireBuiltRenderer()
  mkdirSync(logs, { recursive: true })
  sim = await startSimulator({ port: 0, statePath: dir('sim-state.json') })
  // The desks need no hub to start (they show their pairing form until paired).
  counterDesk = startProcess('desk-counter', 'desk-counter', 'desk', ['--port', '0', '--data-dir', dir('desk-counter')])
  poliDesk = startProcess('desk-poli', 'desk-poli', 'desk', ['--port', '0', '--data-dir', dir('desk-poli')])
  // Two browsers: the desks' session cookies are both on 127.0.0.1, which one browser would share across ports.
  pages = Promise.all([openPage(), openPage()])
  // The hub's faskes (a fresh code: the ledger keeps earlier runs) and its two staff accounts, seeded in ITS keyring.
  mkdirSync(hubDir)
  await keyringTool('hub', ['seed', hubDir], { stdin: JSON.stringify({ settings: { faskesName: 'Puskesmas Hub E2E', kdPPK }, users: [COUNTER, CLINICIAN] }) })
  hub = startHub(0)
  ;[counter, poli] = await pages
  ;[hubUrl, counterUrl, poliUrl] = (await Promise.all([hub.ready, counterDesk.ready, poliDesk.ready])).map((r) => r.url)
  counterPort = Number(new URL(counterUrl).port)
}, 120_000)

afterAll(async () => {
  await closeAll(...((await pages?.catch(() => [])) ?? []).map((p) => p.browser))
  await Promise.all([...running].map((p) => stopGroup(p)))
  await sim?.close()
  tmp.cleanup()
}, 60_000)

it('pairs each desk through its own page by keyboard; staff sign in at each desk with their hub account', async () => {
  const first = await pairingCode()
  // The admin makes the second desk's code while the first desk pairs (the command writes the hub's database while the
  // running hub redeems the first code in it).
  const second = pairingCode()
  second.catch(() => {}) // awaited below; a failure of the first pairing must not leave it unhandled
  await pairByKeyboard(counter.page, counterUrl, first, 'Loket 1')
  await pairByKeyboard(poli.page, poliUrl, await second, 'Poli Umum')
  expect(first).not.toBe(await second)
  await signIn(counter.page, COUNTER.username, COUNTER.password)
  await heading(counter.page, 'Pendaftaran').waitFor()
  await signIn(poli.page, CLINICIAN.username, CLINICIAN.password)
  await heading(poli.page, 'Pemeriksaan').waitFor()
})

it('the counter registers; the poli desk lists the patient within 2 s, examines and saves; the hub delivers once to PCare and the ledger', async () => {
  const page = counter.page
  await page.getByLabel('Nomor kartu BPJS atau NIK').fill(cardA.noKartu)
  await page.getByLabel('Nomor kartu BPJS atau NIK').press('Enter')
  await expect.poll(() => page.getByTestId('nama').innerText().catch(() => ''), { timeout: 20_000 }).toBe(cardA.nama)
  await page.locator('#reg-poli').selectOption('001')
  await page.locator('#reg-keluhan').fill('Demam dua hari')

  // The poli desk is already waiting on its list when the counter submits: measure submit → row shown there.
  const row = poli.page.locator('.pick-list button').filter({ hasText: cardA.nama })
  expect(await row.count()).toBe(0)
  const submitted = performance.now()
  const seen = row.waitFor({ timeout: 10_000 }).then(() => performance.now())
  await page.locator('#reg-keluhan').press('Enter')
  await page.getByTestId('registered').waitFor()
  const confirmed = performance.now()
  noRawatA = /no\. rawat (\S+)\./.exec(await page.getByTestId('registered').innerText())![1]
  const propagationMs = (await seen) - submitted
  console.log(
    `e2e hub-desks: counter submit → poli desk list shows the row ${propagationMs.toFixed(0)} ms ` +
      `(counter's own answer ${(confirmed - submitted).toFixed(0)} ms; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`,
  )
  expect(propagationMs).toBeLessThan(2000)

  // The clinician opens the patient by keyboard and saves the examination.
  await examine(poli.page, row)
  // The counter's list follows the visit too (its status word comes from the hub).
  await expect.poll(() => page.getByTestId('today').innerText(), { timeout: 10_000 }).toMatch(/diperiksa/i)

  // Only the hub talks to PCare and the ledger: one pendaftaran and one kunjungan for the card, one ledger visit.
  const pcareCount = () => {
    const s = sim.state()
    return [s.pendaftaran.filter((x) => x.noKartu === cardA.noKartu).length, s.kunjungan.filter((x) => x.noKartu === cardA.noKartu).length]
  }
  await expect.poll(pcareCount, { timeout: DELIVERY_MS }).toEqual([1, 1])
  const bpjs = await ledgerAs('BPJS')
  try {
    const visitId = `${kdPPK}-${noRawatA}`
    const read = async (contract: string, fn: string, ...args: string[]) =>
      JSON.parse(Buffer.from(await bpjs.contract(contract).evaluateTransaction(fn, ...args)).toString('utf8')) as unknown
    await until('the hub records the visit on the ledger', async () => (await read('Visit', 'Read', visitId).catch(() => null)) !== null, DELIVERY_MS, 500)
    expect(await read('Visit', 'Read', visitId)).toMatchObject({ visitId, noKartu: cardA.noKartu, kdPPK })
    // Once: one Record in the visit's audit trail, and this faskes holds one visit of the card on the ledger.
    const audit = (await read('Audit', 'ListByEntity', 'Visit', visitId)) as { action: string }[]
    expect(audit.filter((a) => a.action === 'Record')).toHaveLength(1)
    const ofCard = (await read('Visit', 'ListByPatient', cardA.noKartu)) as { visitId: string; kdPPK: string }[]
    expect(ofCard.filter((v) => v.kdPPK === kdPPK).map((v) => v.visitId)).toEqual([visitId])
  } finally {
    bpjs.close()
  }
  expect(pcareCount()).toEqual([1, 1])
  expect([...counter.problems, ...poli.problems]).toEqual([])
})

it('the counter desk SIGKILLed right after it sends a registration loses nothing: after a restart the visit exists once at the hub', async () => {
  const page = counter.page
  await page.getByLabel('Nomor kartu BPJS atau NIK').fill(cardB.noKartu)
  await page.getByLabel('Nomor kartu BPJS atau NIK').press('Enter')
  await expect.poll(() => page.getByTestId('nama').innerText().catch(() => ''), { timeout: 20_000 }).toBe(cardB.nama)
  await page.locator('#reg-poli').selectOption('001')
  await page.locator('#reg-keluhan').fill('Batuk')
  // The moment Chromium sends registration.create to the desk, the desk process group is killed (npm, tsx, node):
  // the desk may or may not have passed it on, and the hub may or may not have answered.
  let killed = false
  const killOnSend = (req: Request) => {
    if (killed || !req.url().endsWith('/rpc') || !req.postData()?.includes('"registration.create"')) return
    killed = true
    process.kill(-counterDesk.child.pid!, 'SIGKILL')
  }
  page.on('request', killOnSend)
  const exited = new Promise<void>((done) => (counterDesk.exited ? done() : counterDesk.child.once('exit', () => done())))
  await page.locator('#reg-keluhan').press('Enter')
  await until('the registration request was sent', () => killed, 10_000)
  page.off('request', killOnSend)
  await Promise.race([exited, new Promise((_, reject) => setTimeout(() => reject(new Error('the killed desk did not exit within 10 s')), 10_000))])
  // The page got no answer: it says so (nothing claims the visit was registered).
  await expect.poll(() => page.getByTestId('form-errors').innerText().catch(() => ''), { timeout: 20_000 }).not.toBe('')
  expect(await page.getByTestId('registered').count()).toBe(0)
  counter.problems.length = 0

  // The desk starts again on the same port and folder (same keyring): the page and its hub session carry on.
  counterDesk = startProcess('desk-counter', 'desk-counter', 'desk', ['--port', String(counterPort), '--data-dir', dir('desk-counter')])
  await counterDesk.ready
  await page.goto(counterUrl, { waitUntil: 'domcontentloaded' })
  await heading(page, 'Pendaftaran').waitFor({ timeout: 20_000 })
  // The staff member sends it again. Either the first one never reached the hub (now it is registered) or it did
  // (the hub refuses a second registration of the card at this poli today): one visit either way.
  await page.getByLabel('Nomor kartu BPJS atau NIK').fill(cardB.noKartu)
  await page.getByLabel('Nomor kartu BPJS atau NIK').press('Enter')
  await expect.poll(() => page.getByTestId('nama').innerText().catch(() => ''), { timeout: 20_000 }).toBe(cardB.nama)
  await page.locator('#reg-poli').selectOption('001')
  await page.locator('#reg-keluhan').fill('Batuk')
  await page.locator('#reg-keluhan').press('Enter')
  const outcome = page.getByTestId('registered').or(page.getByText(/Peserta sudah terdaftar di poli ini hari ini/))
  await outcome.first().waitFor()
  const resent = (await page.getByTestId('registered').count()) > 0 ? 'registered on re-send (the kill came before the hub had it)' : 'refused as a duplicate on re-send (the hub had it)'
  console.log(`e2e hub-desks: counter desk killed mid-send; ${resent}`)

  const rows = poli.page.locator('.pick-list button').filter({ hasText: cardB.nama })
  await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1)
  const pendaftaran = () => sim.state().pendaftaran.filter((x) => x.noKartu === cardB.noKartu).length
  await expect.poll(pendaftaran, { timeout: DELIVERY_MS }).toBe(1)
  expect(await rows.count()).toBe(1)
})

it('the hub SIGKILLed during the day: both desks keep registering and examining (the poli starts a visit the counter registered too); back, it has everything exactly once', async () => {
  const started = performance.now()
  const [cardX, cardY] = active.slice(2, 4)
  const c = counter.page
  const p = poli.page
  // Before the outage the counter checks the cards of X and Y (patients queueing): the desk keeps the hub's answers.
  for (const card of [cardX, cardY]) await checkCard(c, card)
  const hubPort = Number(new URL(hubUrl).port)
  const hubGone = new Promise<void>((done) => (hub.exited ? done() : hub.child.once('exit', () => done())))
  process.kill(-hub.child.pid!, 'SIGKILL')
  await Promise.race([hubGone, new Promise((_, reject) => setTimeout(() => reject(new Error('the killed hub did not exit within 10 s')), 10_000))])

  // Each desk's status bar says so (its calls fail over to desk.db; the page's status poll reads the hub lane).
  const hubItem = (page: Page) => page.locator('.status-target[aria-label="Hub"]')
  for (const page of [c, p]) await expect.poll(() => hubItem(page).innerText().catch(() => ''), { timeout: 20_000 }).toContain('Hub tidak terhubung')

  // The counter registers X and Y from the cached checks.
  const offlineIds: string[] = []
  for (const [card, keluhan] of [[cardX, 'Pusing'], [cardY, 'Sakit gigi']] as const) {
    await checkCard(c, card)
    // The desk's own copy answered: the page names the hub, not PCare, and says the work stays at this desk.
    expect(await c.getByTestId('source').innerText()).toMatch(/^Hub tidak terhubung — data meja ini per .*Pekerjaan disimpan di meja ini sampai hub kembali\.$/)
    await c.locator('#reg-poli').selectOption('001')
    await c.locator('#reg-keluhan').fill(keluhan)
    await c.locator('#reg-keluhan').press('Enter')
    await c.getByTestId('registered').waitFor({ timeout: 15_000 })
    offlineIds.push(/no\. rawat (\S+)\./.exec(await c.getByTestId('registered').innerText())![1])
  }
  // The poli examines B, in its list since before the outage.
  // A row shows the patient's name, or the card number while the desk knows no name (a visit it started offline).
  const rowOf = (card: { nama: string; noKartu: string }) => p.locator('.pick-list button').filter({ hasText: new RegExp(`${card.nama}|${card.noKartu}`) })
  await examine(p, rowOf(cardB))
  // The clinician starts X's visit from the card (no check at this desk: unverified, as a desk must for a card it never
  // saw the hub read). The poli's page has no form for it, so through the page's own transport.
  const start = await invoke(p, 'registration.create', { noKartu: cardX.noKartu, kdPoli: '001', kunjSakit: true, keluhan: 'Pusing', unverified: true })
  expect(start).toMatchObject({ ok: true })
  // The visit started here joins the poli's list, and is examined there.
  await expect.poll(() => rowOf(cardX).count(), { timeout: 10_000 }).toBe(1)
  await examine(p, rowOf(cardX))
  // What waits, in each status bar: the counter's two registrations; the poli's two examinations and its start of X.
  await expect.poll(() => hubItem(c).innerText(), { timeout: 15_000 }).toMatch(/Hub tidak terhubung[\s\S]*2 menunggu/)
  await expect.poll(() => hubItem(p).innerText(), { timeout: 15_000 }).toMatch(/Hub tidak terhubung[\s\S]*3 menunggu/)
  console.log(`e2e hub-desks: offline work at both desks done ${((performance.now() - started) / 1000).toFixed(1)} s after the hub's SIGKILL; counter's visits ${offlineIds.join(', ')}`)

  // The hub comes back on the same address and data folder (its certificate stays, the desks' pins hold).
  const restarted = performance.now()
  hub = startHub(hubPort)
  expect((await hub.ready).url).toBe(hubUrl)
  const drained = async (page: Page) => {
    const lane = await hubLane(page).catch(() => null)
    return lane !== null && lane.online !== false && lane.pending + lane.inFlight === 0
  }
  await until("both desks' hub lanes are empty", async () => (await drained(c)) && (await drained(p)), DELIVERY_MS, 250)
  console.log(`e2e hub-desks: hub restarted; both desk outboxes drained ${((performance.now() - restarted) / 1000).toFixed(1)} s after its start (load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`)
  // Nothing refused by the hub (a refusal would hold the desk's later calls for a person).
  for (const page of [c, p]) expect(await hubLane(page)).toMatchObject({ blocked: 0, failed: 0 })
  // The pages refresh by themselves once the desk's work is at the hub, with no action of the staff: the counter's
  // notice of its last offline registration (a local desk-N number) and the "hub not connected" card status go, the
  // poli's "saved at this desk" too, and no page shows a local number any more (the lists carry the hub's).
  await expect.poll(() => c.getByTestId('registered').count(), { timeout: 10_000 }).toBe(0)
  await expect.poll(() => c.getByText('Hub tidak terhubung — data meja ini').count(), { timeout: 10_000 }).toBe(0)
  await expect.poll(() => p.getByText('tersimpan di meja ini').count(), { timeout: 10_000 }).toBe(0)
  for (const page of [c, p]) await expect.poll(() => page.locator('main').innerText(), { timeout: 10_000 }).not.toMatch(/\bdesk-\d+\b/)

  // At the hub: one active registration per (card, poli, day) — the counter's X and the poli's X became one visit.
  const today = await invoke(c, 'registration.today', {})
  expect(today.ok).toBe(true)
  const rows = (today.value as { noKartu: string; kdPoli: string; tglDaftar: string; noRawat: string; status: string }[]).filter((r) => r.status !== 'cancelled')
  const perKey = new Map<string, number>()
  for (const r of rows) perKey.set(`${r.noKartu}/${r.kdPoli}/${r.tglDaftar}`, (perKey.get(`${r.noKartu}/${r.kdPoli}/${r.tglDaftar}`) ?? 0) + 1)
  expect([...perKey.values()].filter((n) => n > 1)).toEqual([])
  const visitOf = (card: { noKartu: string }) => rows.filter((r) => r.noKartu === card.noKartu)
  for (const card of [cardX, cardY, cardB]) expect(visitOf(card)).toHaveLength(1)
  expect(visitOf(cardX)[0].status).toBe('examined')
  expect(visitOf(cardB)[0].status).toBe('examined')
  // The poli's list shows X once, under the hub's number (its local id replaced).
  await expect.poll(() => rowOf(cardX).count(), { timeout: 10_000 }).toBe(1)

  // PCare: one pendaftaran per card, one kunjungan per examination.
  const pcare = () => {
    const s = sim.state()
    return [cardX, cardY, cardB].map((k) => [s.pendaftaran.filter((x) => x.noKartu === k.noKartu).length, s.kunjungan.filter((x) => x.noKartu === k.noKartu).length])
  }
  await expect.poll(pcare, { timeout: DELIVERY_MS }).toEqual([[1, 1], [1, 0], [1, 1]])
  // The ledger: each examined visit once (one Record in its audit trail, one visit of the card for this faskes).
  const bpjs = await ledgerAs('BPJS')
  try {
    const read = async (contract: string, fn: string, ...args: string[]) =>
      JSON.parse(Buffer.from(await bpjs.contract(contract).evaluateTransaction(fn, ...args)).toString('utf8')) as unknown
    for (const card of [cardX, cardB]) {
      const visitId = `${kdPPK}-${visitOf(card)[0].noRawat}`
      await until(`the hub records ${card === cardX ? 'X' : 'B'}'s visit on the ledger`, async () => (await read('Visit', 'Read', visitId).catch(() => null)) !== null, DELIVERY_MS, 500)
      const audit = (await read('Audit', 'ListByEntity', 'Visit', visitId)) as { action: string }[]
      expect(audit.filter((a) => a.action === 'Record')).toHaveLength(1)
      const ofCard = (await read('Visit', 'ListByPatient', card.noKartu)) as { visitId: string; kdPPK: string }[]
      expect(ofCard.filter((v) => v.kdPPK === kdPPK).map((v) => v.visitId)).toEqual([visitId])
    }
  } finally {
    bpjs.close()
  }
  expect(pcare()).toEqual([[1, 1], [1, 0], [1, 1]])
  console.log(`e2e hub-desks: hub offline test ${((performance.now() - started) / 1000).toFixed(1)} s`)
}, 150_000)

it('the counter desk SIGKILLed while its outbox drains to the returning hub loses nothing: each queued registration reaches the hub and PCare once', async () => {
  const started = performance.now()
  const cards = active.slice(4, 9)
  const c = counter.page
  // Checked while the hub answers (a desk registers offline only a card it saw the hub read), then the hub goes away.
  for (const card of cards) await checkCard(c, card)
  const hubPort = Number(new URL(hubUrl).port)
  const hubGone = new Promise<void>((done) => (hub.exited ? done() : hub.child.once('exit', () => done())))
  process.kill(-hub.child.pid!, 'SIGKILL')
  await Promise.race([hubGone, new Promise((_, reject) => setTimeout(() => reject(new Error('the killed hub did not exit within 10 s')), 10_000))])
  // Queued through the page's own transport (the desk's /rpc with the page's session), as the form sends them.
  for (const card of cards) {
    const r = await invoke(c, 'registration.create', { noKartu: card.noKartu, kdPoli: '001', kunjSakit: true, keluhan: 'Demam' })
    expect(r).toMatchObject({ ok: true, value: { noRawat: expect.stringMatching(/^desk-\d+$/) } })
  }
  expect(await hubLane(c)).toMatchObject({ online: false, pending: cards.length, inFlight: 0 })

  // The hub comes back; the moment the desk's hub lane starts sending, the desk's whole process group is killed.
  hub = startHub(hubPort)
  const deskGone = new Promise<void>((done) => (counterDesk.exited ? done() : counterDesk.child.once('exit', () => done())))
  let atKill: Awaited<ReturnType<typeof hubLane>> | null = null
  await until(
    "the desk's hub lane starts sending",
    async () => {
      const lane = await hubLane(c).catch(() => null)
      if (!lane || (lane.pending >= cards.length && lane.inFlight === 0)) return false
      process.kill(-counterDesk.child.pid!, 'SIGKILL')
      atKill = lane
      return true
    },
    DELIVERY_MS,
    20,
  )
  await Promise.race([deskGone, new Promise((_, reject) => setTimeout(() => reject(new Error('the killed desk did not exit within 10 s')), 10_000))])
  await hub.ready
  const at = atKill as unknown as Awaited<ReturnType<typeof hubLane>>
  const killedAt = `${cards.length - at.pending - at.inFlight} of ${cards.length} sent, ${at.inFlight} in flight, ${at.pending} pending`
  counter.problems.length = 0

  // The desk starts again on the same port, data folder and keyring, and drains what its outbox still holds.
  counterDesk = startProcess('desk-counter', 'desk-counter', 'desk', ['--port', String(counterPort), '--data-dir', dir('desk-counter')])
  await counterDesk.ready
  const restarted = performance.now()
  await c.goto(counterUrl, { waitUntil: 'domcontentloaded' })
  await heading(c, 'Pendaftaran').waitFor({ timeout: 20_000 })
  await until(
    "the restarted desk's hub lane is empty",
    async () => {
      const lane = await hubLane(c).catch(() => null)
      return lane !== null && lane.online !== false && lane.pending + lane.inFlight === 0
    },
    DELIVERY_MS,
    250,
  )
  const drainedS = ((performance.now() - restarted) / 1000).toFixed(1)
  expect(await hubLane(c)).toMatchObject({ blocked: 0, failed: 0 })

  // At the hub: one active registration of each card at the poli today.
  const today = await invoke(c, 'registration.today', {})
  expect(today.ok).toBe(true)
  const rows = (today.value as { noKartu: string; kdPoli: string; status: string }[]).filter((r) => r.status !== 'cancelled' && r.kdPoli === '001')
  expect(cards.map((k) => rows.filter((r) => r.noKartu === k.noKartu).length)).toEqual(cards.map(() => 1))
  // PCare: one pendaftaran per card, still one once the hub's pcare lane has nothing left to send.
  const pendaftaran = () => cards.map((k) => sim.state().pendaftaran.filter((x) => x.noKartu === k.noKartu).length)
  await expect.poll(pendaftaran, { timeout: DELIVERY_MS }).toEqual(cards.map(() => 1))
  const hubPcareIdle = async () => {
    const r = await invoke(c, 'sync.status', {})
    const lane = r.ok ? (r.value as { targets: { target: string; pending: number; inFlight: number }[] }).targets.find((t) => t.target === 'pcare') : undefined
    return lane !== undefined && lane.pending + lane.inFlight === 0
  }
  await until("the hub's pcare lane has nothing left to send", hubPcareIdle, DELIVERY_MS, 250)
  expect(pendaftaran()).toEqual(cards.map(() => 1))
  console.log(
    `e2e hub-desks: desk SIGKILLed mid-drain (${killedAt}); restarted desk drained in ${drainedS} s; test ${((performance.now() - started) / 1000).toFixed(1)} s ` +
      `(load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`,
  )
}, 120_000)

it('a revoked desk is refused at its next action, with the hub\'s words in the page', async () => {
  const deskId = readDeskPairing(dir('desk-poli'))!.deskId
  expect(await hubAdmin('revoke', deskId)).toContain(`${deskId} dicabut`)
  const desks = await hubAdmin('desks')
  expect(desks).toMatch(new RegExp(`^${deskId}\\tPoli Umum\\t.*\\trevoked`, 'm'))
  expect(desks).toMatch(/\tLoket 1\t.*\tactive$/m)
  // The first reload already shows the desk's pairing form with the hub's words (the page load asks the hub), filled
  // from the desk's last pairing: only the new code is typed, and the focus is on it.
  await poli.page.reload({ waitUntil: 'domcontentloaded' })
  await poli.page.getByRole('heading', { name: /Pasangkan meja dengan hub/ }).waitFor({ timeout: 15_000 })
  await poli.page.getByText(formatServerMessage('id', 'hub.deskRefused', {})).first().waitFor({ timeout: 15_000 })
  expect([await poli.page.locator('#hub').inputValue(), await poli.page.locator('#code').inputValue(), await poli.page.locator('#name').inputValue()]).toEqual([new URL(hubUrl).host, '', 'Poli Umum'])
  expect(await poli.page.locator('#code').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true)
  // The counter desk (not revoked) still works.
  await counter.page.getByLabel('Nomor kartu BPJS atau NIK').fill(cardA.noKartu)
  await counter.page.getByLabel('Nomor kartu BPJS atau NIK').press('Enter')
  await expect.poll(() => counter.page.getByTestId('nama').innerText().catch(() => ''), { timeout: 20_000 }).toBe(cardA.nama)
  // Paired again with a new code (typed alone), the desk has a new id, and the clinician's old session is over: the
  // sign-in screen, not the workspace.
  await poli.page.keyboard.type(await pairingCode())
  await poli.page.keyboard.press('Enter')
  await poli.page.getByRole('heading', { level: 1, name: 'Masuk' }).waitFor({ timeout: 20_000 })
  expect(readDeskPairing(dir('desk-poli'))!.deskId).not.toBe(deskId)
})

it('no desk holds the PCare credential or the ledger key: not in any file of its data folder, not in its keyring', async () => {
  type Items = { accounts: string[]; hits: string[] }
  // The hub's ledger key as a copy would hold it; the same keychain search finds it in the hub's own keyring.
  const ledgerKey = JSON.parse(await keyringTool('hub', ['ledger-key'], { quietStdout: true })) as { text: string[]; raw: string; found: Items }
  expect(ledgerKey.text.length).toBeGreaterThan(3)
  expect(ledgerKey.found.hits).toEqual(['fabric-key:PuskesmasMSP'])
  const pcare = [DEMO_PCARE_CREDENTIALS.password, DEMO_PCARE_CREDENTIALS.secretKey, DEMO_PCARE_CREDENTIALS.userKey, DEMO_ANTREAN_CREDENTIALS.userKey, `"${DEMO_PCARE_CREDENTIALS.username}"`]
  const needles = [...pcare, ...ledgerKey.text]
  const needleBytes = [...needles.map((n) => Buffer.from(n, 'utf8')), Buffer.from(ledgerKey.raw, 'hex')]
  const desks = ['desk-counter', 'desk-poli']
  const items = async (keyringOf: string) => JSON.parse(await keyringTool(keyringOf, ['items'], { stdin: JSON.stringify({ needles }) })) as Items
  const deskItems = await Promise.all(desks.map(items))

  desks.forEach((desk, d) => {
    const files = [...filesUnder(dir(desk)), ...filesUnder(dir(`${desk}-keyring`))]
    // The desk's folder really holds its pairing, key and certificate (what was searched is what a desk keeps).
    expect(files.map((f) => f.split('/').pop())).toEqual(expect.arrayContaining(['desk.json', 'desk-tls.key', 'desk-tls.crt']))
    const hits = files.flatMap((f) => {
      const bytes = readFileSync(f)
      return needleBytes.flatMap((n, i) => (bytes.includes(n) ? [`needle ${i} in ${f.slice(tmp.dir.length)}`] : []))
    })
    expect(hits).toEqual([])
    expect(deskItems[d].hits).toEqual([])
    // Not even an item of those names (a desk may hold keys of its own, never the hub's remote credentials).
    expect(deskItems[d].accounts.filter((a) => /^(pcare|antrean|satusehat|fabric-)/.test(a))).toEqual([])
  })
})
