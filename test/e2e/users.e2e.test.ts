import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { AuthService } from '../../electron/core/auth'
import { THROTTLE } from '../../electron/core/auth/throttle'
import type { BrowserShell } from '../../tools/browser-shell/server'
import { tempDir } from '../helpers/tmp'
import { signIn, signOut } from './session'
import { type BrowserPage, closeAll, createUser, openPage, requireBuiltRenderer, seedCore, shots, startShell } from './workstation'

/**
 * Users an admin manages (issue 13, Deliver 4) in Chromium: the admin gives a counter user a temporary password; the
 * user's next sign-in shows nothing but the change of it (a workspace typed into the address bar is not shown), and
 * after the change the user works as before; the admin then disables the user, whose sign-in is refused, and reads
 * both changes in the audit list. A user locked by ten wrong passwords shows until when, and the admin unlocks them
 * from the keyboard.
 */
const ADMIN = { username: 'admin', password: 'kata-sandi-admin-users' }
const COUNTER = { username: 'loket.users', password: 'kata-sandi-loket-users' }
const LOCKED = { username: 'loket.kunci', password: 'kata-sandi-loket-kunci' }
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
    await createUser(seed, LOCKED, 'counter')
    // Ten wrong passwords through the real throttle, each past the short delays and the last 4 minutes ago, so the
    // 15-minute lock still holds for about 11 minutes while the suite runs.
    let at = Date.now() - 10 * 60_000
    const guesser = new AuthService(seed.db, null, () => at)
    for (let i = 0; i < THROTTLE.lockAfter; i++) {
      await guesser.login(LOCKED.username, `salah-${i}`, undefined, 'ipc').catch(() => undefined)
      at += 40_000
    }
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
  // Asked once more on the row: Escape keeps the user, the autofocused confirm disables by Enter.
  await userRow(COUNTER.username).getByRole('button', { name: 'Nonaktifkan' }).click()
  const confirm = userRow(COUNTER.username).getByRole('button', { name: `Ya, nonaktifkan ${COUNTER.username} sekarang` })
  await expect.poll(() => confirm.count()).toBe(1)
  await page.keyboard.press('Escape')
  await expect.poll(() => confirm.count()).toBe(0)
  await userRow(COUNTER.username).getByRole('button', { name: 'Nonaktifkan' }).click()
  await expect.poll(() => page.locator(':focus').innerText()).toBe(`Ya, nonaktifkan ${COUNTER.username} sekarang`)
  await page.keyboard.press('Enter')
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

it('unlock: a locked user shows until when; the admin unlocks from the keyboard, the list and audit reload, the user signs in', async () => {
  await signIn(page, ADMIN.username, ADMIN.password, adminSecret)
  await page.getByRole('navigation').getByRole('link', { name: 'Admin' }).click()
  await expect.poll(() => userRow(LOCKED.username).innerText()).toMatch(/Terkunci sampai \d\d[.:]\d\d/)
  // The admin's own row offers no "Nonaktifkan"; a row's buttons sit side by side, not stacked.
  await userRow(ADMIN.username).getByRole('button', { name: 'Atur ulang kata sandi' }).waitFor()
  await expect.poll(() => userRow(ADMIN.username).getByRole('button', { name: 'Nonaktifkan' }).count()).toBe(0)
  const boxes = await Promise.all(['Buka kunci', 'Nonaktifkan', 'Atur ulang kata sandi'].map((name) => userRow(LOCKED.username).getByRole('button', { name }).boundingBox()))
  expect(new Set(boxes.map((b) => b?.y)).size).toBe(1)
  // The page scrolls inside its workspace, so a full-page shot would miss the table: shoot the table itself.
  await page.locator('table[aria-labelledby="users-title"]').screenshot({ path: join(shots, 'users-4-locked.png') })

  const unlock = userRow(LOCKED.username).getByRole('button', { name: 'Buka kunci' })
  await unlock.focus()
  await page.keyboard.press('Enter')
  await page.getByText(`Kunci ${LOCKED.username} dibuka; ${LOCKED.username} dapat masuk lagi.`).waitFor()
  await expect.poll(() => userRow(LOCKED.username).innerText()).not.toContain('Terkunci')
  expect(await unlock.count()).toBe(0)
  await expect
    .poll(() => page.locator('table[aria-labelledby="users-audit-title"] tbody tr').first().innerText())
    .toMatch(new RegExp(`admin\\s+${LOCKED.username.replace('.', '\\.')}\\s+kunci dibuka`))
  await signOut(page)
  await signIn(page, LOCKED.username, LOCKED.password)
  await signOut(page)
  expect(problems.filter((p) => !/status of 4\d\d/.test(p))).toEqual([])
})
