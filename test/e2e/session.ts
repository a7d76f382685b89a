import type { Page } from 'playwright-core'
import { base32Decode, hotp, stepAt } from '../../electron/core/auth/totp'

const lastStep = new Map<string, bigint>()

/**
 * A code the server will accept: the server refuses a step at or below the last one it accepted (no replay),
 * so a second sign-in within 30 s uses the next step (inside the ±1 window), and a third waits. Bounded.
 */
export async function freshTotp(secret: string): Promise<string> {
  const until = Date.now() + 70_000
  while (Date.now() < until) {
    const now = stepAt(Date.now())
    for (const step of [now, now + 1n]) {
      if (step > (lastStep.get(secret) ?? -1n)) {
        lastStep.set(secret, step)
        return hotp(base32Decode(secret), step)
      }
    }
    await new Promise((r) => setTimeout(r, 1000))
  }
  throw new Error('no fresh TOTP step within 70 s')
}

/** Signs in through the login screen and waits for the signed-in header. */
export async function signIn(page: Page, username: string, password: string, secret?: string) {
  await page.getByRole('heading', { level: 1, name: 'Masuk' }).waitFor()
  await page.getByLabel('Nama pengguna').fill(username)
  await page.getByLabel('Kata sandi').fill(password)
  if (secret) await page.getByLabel('Kode autentikator (admin)').fill(await freshTotp(secret))
  await page.getByRole('button', { name: 'Masuk' }).click()
  await page.getByRole('button', { name: 'Keluar' }).waitFor()
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Keluar' }).click()
  await page.getByRole('heading', { level: 1, name: 'Masuk' }).waitFor()
}
