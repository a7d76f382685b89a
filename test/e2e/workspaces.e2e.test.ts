import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { BrowserShell } from '../../tools/browser-shell/server'
import { tempDir } from '../helpers/tmp'
import { launchChromium } from './browser'
import { signIn } from './session'
import { type BrowserPage, closeAll, createUser, demoPeserta, requireBuiltRenderer, seedCore, shots, startShell, watchProblems } from './workstation'

const peserta = demoPeserta()

// A name that cannot come from defaults or from another run: if the header shows it, it came from this SQLite file.
const seededName = `Puskesmas Uji ${createHash('sha256').update(String(process.hrtime.bigint())).digest('hex').slice(0, 6)}`
const seededKdPPK = '0199E2E1'

const tmp = tempDir('faskes-e2e-')
let shell: BrowserShell
let browser: BrowserPage['browser']
let adminSecret = ''
const ADMIN_PASSWORD = 'kata-sandi-uji-e2e'

/** Written straight into the SQLite file before the app starts: settings, and outbox rows the status bar must count. */
async function seedDatabase(dataDir: string) {
  await seedCore(dataDir, async (core) => {
    core.settings.update({ faskesName: seededName, kdPPK: seededKdPPK })
    adminSecret = await createUser(core, { username: 'admin', password: ADMIN_PASSWORD }, 'admin')
    const now = Date.now()
    const insert = core.db.prepare(
      `INSERT INTO outbox (idempotency_key, target, operation, chain_key, seq, entity_type, entity_id, payload, payload_hash,
                           status, next_attempt_at, correlation_id, created_at, updated_at, done_at)
       VALUES (?, ?, 'seed', ?, 1, 'seed', ?, '{}', 'seed', ?, ?, ?, ?, ?, ?)`,
    )
    // One permanent failure for PCare (no worker retries it) and one ledger success five minutes ago.
    insert.run('e2e-pcare-1', 'pcare', 'e2e-chain-pcare', 'e2e-1', 'failed_permanent', now, 'e2e-corr-1', now, now, null)
    insert.run('e2e-ledger-1', 'ledger', 'e2e-chain-ledger', 'e2e-2', 'done', now, 'e2e-corr-2', now, now, now - 5 * 60_000)
  })
}

beforeAll(async () => {
  requireBuiltRenderer()
  await seedDatabase(tmp.dir)
  shell = await startShell(tmp.dir)
  browser = await launchChromium()
})

afterAll(async () => {
  await closeAll(browser, shell)
  tmp.cleanup()
})

const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true })
// A string expression: this file is type-checked without the DOM lib.
const activeId = (page: Page) => page.evaluate<string | null>('document.activeElement ? document.activeElement.id : null')
const statusOf = (page: Page, target: string) =>
  page.getByRole('contentinfo', { name: 'Status sinkronisasi' }).getByRole('listitem', { name: target, exact: true })

it('opens on the counter, switches workspaces by keyboard and click, and shows what is in the SQLite file', async () => {
  const started = performance.now()
  const page = await browser.context.newPage()
  const problems = watchProblems(page)

  await page.goto(shell.url, { waitUntil: 'domcontentloaded' })
  // Users exist: sign-in first (admin: password and TOTP), then the counter opens.
  await signIn(page, 'admin', ADMIN_PASSWORD, adminSecret)
  await heading(page, 'Pendaftaran').waitFor()
  const pageLoadMs = performance.now() - started

  // Counter workspace by default, its first field focused, faskes identity from SQLite in the header.
  const header = page.getByRole('banner')
  await expect.poll(() => header.innerText()).toContain(seededName)
  expect(await header.innerText()).toContain(seededKdPPK)
  expect(await page.getByRole('link', { name: 'Pendaftaran' }).getAttribute('aria-current')).toBe('page')
  await expect.poll(() => activeId(page)).toBe('peserta-id')
  expect(await page.getByRole('note').innerText()).toMatch(/Mode demo/)

  // Format check happens before anything else, from the keyboard only.
  await page.keyboard.type('12345')
  await page.keyboard.press('Enter')
  await page.getByText('Masukkan 13 digit nomor kartu atau 16 digit NIK').waitFor()
  await page.getByLabel('Nomor kartu BPJS atau NIK').fill(peserta[0].noKartu)
  await page.keyboard.press('Enter')
  // Without remotes and never checked here: the counter is told so instead of seeing a stale or empty status.
  await page.getByText('PCare tidak terhubung dan kartu ini belum pernah diperiksa di komputer ini.').waitFor()

  // Status bar: counts come from the outbox rows seeded above.
  await expect.poll(() => statusOf(page, 'PCare').innerText()).toMatch(/Tertunda\s*0[\s\S]*Gagal\s*1/)
  expect(await statusOf(page, 'Ledger').innerText()).toMatch(/Tertunda\s*0[\s\S]*Gagal\s*0[\s\S]*Berhasil\s*5 menit yang lalu/)
  expect(await statusOf(page, 'Antrean').innerText()).toMatch(/Tertunda\s*0[\s\S]*Gagal\s*0[\s\S]*belum pernah/)
  await page.screenshot({ path: join(shots, '1-pendaftaran.png') })

  // Alt+2: the clinician workspace, by keyboard.
  await page.keyboard.press('Alt+2')
  await heading(page, 'Pemeriksaan').waitFor()
  expect(new URL(page.url()).hash).toBe('#/pemeriksaan')
  // Its first field: the poli of the queue.
  await expect.poll(() => activeId(page)).toBe('queue-poli')
  await page.screenshot({ path: join(shots, '2-pemeriksaan.png') })

  // A click: Admin, whose table reads the same outbox counts.
  await page.getByRole('link', { name: 'Admin' }).click()
  await heading(page, 'Admin').waitFor()
  const pcareRow = page.getByRole('row', { name: /^PCare\b/ }).first()
  await expect.poll(() => pcareRow.innerText()).toMatch(/^PCare\s+0\s+0\s+1\s+belum pernah$/)
  await page.screenshot({ path: join(shots, '3-admin.png') })

  // Alt+4: settings show the SQLite values; a bad kdPPK gets a field error, a good save reaches the header and the file.
  await page.keyboard.press('Alt+4')
  await heading(page, 'Pengaturan').waitFor()
  await expect.poll(() => activeId(page)).toBe('f-faskesName')
  const nameInput = page.getByLabel('Nama faskes')
  expect(await nameInput.inputValue()).toBe(seededName)
  const kdInput = page.getByLabel('Kode faskes (kdPPK)')
  await kdInput.fill('12AB')
  await page.getByRole('button', { name: 'Simpan', exact: true }).click()
  await page.getByText('Kode faskes 8 karakter huruf besar/angka').waitFor()
  expect(await kdInput.getAttribute('aria-invalid')).toBe('true')
  await expect.poll(() => activeId(page)).toBe('f-kdPPK')
  await page.screenshot({ path: join(shots, '4-pengaturan-error.png') })

  await kdInput.fill('0199b002')
  await nameInput.fill(`${seededName} Baru`)
  await page.getByRole('button', { name: 'Simpan', exact: true }).click()
  await page.getByText('Pengaturan tersimpan.').waitFor()
  await expect.poll(() => header.innerText()).toContain(`${seededName} Baru`)
  expect(await header.innerText()).toContain('0199B002')
  expect(shell.core.settings.get()).toMatchObject({ faskesName: `${seededName} Baru`, kdPPK: '0199B002' })

  // Polling: a row that appears in the outbox now shows up in the status bar within a few seconds.
  const now = Date.now()
  shell.core.db
    .prepare(
      `INSERT INTO outbox (idempotency_key, target, operation, chain_key, seq, entity_type, entity_id, payload, payload_hash,
                           status, next_attempt_at, correlation_id, created_at, updated_at)
       VALUES ('e2e-antrean-1', 'antrean', 'seed', 'e2e-chain-antrean', 1, 'seed', 'e2e-3', '{}', 'seed', 'pending', ?, 'e2e-corr-3', ?, ?)`,
    )
    .run(now + 3_600_000, now, now)
  await expect.poll(() => statusOf(page, 'Antrean').innerText(), { timeout: 6_000 }).toMatch(/Tertunda\s*1/)

  // The locale switch applies at once and is stored.
  await page.getByRole('radio', { name: 'English' }).check()
  await page.getByRole('heading', { level: 1, name: 'Settings', exact: true }).waitFor()
  await page.getByRole('contentinfo', { name: 'Sync status' }).waitFor()
  expect(await page.getByRole('link', { name: 'Registration' }).isVisible()).toBe(true)
  expect(shell.core.settings.get().locale).toBe('en')
  await page.screenshot({ path: join(shots, '5-settings-en.png') })

  expect(problems).toEqual([])
  const totalMs = performance.now() - started
  console.log(`e2e: page load to counter heading ${pageLoadMs.toFixed(0)} ms; whole flow ${totalMs.toFixed(0)} ms`)
})

it('admin stores PCare credentials through the form: they reach the keychain, never the page or the SQLite file', async () => {
  shell.core.settings.update({ locale: 'id' })
  const page = await browser.context.newPage()
  const problems = watchProblems(page)
  // Obviously fake values, unique per run so finding them anywhere proves where they went.
  const marker = createHash('sha256').update(String(process.hrtime.bigint())).digest('hex').slice(0, 12)
  const secrets = { secretKey: `rahasia-uji-${marker}`, userKey: `kunci-uji-${marker}`, password: `sandi-uji-${marker}` }
  try {
    await page.goto(`${shell.url}#/admin`, { waitUntil: 'domcontentloaded' })
    // The first test's session cookie is still valid in this browser context; sign in only if it is not.
    await page.getByRole('button', { name: 'Keluar' }).or(page.getByRole('heading', { level: 1, name: 'Masuk' })).first().waitFor()
    if (!(await page.getByRole('button', { name: 'Keluar' }).isVisible())) await signIn(page, 'admin', ADMIN_PASSWORD, adminSecret)
    await page.getByRole('link', { name: 'Admin' }).click()
    await heading(page, 'Admin').waitFor()
    const presence = page.getByTestId('cred-presence')
    await expect.poll(() => presence.innerText()).toMatch(/Keychain\s*tersedia[\s\S]*PCare\s*belum ada/i)

    // A consId that is not a number: refused with the reason at the field, nothing stored.
    await page.locator('#cr-consId').fill('bukan-angka')
    for (const [k, v] of Object.entries(secrets)) await page.locator(`#cr-${k}`).fill(v)
    await page.locator('#cr-username').fill('pengguna-uji')
    await page.getByRole('button', { name: 'Simpan ke keychain' }).click()
    await page.locator('#cr-consId-error').getByText('consId berupa angka').waitFor()
    expect(await shell.core.credentials!.pcare()).toBeNull()

    await page.locator('#cr-consId').fill('99999')
    await page.getByRole('button', { name: 'Simpan ke keychain' }).click()
    await expect.poll(() => presence.innerText()).toMatch(/PCare\s*tersimpan/)
    // Stored in the real Secret Service, exactly as typed.
    expect(await shell.core.credentials!.pcare()).toMatchObject({ consId: '99999', username: 'pengguna-uji', kdAplikasi: '095', ...secrets })
    // Never shown back: the form is empty, and no secret is anywhere in the page.
    for (const k of Object.keys(secrets)) expect(await page.locator(`#cr-${k}`).inputValue()).toBe('')
    const html = await page.content()
    for (const v of Object.values(secrets)) expect(html).not.toContain(v)
    await page.screenshot({ path: join(shots, '6-admin-credentials.png'), fullPage: true })
    // Never in SQLite: neither the database file nor its write-ahead log holds a byte of them.
    shell.core.db.pragma('wal_checkpoint(PASSIVE)')
    const files = readdirSync(tmp.dir).filter((n) => n.endsWith('.db') || n.endsWith('.db-wal'))
    expect(files).toContain('faskes.db')
    for (const f of files) {
      const bytes = readFileSync(join(tmp.dir, f))
      for (const v of Object.values(secrets)) expect(bytes.includes(Buffer.from(v)), `${v} in ${f}`).toBe(false)
    }
    expect(problems).toEqual([])
  } finally {
    await shell.core.credentials!.clear('pcare')
    await page.close()
  }
})
