import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ageOf } from '../../renderer/src/workspaces/counter/rules'
import type { BrowserShell } from '../../tools/browser-shell/server'
import { startSimulator, type Simulator } from '../../tools/pcare-sim/server'
import { tempDir } from '../helpers/tmp'
import { demoRemotes, freshKdPPK } from '../sync/harness'
import { signIn } from './session'
import { type BrowserPage, closeAll, createUser, openPage, quiet, refreshFromSimulator, requireBuiltRenderer, seedCore, shots, startShell } from './workstation'

/**
 * The counter as issue 10 found it, replayed in Debian Chromium through the browser shell, with the real sync engine
 * against the PCare simulator and the local Fabric network: the wrong patient's data carried over, outcomes that said
 * nothing (unknown card and NIK, inactive card, PCare unreachable with a never-seen card), a status bar that said
 * "connected" or "unknown" when it was neither, and today's list without search. The counter uses the keyboard only.
 * The tests run in order on one workstation, as one morning at the counter.
 */
const COUNTER = { username: 'loket1', password: 'kata-sandi-loket-e2e' }
// Demo cards (tools/demo-data/peserta.json).
const A = { noKartu: '0009999000003', nama: 'Dewi Lestari', tglLahir: '21-01-1973' }
const B = { noKartu: '0009999000004', nama: 'Agus Setiawan' }
const INACTIVE = '0009999000010'
const ARREARS = '0009999000008'
const UNKNOWN = '0009999000099'
const UNKNOWN_NIK = '9999000000000001'
const NEVER_SEEN = { noKartu: '0009999000005', nama: 'Rina Marlina' }

const tmp = tempDir('faskes-e2e-counter-')
const simState = join(tmp.dir, 'sim-state.json')
let sim: Simulator
let simPort = 0
let shell: BrowserShell
let browser: BrowserPage['browser']
let page: Page
let problems: string[] = []
const timings = { check: [] as number[], register: [] as number[] }

// String expressions: this file is type-checked without the DOM lib.
const activeId = () => page.evaluate<string | null>('document.activeElement ? document.activeElement.id : null')
const statusOf = (target: string) => page.getByRole('contentinfo', { name: 'Status sinkronisasi' }).getByRole('listitem', { name: target, exact: true })
const outcome = () => page.getByTestId('check-outcome').innerText()
const todayRow = (text: string) => page.getByTestId('today').getByRole('row').filter({ hasText: text })

/** Moves focus with Tab (or Shift+Tab) until the element with `id` has it: the way a clerk reaches a field. Bounded. */
async function tabTo(id: string, back = false) {
  for (let i = 0; i < 40; i++) {
    if ((await activeId()) === id) return
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab')
  }
  throw new Error(`#${id} not reached with ${back ? 'Shift+Tab' : 'Tab'} in 40 presses`)
}

/** Types a card number or NIK into the (focused) card field and presses Enter; returns Enter → status shown, in ms. */
async function check(id: string): Promise<number> {
  await tabTo('peserta-id', true)
  await page.keyboard.press('Control+A')
  await page.keyboard.type(id)
  await page.evaluate(
    `performance.clearMarks(); addEventListener('keydown', (e) => { if (e.key === 'Enter') performance.mark('e2e:enter') }, { once: true, capture: true })`,
  )
  await page.keyboard.press('Enter')
  await expect.poll(() => page.evaluate<number>("performance.getEntriesByName('faskes:status-shown').length"), { timeout: 20_000 }).toBeGreaterThan(0)
  const ms = await page.evaluate<number>(
    "performance.getEntriesByName('faskes:status-shown')[0].startTime - performance.getEntriesByName('e2e:enter')[0].startTime",
  )
  timings.check.push(ms)
  return ms
}

/** Presses Enter in the focused keluhan field; returns Enter → "Terdaftar" shown, in ms (measured in the page). */
async function registerWithEnter(): Promise<number> {
  expect(await activeId()).toBe('reg-keluhan')
  // The expression ends in undefined: evaluate would otherwise wait for the promise before Enter is pressed.
  await page.evaluate(`window.__reg = new Promise((resolve) => {
    let t0 = 0
    addEventListener('keydown', (e) => { if (e.key === 'Enter') t0 = performance.now() }, { once: true, capture: true })
    const obs = new MutationObserver(() => {
      if (t0 && document.querySelector('[data-testid=registered]')) { obs.disconnect(); resolve(performance.now() - t0) }
    })
    obs.observe(document.body, { childList: true, subtree: true })
    setTimeout(() => resolve(-1), 15000)
  }); undefined`)
  await page.keyboard.press('Enter')
  const ms = await page.evaluate<number>('window.__reg')
  if (ms < 0) throw new Error(`not registered within 15 s; the page says: ${await page.locator('.workspace').innerText()}`)
  timings.register.push(ms)
  return ms
}

beforeAll(async () => {
  requireBuiltRenderer()
  sim = await startSimulator({ port: 0, statePath: simState, logger: quiet })
  simPort = sim.port
  await seedCore(
    tmp.dir,
    async (seed) => {
      // A fresh faskes code: the ledger keeps state between runs.
      seed.settings.update({ faskesName: 'Puskesmas Loket E2E', kdPPK: freshKdPPK() })
      await createUser(seed, COUNTER, 'counter')
      await refreshFromSimulator(seed.db, sim)
    },
    { keychain: false },
  )
  shell = await startShell(tmp.dir, demoRemotes(sim), { probeMs: 300 })
  ;({ browser, page, problems } = await openPage())
  await page.goto(shell.url, { waitUntil: 'domcontentloaded' })
  await signIn(page, COUNTER.username, COUNTER.password)
  await page.getByRole('heading', { level: 1, name: 'Pendaftaran', exact: true }).waitFor()
}, 120_000)

afterAll(async () => {
  if (timings.check.length) {
    const f = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ')
    console.log(`e2e counter: Enter → status shown ${f(timings.check)} ms; Enter → registered ${f(timings.register)} ms`)
  }
  await closeAll(browser, shell, sim)
  tmp.cleanup()
})

it('one patient at a time: card A with keluhan, poli and a red "already registered" → card B shows an empty form, no error; Enter registers', async () => {
  await expect.poll(activeId).toBe('peserta-id')
  await check(A.noKartu)
  expect(await outcome()).toContain('Kartu AKTIF')
  expect(await page.getByTestId('nama').innerText()).toBe(A.nama)
  await tabTo('reg-keluhan')
  await page.keyboard.type('Demam')
  await registerWithEnter()
  await page.getByTestId('registered').waitFor()
  const first = /no\. rawat (\S+)\./.exec(await page.getByTestId('registered').innerText())![1]

  // A again, same poli: core refuses it as a duplicate, in red on the form.
  await check(A.noKartu)
  await tabTo('reg-keluhan')
  await page.keyboard.type('KELUHAN PASIEN PERTAMA')
  await page.keyboard.press('Enter')
  await expect.poll(() => page.getByRole('alert').innerText()).toContain(`sudah terdaftar di poli ini hari ini (${first})`)
  // Then the clerk picks KIA for A by keyboard (type-ahead on the poli list) and does not register.
  await tabTo('reg-poli', true)
  await page.keyboard.type('KIA')
  expect(await page.locator('#reg-poli').inputValue()).toBe('003')
  await page.screenshot({ path: join(shots, 'counter-1-card-a.png'), fullPage: true })

  // Card B: nothing of A remains.
  await check(B.noKartu)
  expect(await page.getByTestId('nama').innerText()).toBe(B.nama)
  expect(await page.locator('#reg-keluhan').inputValue()).toBe('')
  expect(await page.locator('#reg-poli').inputValue()).toBe('001')
  expect(await page.getByRole('alert').count()).toBe(0)
  expect(await page.locator('.workspace').innerText()).not.toContain('sudah terdaftar')
  await page.screenshot({ path: join(shots, 'counter-2-card-b-fresh.png'), fullPage: true })

  // B goes to KIA: Enter in the keluhan field registers.
  await tabTo('reg-poli')
  await page.keyboard.type('KIA')
  await tabTo('reg-keluhan')
  await page.keyboard.type('Kontrol kehamilan')
  await registerWithEnter()
  await expect.poll(() => page.getByTestId('no-urut').innerText(), { timeout: 20_000 }).toMatch(/^Nomor urut: \w+$/)
})

it('the status bar is never "unknown" once the remotes were tried, and says "connected" while they answer', async () => {
  for (const target of ['PCare', 'Ledger', 'Antrean']) {
    await expect.poll(() => statusOf(target).innerText(), { timeout: 20_000 }).not.toContain('Belum diketahui')
  }
  expect(await statusOf('PCare').innerText()).toContain('Terhubung')
})

it('unknown card and unknown NIK say "Tidak ditemukan" on the page, and offer no registration', async () => {
  await check(UNKNOWN)
  expect(await outcome()).toBe(`Tidak ditemukan: tidak ada peserta BPJS dengan nomor kartu ${UNKNOWN}. Periksa nomornya. Tidak dapat didaftarkan sebagai peserta BPJS.`)
  expect(await page.getByTestId('eligibility').getAttribute('data-outcome')).toBe('notFound')
  expect(await page.locator('#reg-keluhan').count()).toBe(0)
  await check(UNKNOWN_NIK)
  expect(await outcome()).toContain(`Tidak ditemukan: tidak ada peserta BPJS dengan NIK ${UNKNOWN_NIK}.`)
  expect(await page.locator('#reg-keluhan').count()).toBe(0)
  await page.screenshot({ path: join(shots, 'counter-3-unknown-nik.png'), fullPage: true })
})

it('inactive card: PCare\'s reason in words, BPJS refused, registered as umum only after the explicit choice, nothing sent to PCare', async () => {
  await check(INACTIVE)
  // PCare's ketAktif for this card only repeats "TIDAK AKTIF": said once, not twice.
  expect(await outcome()).toContain('Kartu TIDAK AKTIF menurut PCare.')
  expect(await page.getByTestId('eligibility').innerText()).not.toMatch(/TIDAK AKTIF\s+TIDAK AKTIF/)
  expect(await page.getByTestId('card-status').innerText()).toBe('TIDAK AKTIF')
  expect(await page.getByTestId('ledger-status').innerText()).not.toMatch(/TIDAK_TERCATAT|NOT_RECORDED/)
  await tabTo('reg-keluhan')
  await page.keyboard.type('Batuk')
  await page.keyboard.press('Enter')
  await expect.poll(() => page.locator('#reg-umum-error').innerText().catch(() => '')).toContain('Pasien umum')
  expect(await page.getByTestId('registered').count()).toBe(0)
  await tabTo('reg-umum', true)
  await page.keyboard.press('Space')
  expect(await page.locator('#reg-umum').isChecked()).toBe(true)
  await tabTo('reg-keluhan')
  await registerWithEnter()
  expect(await page.getByTestId('no-urut').innerText()).toBe('Pasien umum: tidak dikirim ke PCare.')
  await expect.poll(() => todayRow(INACTIVE).innerText()).toContain('UMUM')
  await page.screenshot({ path: join(shots, 'counter-4-inactive-umum.png'), fullPage: true })
  // No PCare or Antrean job exists for the visit (so none can ever be sent), and PCare has no pendaftaran for the card.
  const jobs = shell.core.db
    .prepare(`SELECT count(*) AS n FROM outbox o JOIN registrations r ON o.entity_id = r.no_rawat WHERE r.no_kartu = ? AND o.target IN ('pcare', 'antrean')`)
    .get(INACTIVE)
  expect(jobs).toEqual({ n: 0 })
  expect(sim.state().pendaftaran.filter((p) => p.noKartu === INACTIVE)).toEqual([])
})

it('arrears are said on the page with the amount', async () => {
  await check(ARREARS)
  expect(await page.getByTestId('arrears').innerText()).toContain('Ada tunggakan iuran: Rp 350.000.')
})

it('PCare unreachable: a never-seen card registers as "belum terverifikasi"; when PCare is back it is verified, an unknown one is rejected and said on the list', async () => {
  await sim.close()
  await check(NEVER_SEEN.noKartu)
  expect(await outcome()).toContain('PCare tidak terhubung dan kartu ini belum pernah diperiksa di komputer ini.')
  // The counter's own check told the status bar: not "connected" any more.
  await expect.poll(() => statusOf('PCare').innerText(), { timeout: 10_000 }).toContain('Terputus')
  expect(await page.getByTestId('unverified-note').innerText()).toContain('BELUM TERVERIFIKASI')
  await tabTo('reg-keluhan')
  await page.keyboard.type('Pusing')
  await registerWithEnter()
  await expect.poll(() => todayRow(NEVER_SEEN.noKartu).innerText()).toContain('belum terverifikasi')

  await check(UNKNOWN)
  expect(await page.getByTestId('eligibility').getAttribute('data-outcome')).toBe('offlineUnknown')
  await tabTo('reg-keluhan')
  await page.keyboard.type('Nyeri')
  await registerWithEnter()
  await page.screenshot({ path: join(shots, 'counter-5-offline-unverified.png'), fullPage: true })

  sim = await startSimulator({ port: simPort, statePath: simState, logger: quiet })
  await expect.poll(() => todayRow(NEVER_SEEN.noKartu).innerText(), { timeout: 40_000 }).toContain(NEVER_SEEN.nama)
  expect(await todayRow(NEVER_SEEN.noKartu).innerText()).not.toContain('belum terverifikasi')
  await expect.poll(() => todayRow(UNKNOWN).innerText(), { timeout: 40_000 }).toContain('DITOLAK: kartu tidak ditemukan di PCare')
  await expect.poll(() => statusOf('PCare').innerText(), { timeout: 40_000 }).toMatch(/Terhubung[\s\S]*Tertunda\s*0/)
  expect(sim.state().pendaftaran.filter((p) => p.noKartu === UNKNOWN)).toEqual([])
  expect(sim.state().pendaftaran.filter((p) => p.noKartu === NEVER_SEEN.noKartu)).toHaveLength(1)
  await page.screenshot({ path: join(shots, 'counter-6-verified-and-rejected.png'), fullPage: true })
})

it('today\'s list: Alt+C to the search, by name, card number and no_rawat; filter by poli; age, sex and birth date shown', async () => {
  await tabTo('peserta-id', true)
  await page.keyboard.press('Alt+C')
  expect(await activeId()).toBe('today-search')
  const rows = () => page.getByTestId('today').locator('tbody tr')
  await page.keyboard.type('dewi')
  await expect.poll(() => rows().count()).toBe(1)
  const dewi = await rows().first().innerText()
  const age = ageOf(A.tglLahir)!
  expect(dewi).toContain(A.tglLahir)
  expect(dewi).toMatch(new RegExp(`\\b${age.n} th\\b`))
  expect(dewi).toMatch(/\bP\b/)
  const noRawat = /\d{8}-\d{4}/.exec(dewi)![0]

  await page.keyboard.press('Escape')
  await page.keyboard.type(B.noKartu)
  await expect.poll(() => rows().count()).toBe(1)
  expect(await rows().first().innerText()).toContain(B.nama)

  await page.keyboard.press('Escape')
  await page.keyboard.type(noRawat)
  await expect.poll(() => rows().count()).toBe(1)
  expect(await rows().first().innerText()).toContain(A.nama)

  // Poli filter by keyboard: only B went to KIA.
  await page.keyboard.press('Escape')
  await tabTo('today-poli')
  await page.keyboard.type('KIA')
  await expect.poll(() => rows().count()).toBe(1)
  expect(await rows().first().innerText()).toContain(B.nama)
  expect(await page.getByTestId('today-count').innerText()).toMatch(/^1 dari \d+$/)
  await page.locator('[aria-labelledby=queue-title]').screenshot({ path: join(shots, 'counter-7-today-search.png') })
})

it('a PCare that answers sends with 503 is shown as disturbed ("Gangguan"), never "Terhubung", until a send succeeds', async () => {
  sim.setFault({ mode: '503', pathPrefix: 'pendaftaran', count: 2, retryAfterSeconds: 2 })
  await check(A.noKartu)
  await tabTo('reg-poli')
  await page.keyboard.type('GIGI')
  expect(await page.locator('#reg-poli').inputValue()).toBe('002')
  await tabTo('reg-keluhan')
  await page.keyboard.type('Sakit gigi')
  await registerWithEnter()
  await expect.poll(() => statusOf('PCare').innerText(), { timeout: 15_000 }).toContain('Gangguan')
  await page.locator('.status-bar').screenshot({ path: join(shots, 'counter-8-status-disturbed.png') })
  await expect.poll(() => statusOf('PCare').innerText(), { timeout: 30_000 }).toMatch(/Terhubung[\s\S]*Tertunda\s*0/)
  expect(await page.getByTestId('no-urut').innerText()).toMatch(/^Nomor urut: \w+$/)
  expect(problems).toEqual([])
})

it('Mobile JKN screening not done: the counter is told while the patient is there, and the queue entry goes once it is done', async () => {
  const C = '0009999000001'
  sim.setOptions({ skriningBelum: [C] })
  await check(C)
  // Antrean needs the doctor on the day's schedule: the test runs at any hour, so the counter names one.
  await page.locator('#reg-dokter').selectOption('131491')
  await page.getByLabel('Ambil nomor Antrean FKTP (Mobile JKN)').check()
  await tabTo('reg-keluhan')
  await page.keyboard.type('Batuk')
  await registerWithEnter()
  // Antrean FKTP refuses the queue entry after PCare gave the noUrut: the answer card says what to do.
  await expect.poll(() => page.getByTestId('screening').innerText().catch(() => ''), { timeout: 30_000 }).toContain('skrining kesehatan di aplikasi Mobile JKN')
  // Today's list (the poli filter an earlier test left on KIA back to every poli) marks the row too.
  await page.locator('#today-poli').selectOption('')
  await expect.poll(() => todayRow(C).getByTestId('screening-mark').count(), { timeout: 10_000 }).toBe(1)
  // Antrean answered (it refused for the patient's sake): the status bar does not call the link disturbed.
  await expect.poll(() => statusOf('Antrean').innerText(), { timeout: 10_000 }).not.toContain('Gangguan')
  await page.screenshot({ path: join(shots, 'counter-9-screening.png'), fullPage: true })
  expect(sim.state().antrean.filter((a) => a.nomorkartu === C)).toEqual([])
  // The patient does the screening on the phone; the retried job goes through and the notice leaves.
  sim.setOptions({ skriningBelum: [] })
  await expect.poll(() => sim.state().antrean.filter((a) => a.nomorkartu === C).length, { timeout: 30_000 }).toBe(1)
  await expect.poll(() => page.getByTestId('screening').count(), { timeout: 10_000 }).toBe(0)
  expect(problems).toEqual([])
})
