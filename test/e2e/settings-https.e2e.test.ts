import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { BrowserShell } from '../../tools/browser-shell/server'
import { tempDir } from '../helpers/tmp'
import { launchChromium } from './browser'
import { signIn } from './session'
import { type BrowserPage, closeAll, createUser, requireBuiltRenderer, seedCore, shots, startShell, watchProblems } from './workstation'

/**
 * Issue 13 (finding 16) in Pengaturan: a PCare address saved as plain http to another computer, as an older version
 * allowed, is shown as needing change the moment the page opens (not dropped, not silently kept), the form is not
 * saved until it is changed, and an https address is then saved. `.invalid` never resolves, so nothing is sent.
 */
const OLD_HTTP = 'http://pcare.invalid/pcare-rest'
const NEW_HTTPS = 'https://pcare.invalid/pcare-rest'
const tmp = tempDir('faskes-e2e-https-')
const ADMIN_PASSWORD = 'kata-sandi-uji-https'
let adminSecret = ''
let shell: BrowserShell
let browser: BrowserPage['browser']

beforeAll(async () => {
  requireBuiltRenderer()
  await seedCore(tmp.dir, async (core) => {
    adminSecret = await createUser(core, { username: 'admin', password: ADMIN_PASSWORD }, 'admin')
    // As an older version stored it: the settings schema no longer lets it be saved.
    const pcare = { ...core.settings.get().pcare, baseUrl: OLD_HTTP }
    core.db.prepare('INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run('pcare', JSON.stringify(pcare), Date.now())
  })
  shell = await startShell(tmp.dir)
  browser = await launchChromium()
})

afterAll(async () => {
  await closeAll(browser, shell)
  tmp.cleanup()
})

const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true })

it('marks a saved http PCare address as needing change, refuses the form until it is https, then saves', async () => {
  const page = await browser.context.newPage()
  const problems = watchProblems(page)
  await page.goto(shell.url, { waitUntil: 'domcontentloaded' })
  await signIn(page, 'admin', ADMIN_PASSWORD, adminSecret)
  await page.keyboard.press('Alt+4')
  await heading(page, 'Pengaturan').waitFor()

  const url = page.getByLabel('URL dasar PCare', { exact: true })
  expect(await url.inputValue()).toBe(OLD_HTTP)
  await expect.poll(() => url.getAttribute('aria-invalid')).toBe('true')
  await page.getByText('Gunakan alamat https://').first().waitFor()
  await page.screenshot({ path: join(shots, 'settings-https-marked.png') })

  // Saving the form as it stands is refused at that field; nothing is stored.
  await page.getByRole('button', { name: 'Simpan', exact: true }).click()
  await expect.poll(() => url.getAttribute('aria-invalid')).toBe('true')
  expect(await page.getByText('Pengaturan tersimpan.').count()).toBe(0)
  expect(shell.core.settings.get().pcare.baseUrl).toBe(OLD_HTTP)

  await url.fill(NEW_HTTPS)
  expect(await url.getAttribute('aria-invalid')).toBe('false')
  await page.getByRole('button', { name: 'Simpan', exact: true }).click()
  await page.getByText('Pengaturan tersimpan.').waitFor()
  expect(shell.core.settings.get().pcare.baseUrl).toBe(NEW_HTTPS)
  expect(problems).toEqual([])
})
