import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { BrowserShell } from '../../tools/browser-shell/server'
import { tempDir } from '../helpers/tmp'
import { signIn, signOut } from './session'
import { type BrowserPage, closeAll, createUser, openPage, requireBuiltRenderer, seedCore, shots, startShell } from './workstation'

/**
 * Users an admin manages (issue 13, Deliver 4) in Chromium: the admin gives a counter user a temporary password; the
 * user's next sign-in shows nothing but the change of it (a workspace typed into the address bar is not shown), and
 * after the change the user works as before; the admin then disables the user, whose sign-in is refused, and reads
 * both changes in the audit list.
 */
const ADMIN = { username: 'admin', password: 'kata-sandi-admin-users' }
const COUNTER = { username: 'loket.users', password: 'kata-sandi-loket-users' }
const TEMP = 'sementara-loket-1'
const OWN = 'kata-sandi-loket-baru'

const tmp = tempDir('faskes-e2e-users-')
let shell: BrowserShell
let browser: BrowserPage['browser']
let page: Page
let adminSecret = ''
let problems: string[] = []

beforeAll(async () => {
  requireBuiltRenderer()
  adminSecret = await seedCore(tmp.dir, async (seed) => {
    await createUser(seed, COUNTER, 'counter')
    return createUser(seed, ADMIN, 'admin')
  })
  shell = await startShell(tmp.dir)
  ;({ browser, page, problems } = await openPage())
  await page.goto(shell.url, { waitUntil: 'domcontentloaded' })
}, 60_000)

afterAll(async () => {
  await closeAll(browser, shell)
  tmp.cleanup()
})

/** The row of `username` in the admin's user table. */
const userRow = (username: string) => page.locator('table[aria-labelledby="users-title"] tbody tr').filter({ has: page.getByRole('cell', { name: username, exact: true }) })

it('reset password: the admin sets a temporary one; the user must change it at the next sign-in before anything else', async () => {
  await signIn(page, ADMIN.username, ADMIN.password, adminSecret)
  await page.getByRole('navigation').getByRole('link', { name: 'Admin' }).click()
  await userRow(COUNTER.username).getByRole('button', { name: 'Atur ulang kata sandi' }).click()
  await page.getByLabel('Kata sandi sementara', { exact: true }).fill(TEMP)
  await page.getByRole('button', { name: 'Simpan kata sandi sementara' }).click()
  await page.getByText(`Kata sandi sementara ${COUNTER.username} disimpan; sesinya sudah berakhir.`).waitFor()
  await expect.poll(() => userRow(COUNTER.username).innerText()).toContain('harus mengganti kata sandi')
  await page.screenshot({ path: join(shots, 'users-1-admin-reset.png'), fullPage: true })
  await signOut(page)

  // The old password no longer signs in; the temporary one leads to the change screen only.
  await page.getByLabel('Nama pengguna').fill(COUNTER.username)
  await page.getByLabel('Kata sandi').fill(COUNTER.password)
  await page.getByRole('button', { name: 'Masuk' }).click()
  await page.getByText('Nama pengguna, kata sandi atau kode autentikator salah.').waitFor()
  await page.getByLabel('Kata sandi').fill(TEMP)
  await page.getByRole('button', { name: 'Masuk' }).click()
  const title = page.getByRole('heading', { level: 1, name: 'Ganti kata sandi sementara' })
  await title.waitFor()
  expect(await page.getByRole('navigation').count()).toBe(0)
  // A workspace typed into the address bar does not get past the step.
  await page.goto(`${shell.url}#pendaftaran`)
  await title.waitFor()
  expect(await page.getByRole('navigation').count()).toBe(0)

  // A typo in the repeat is caught before core is asked; then the change goes through.
  await page.getByLabel('Kata sandi sementara', { exact: true }).fill(TEMP)
  await page.getByLabel('Kata sandi baru', { exact: true }).fill(OWN)
  await page.getByLabel('Ulangi kata sandi baru').fill(`${OWN}x`)
  await page.getByRole('button', { name: 'Ganti kata sandi' }).click()
  await page.getByText('Kedua kata sandi baru tidak sama.').waitFor()
  await page.getByLabel('Ulangi kata sandi baru').fill(OWN)
  await page.screenshot({ path: join(shots, 'users-2-change-password.png'), fullPage: true })
  await page.getByRole('button', { name: 'Ganti kata sandi' }).click()
  await page.getByRole('navigation').getByRole('link', { name: 'Pendaftaran' }).waitFor()
  await title.waitFor({ state: 'detached' })
  await signOut(page)
  await signIn(page, COUNTER.username, OWN)
  await signOut(page)
})

it('disable: the user can no longer sign in; the audit lists who did what to whom', async () => {
  await signIn(page, ADMIN.username, ADMIN.password, adminSecret)
  await page.getByRole('navigation').getByRole('link', { name: 'Admin' }).click()
  await userRow(COUNTER.username).getByRole('button', { name: 'Nonaktifkan' }).click()
  await page.getByText(`${COUNTER.username} dinonaktifkan; sesinya sudah berakhir.`).waitFor()
  await expect.poll(() => userRow(COUNTER.username).innerText()).toContain('Nonaktif')
  const audit = page.locator('table[aria-labelledby="users-audit-title"] tbody tr')
  await expect.poll(() => audit.allInnerTexts()).toEqual([
    expect.stringMatching(new RegExp(`admin\\s+${COUNTER.username.replace('.', '\\.')}\\s+dinonaktifkan`)),
    expect.stringMatching(new RegExp(`${COUNTER.username.replace('.', '\\.')}\\s+${COUNTER.username.replace('.', '\\.')}\\s+kata sandi diganti sendiri`)),
    expect.stringMatching(new RegExp(`admin\\s+${COUNTER.username.replace('.', '\\.')}\\s+kata sandi diatur ulang`)),
  ])
  await page.screenshot({ path: join(shots, 'users-3-disabled-audit.png'), fullPage: true })
  await signOut(page)

  await page.getByLabel('Nama pengguna').fill(COUNTER.username)
  await page.getByLabel('Kata sandi').fill(OWN)
  await page.getByRole('button', { name: 'Masuk' }).click()
  await page.getByText('Nama pengguna, kata sandi atau kode autentikator salah.').waitFor()
  expect(problems.filter((p) => !/status of 4\d\d/.test(p))).toEqual([])
})
