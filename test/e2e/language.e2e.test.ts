import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import jsQR from 'jsqr'
import type { Page } from 'playwright-core'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { BrowserShell } from '../../tools/browser-shell/server'
import { startSimulator, type Simulator } from '../../tools/pcare-sim/server'
import { tempDir } from '../helpers/tmp'
import { demoRemotes, freshKdPPK } from '../sync/harness'
import { freshTotp } from './session'
import { type BrowserPage, closeAll, openPage, requireBuiltRenderer, seedCore, shots, startShell } from './workstation'

/**
 * First run and language on a fresh install with the PCare simulator: the admin's authenticator secret is shown as
 * a QR code (decoded here from a screenshot and compared with the otpauth URI), the counter's poli list fills by
 * itself once PCare answers (no admin refresh, no reload), and a server error reads in the chosen language with
 * 24-hour times in both.
 */
const ADMIN = { username: 'admin', password: 'kata-sandi-bahasa-e2e' }
// An active demo card (tools/demo-data/peserta.json).
const CARD = '0009999000003'

const tmp = tempDir('faskes-e2e-lang-')
const simState = join(tmp.dir, 'sim-state.json')
let sim: Simulator | null = null
let simPort = 0
let shell: BrowserShell
let browser: BrowserPage['browser']
let page: Page
let adminSecret = ''
let problems: string[] = []

/**
 * Common words of our own Indonesian texts; none may show on a page in English. The staff terms too (poli, no.
 * rawat, kunjungan, umum): "All polis" and "(no. rawat)" passed an older list. PCare's own names are upper case
 * (UMUM, GIGI & MULUT), so lower-case umum is ours.
 */
const INDONESIAN = /\b(yang|tidak|belum|dengan|untuk|sudah|dari|atau|menunggu|Terhubung|Terputus|Tertunda|Gagal|Simpan|Periksa|Daftarkan|Keluar|Pengguna|Pengaturan|Pendaftaran|Pemeriksaan|Kirim|Batal|Tanggal|Nama|Pilih|Cari|Semua|Antrean hari ini|Sakit|Sehat|pasien|Pasien|Dokter|Perbarui|[Pp]olis?|rawat|[Kk]unjungan|umum|Lanjut|Penyiapan|Masuk|Kata sandi|Komputer)\b/g
/** The words of INDONESIAN on this page (none expected in English). */
const indonesianWords = async () => [...(await page.locator('body').innerText()).matchAll(INDONESIAN)].map((m) => m[0])
/** A workspace tab in the header's navigation (pages may link to a workspace too). */
const nav = (name: string) => page.getByRole('navigation').getByRole('link', { name })
const H24 = /\b([01]\d|2[0-3])[.:][0-5]\d\b/

beforeAll(async () => {
  requireBuiltRenderer()
  await seedCore(tmp.dir, (seed) => seed.settings.update({ faskesName: 'Puskesmas Bahasa E2E', kdPPK: freshKdPPK() }))
  // PCare is not there when the app starts: the simulator's port is taken, then freed, and started later.
  const probe = await startSimulator({ port: 0, statePath: simState })
  simPort = probe.port
  const remotes = demoRemotes(probe)
  await probe.close()
  shell = await startShell(tmp.dir, remotes, { referenceRefresh: { retryMs: 250, maxRetryMs: 1000 } })
  ;({ browser, page, problems } = await openPage())
}, 60_000)

afterAll(async () => {
  await closeAll(browser, shell, sim)
  tmp.cleanup()
})

/** Screenshots the QR image with this accessible name and decodes it (jsQR); null when it does not decode. */
async function decodeQr(name: string, file: string): Promise<string | null> {
  const png = PNG.sync.read(await page.getByRole('img', { name }).screenshot({ path: join(shots, file) }))
  return jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)?.data ?? null
}

it('first run: a newcomer switches the first screens to English by keyboard before anything else, and back', async () => {
  await page.goto(shell.url, { waitUntil: 'domcontentloaded' })
  await page.getByRole('group', { name: 'Komputer ini dipakai sebagai' }).waitFor()
  // The switch sits after the form: Tab from the chosen mode passes "Lanjut" and reaches it; arrows switch at once.
  await page.keyboard.press('Tab')
  await page.keyboard.press('Tab')
  expect(await page.evaluate<string | undefined>("document.activeElement?.getAttribute('name') ?? undefined")).toBe('locale-before-sign-in')
  await page.keyboard.press('ArrowDown')
  await page.getByRole('group', { name: 'This computer is used as' }).waitFor()
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en')
  expect(await page.getByRole('radio', { name: 'English' }).isChecked()).toBe(true)
  expect(await indonesianWords(), 'mode choice in English').toEqual([])
  await page.screenshot({ path: join(shots, 'language-0-mode-choice-en.png') })
  // Remembered on this PC: a reload keeps English; the first admin's form speaks it too.
  await page.reload({ waitUntil: 'domcontentloaded' })
  await page.getByRole('group', { name: 'This computer is used as' }).waitFor()
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.getByRole('heading', { name: 'First run: create the admin' }).waitFor()
  expect(await indonesianWords(), 'first admin form in English').toEqual([])
  // The same scan finds our words on the Indonesian form, so an empty result in English means something.
  await page.getByRole('radio', { name: 'Bahasa Indonesia' }).check()
  await page.getByRole('heading', { name: 'Penyiapan pertama: buat admin' }).waitFor()
  expect((await indonesianWords()).length).toBeGreaterThan(3)
  await page.getByRole('button', { name: 'Ubah pilihan' }).click()
})

it('first run shows the authenticator secret as a QR code that decodes to the otpauth URI', async () => {
  // The first question: what this PC is for. Mandiri is chosen and focused; Enter goes on (keyboard first).
  await page.getByRole('group', { name: 'Komputer ini dipakai sebagai' }).waitFor()
  expect(await page.getByRole('radio', { name: 'Mandiri' }).isChecked()).toBe(true)
  await expect.poll(() => page.evaluate<string | undefined>("document.activeElement?.getAttribute('value') ?? undefined")).toBe('standalone')
  await page.screenshot({ path: join(shots, 'language-0-mode-choice.png') })
  // Meja by arrows and Enter: this program cannot become a desk, so the page says what to run instead, and goes back.
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowDown')
  expect(await page.getByRole('radio', { name: 'Meja' }).isChecked()).toBe(true)
  await page.keyboard.press('Enter')
  await page.getByRole('heading', { name: 'Penyiapan pertama: meja' }).waitFor()
  expect(await page.getByTestId('desk-instructions').innerText()).toContain('npm run desk')
  await page.keyboard.press('Enter') // "Kembali ke pilihan" has the focus
  await page.getByRole('group', { name: 'Komputer ini dipakai sebagai' }).waitFor()
  await page.keyboard.press('ArrowUp')
  await page.keyboard.press('ArrowUp')
  expect(await page.getByRole('radio', { name: 'Mandiri' }).isChecked()).toBe(true)
  await page.keyboard.press('Enter')
  await page.getByRole('heading', { name: 'Penyiapan pertama: buat admin' }).waitFor()
  // The browser shell asks for its one-time setup code, read here as its starter would: from the data folder.
  await page.getByLabel('Kode penyiapan').fill(readFileSync(join(tmp.dir, 'setup-code'), 'utf8').trim())
  await page.getByLabel('Kata sandi').fill(ADMIN.password)
  await page.getByRole('button', { name: 'Buat admin' }).click()
  adminSecret = (await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '')
  const uri = (await page.getByText(/^otpauth:\/\/totp\//).textContent() ?? "").trim()
  expect(uri).toContain(`secret=${adminSecret}`)

  expect(await decodeQr('Kode QR untuk aplikasi autentikator', 'language-0-totp-qr.png')).toBe(uri)

  await page.getByLabel('Kata sandi').fill(ADMIN.password)
  await page.getByLabel('Kode autentikator (admin)').fill(await freshTotp(adminSecret))
  await page.getByRole('button', { name: 'Masuk' }).click()
  await page.getByRole('button', { name: 'Keluar' }).waitFor()
})

it('the counter’s poli list fills by itself once PCare answers, without a reload', async () => {
  await nav('Pendaftaran').click()
  await page.getByRole('heading', { level: 1, name: 'Pendaftaran', exact: true }).waitFor()
  // Marks this page load: a reload would drop it.
  await page.evaluate('window.__sameLoad = true')
  const lists = () => page.evaluate<{ poli: unknown[] }>("window.faskes.invoke('reference.lists', {}).then((r) => r.value)")
  expect((await lists()).poli).toEqual([])

  sim = await startSimulator({ port: simPort, statePath: simState })
  await page.getByLabel('Nomor kartu BPJS atau NIK').fill(CARD)
  await page.keyboard.press('Enter')
  await page.getByTestId('eligibility').waitFor({ timeout: 20_000 })
  const poli = page.locator('#reg-poli option')
  await expect.poll(async () => (await poli.allInnerTexts()).filter((t) => !t.startsWith('Data poli belum ada')).length, { timeout: 30_000 }).toBeGreaterThan(0)
  expect(await page.evaluate('window.__sameLoad')).toBe(true)
  expect((await lists()).poli.length).toBeGreaterThan(0)
  await page.screenshot({ path: join(shots, 'language-1-poli-filled.png') })
}, 60_000)

/** Registers CARD at the first poli, then tries again the same day at the same poli: core refuses it as a duplicate. */
async function duplicateRegistration(registerLabel: string): Promise<string> {
  await page.locator('#reg-poli').selectOption({ index: 0 })
  await page.locator('#reg-keluhan').fill('Batuk')
  await page.getByRole('button', { name: registerLabel }).click()
  return (await page.getByRole('alert').filter({ hasText: /\(\d{8}-\d{4}\)/ }).first().innerText()).trim()
}

async function checkCard(label: string) {
  await page.getByLabel(label).fill(CARD)
  await page.keyboard.press('Enter')
  await page.getByTestId('eligibility').waitFor({ timeout: 20_000 })
}

async function setLocale(name: 'English' | 'Bahasa Indonesia', settingsLink: string) {
  await nav(settingsLink).click()
  await page.getByRole('radio', { name }).check()
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(name === 'English' ? 'en' : 'id')
}

it('English mode: a server error (duplicate registration) and the wrong sign-in read in English, times in 24 hours; Indonesian mode: the same error in Indonesian', async () => {
  // First registration of the day for this card (Indonesian page).
  await page.locator('#reg-poli').selectOption({ index: 0 })
  await page.locator('#reg-keluhan').fill('Demam')
  await page.getByRole('button', { name: 'Daftarkan' }).click()
  await page.getByTestId('registered').waitFor()

  await setLocale('English', 'Pengaturan')
  await nav('Registration').click()
  await checkCard('BPJS card number or NIK')
  const source = await page.getByTestId('source').innerText()
  expect(source).toMatch(H24)
  expect(source).not.toMatch(/\b(AM|PM)\b/i)
  const en = await duplicateRegistration('Register')
  expect(en).toMatch(/^This member is already registered at this clinic today \(\d{8}-\d{4}\)\.$/)
  const today = await page.getByTestId('today').innerText()
  expect(today).not.toMatch(/\b(AM|PM)\b/i)
  await page.screenshot({ path: join(shots, 'language-2-en-duplicate.png') })

  // Every workspace in English: no Indonesian words of ours left (PCare's own list names and patient data excepted).
  for (const [link, h1] of [['Examination', 'Examination'], ['Admin', 'Admin'], ['Settings', 'Settings'], ['Registration', 'Registration']]) {
    await nav(link).click()
    await page.getByRole('heading', { level: 1, name: h1, exact: true }).waitFor()
    await expect.poll(() => page.getByText(/Loading/).count()).toBe(0)
    if (link === 'Examination') {
      // The examination form of today's patient too: vitals, diagnosis, tindakan/obat, referral labels.
      await page.locator('.patient-list .pick-list button').first().click()
      await page.locator('#ex-keluhan').waitFor()
    }
    await page.screenshot({ path: join(shots, `language-en-${link.toLowerCase()}.png`), fullPage: true })
    expect(await indonesianWords(), `${link} page in English`).toEqual([])
  }

  // An admin adds a second admin: the creating admin sees no secret (issue 13). The new admin scans it at their own
  // first sign-in, where it is shown as a QR code too (and as text), and confirms it with a code.
  await nav('Admin').click()
  await page.locator('#nu-username').fill('admin2')
  await page.locator('#nu-password').fill('kata-sandi-admin-kedua')
  await page.locator('#nu-role').selectOption({ label: 'Admin' })
  await page.getByRole('button', { name: 'Add user' }).click()
  await page.getByText('User admin2 created. admin2 scans their own authenticator app at their first sign-in.').waitFor()
  expect(await page.getByText(/^otpauth:\/\/totp\//).count()).toBe(0)
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor()
  await page.getByLabel('Username').fill('admin2')
  await page.getByLabel('Password').fill('kata-sandi-admin-kedua')
  await page.getByRole('button', { name: 'Sign in' }).click()
  const enrolTitle = page.getByRole('heading', { level: 1, name: 'Enrol your authenticator app' })
  await enrolTitle.waitFor()
  const secret2 = (await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '')
  const uri2 = (await page.getByText(/^otpauth:\/\/totp\//).textContent() ?? "").trim()
  expect(uri2).toContain(`secret=${secret2}`)
  expect(await decodeQr('QR code for the authenticator app', 'language-en-second-admin-qr.png')).toBe(uri2)
  await page.getByLabel('Code from the authenticator app').fill(await freshTotp(secret2))
  await page.getByRole('button', { name: 'Enrol', exact: true }).click()
  await enrolTitle.waitFor({ state: 'detached' })

  // A wrong password is refused by core; the login screen follows the saved language.
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor()
  expect(await indonesianWords(), 'sign-in page in English').toEqual([])
  await page.getByLabel('Username').fill(ADMIN.username)
  await page.getByLabel('Password').fill('not-the-password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByText('Wrong user name, password or authenticator code.').waitFor()
  expect(await page.getByText('Nama pengguna, kata sandi atau kode autentikator salah.').count()).toBe(0)
  await page.getByLabel('Password').fill(ADMIN.password)
  await page.getByLabel('Authenticator code (admin)').fill(await freshTotp(adminSecret))
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('button', { name: 'Sign out' }).waitFor()

  await setLocale('Bahasa Indonesia', 'Settings')
  await nav('Pendaftaran').click()
  await checkCard('Nomor kartu BPJS atau NIK')
  // The same scan finds our words on the Indonesian page, so an empty result in English means something.
  expect((await indonesianWords()).length).toBeGreaterThan(3)
  const id = await duplicateRegistration('Daftarkan')
  expect(id).toMatch(/^Peserta sudah terdaftar di poli ini hari ini \(\d{8}-\d{4}\)\.$/)
  expect(id.match(/\(([^)]+)\)/)![1]).toBe(en.match(/\(([^)]+)\)/)![1])
  expect(await page.getByTestId('source').innerText()).toMatch(H24)
  await page.screenshot({ path: join(shots, 'language-3-id-duplicate.png') })
  expect(problems.filter((p) => !/status of 4\d\d/.test(p))).toEqual([])
}, 90_000)
