import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { BrowserShell } from '../../tools/browser-shell/server'
import { tempDir } from '../helpers/tmp'
import { freshKdPPK } from '../sync/harness'
import { signIn } from './session'
import { type BrowserPage, closeAll, createUser, openPage, requireBuiltRenderer, seedCore, shots, startShell } from './workstation'

/**
 * Pengaturan's ledger section (issue 14) from the keyboard, as a faskes admin meets it: the org admin's
 * `npm run ledger:register` prints an enrolment id, a one-time secret and the Pengaturan fields; the admin types them
 * in field by field (Tab order), pastes the PEM certificates, enrols against Puskesmas's real CA of the local network
 * and sees the certificate's facts. A spent secret reads as a staff sentence; a faskes code changed after enrolment
 * is flagged beside the facts until the workstation is enrolled again, in Indonesian and in English. No sync engine
 * runs here (nothing is sent); test/sync/identity.test.ts sends with such an identity.
 */
const ADMIN = { username: 'admin', password: 'kata-sandi-ledger-e2e' }
const KDPPK = freshKdPPK()
const tmp = tempDir('faskes-e2e-ledger-')
let shell: BrowserShell
let browser: BrowserPage['browser']
let page: Page
let problems: string[] = []
let adminSecret = ''

beforeAll(async () => {
  requireBuiltRenderer()
  await seedCore(tmp.dir, async (core) => {
    core.settings.update({ faskesName: 'Puskesmas Ledger E2E', kdPPK: KDPPK, ledger: { org: 'Puskesmas' } })
    adminSecret = await createUser(core, ADMIN, 'admin')
  })
  shell = await startShell(tmp.dir)
  ;({ browser, page, problems } = await openPage())
})

afterAll(async () => {
  await closeAll(browser, shell)
  tmp.cleanup()
})

/** What `npm run ledger:register` printed: the one-time id and secret, and each Pengaturan field by its label. */
interface Registration {
  enrollmentId: string
  secret: string
  fields: Record<string, string>
}

/** The org admin's CLI as a process (the way the admin types it); its printed lines parsed. Bounded. */
function register(kdPPK: string): Promise<Registration> {
  return new Promise((resolve, reject) => {
    execFile('npx', ['tsx', 'tools/ledger/admin.ts', 'register', '--org', 'Puskesmas', '--kdppk', kdPPK], { timeout: 90_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`ledger:register failed: ${stderr || err.message}`))
      const value = (label: string) => new RegExp(`^\\s*${label}\\s*: (\\S+)`, 'm').exec(stdout)?.[1] ?? ''
      resolve({
        enrollmentId: value('Enrolment id'),
        secret: value('Enrolment secret'),
        fields: Object.fromEntries(['CA URL', 'CA TLS certificate', 'Peer endpoint', 'Peer TLS CA certificate', 'TLS server name', 'Channel', 'MSP id'].map((l) => [l, value(l)])),
      })
    })
  })
}

// A string expression: this file is type-checked without the DOM lib.
const activeId = (): Promise<string | null> => page.evaluate<string | null>('document.activeElement ? document.activeElement.id : null')

/** Tab until the element with `id` has the focus (at most 40 steps: the Pengaturan page is one column of fields). */
async function tabTo(id: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    if ((await activeId()) === id) return
    await page.keyboard.press('Tab')
  }
  throw new Error(`#${id} not reached by Tab within 40 steps (focus on #${await activeId()})`)
}

/** Replaces the focused field's text by typing (Ctrl+A first); PEM text is pasted (insertText), as an admin would. */
async function typeInto(value: string, paste = false): Promise<void> {
  await page.keyboard.press('Control+A')
  await page.keyboard.press('Delete')
  if (paste) await page.keyboard.insertText(value)
  else await page.keyboard.type(value)
}

const facts = () => page.getByTestId('ledger-identity')

it('enrols the workstation from the ledger fields by keyboard, shows the certificate, refuses a spent secret, flags a changed faskes code (Indonesian and English)', async () => {
  const reg = await register(KDPPK)
  expect(reg.enrollmentId).toMatch(new RegExp(`^ws-${KDPPK.toLowerCase()}-`))
  expect(reg.secret.length).toBeGreaterThan(8)
  const caPem = readFileSync(reg.fields['CA TLS certificate'], 'utf8')
  const peerPem = readFileSync(reg.fields['Peer TLS CA certificate'], 'utf8')

  await page.goto(shell.url, { waitUntil: 'domcontentloaded' })
  await signIn(page, ADMIN.username, ADMIN.password, adminSecret)
  await page.keyboard.press('Alt+4')
  await page.getByRole('heading', { level: 1, name: 'Pengaturan', exact: true }).waitFor()
  await expect.poll(activeId).toBe('f-faskesName')
  await expect.poll(() => facts().innerText()).toMatch(/Belum terdaftar/)

  // The ledger fields in Tab order, each typed (PEM pasted) with what the CLI printed.
  const order: [string, string, boolean][] = [
    ['f-ledger-caUrl', reg.fields['CA URL'], false],
    ['f-ledger-caTlsCaPem', caPem, true],
    ['f-ledger-enrollmentId', reg.enrollmentId, false],
    ['f-ledger-peerEndpoint', reg.fields['Peer endpoint'], false],
    ['f-ledger-peerTlsCaPem', peerPem, true],
    ['f-ledger-tlsServerName', reg.fields['TLS server name'], false],
    ['f-ledger-channel', reg.fields.Channel, false],
    ['f-ledger-mspId', reg.fields['MSP id'], false],
  ]
  await tabTo('f-ledger-org')
  for (const [id, value, paste] of order) {
    await page.keyboard.press('Tab')
    expect(await activeId(), 'Tab order of the ledger section').toBe(id)
    await typeInto(value, paste)
  }
  // Its labels as the admin reads them (Indonesian first).
  for (const label of ['Alamat CA organisasi (https)', 'Sertifikat TLS CA (PEM)', 'ID pendaftaran workstation', 'Sertifikat TLS CA peer (PEM)', 'Nama server TLS peer (opsional)', 'ID MSP']) {
    expect(await page.getByLabel(label, { exact: true }).count(), label).toBe(1)
  }

  // The one-time secret, then Enter: the form above is saved first, then the workstation enrols at the CA.
  await tabTo('f-enrol-secret')
  await page.keyboard.type(reg.secret)
  await page.keyboard.press('Enter')
  await page.getByText('Workstation terdaftar.').waitFor({ timeout: 30_000 })
  const shown = await facts().innerText()
  for (const fact of [reg.enrollmentId, KDPPK, 'workstation', 'PuskesmasMSP', 'Berlaku sampai', 'Keychain sistem operasi']) expect(shown, fact).toContain(fact)
  await page.screenshot({ path: join(shots, 'ledger-enrolled-id.png'), fullPage: true })
  const stored = shell.core.settings.get().ledger
  expect(stored).toMatchObject({ caUrl: reg.fields['CA URL'], peerEndpoint: reg.fields['Peer endpoint'], tlsServerName: reg.fields['TLS server name'], mspId: 'PuskesmasMSP', enrollmentId: reg.enrollmentId })
  expect(stored.identity).toMatchObject({ kind: 'software', enrollmentId: reg.enrollmentId, kdPPK: KDPPK, role: 'workstation', demo: false })
  // The secret is spent and gone from the page.
  expect(await page.locator('#f-enrol-secret').inputValue()).toBe('')

  // The same secret again: the CA refuses it, and the admin reads why in staff words; the identity stays as it was.
  await page.locator('#f-enrol-secret').focus()
  await page.keyboard.type(reg.secret)
  await page.keyboard.press('Enter')
  await page.getByText('kode itu sudah pernah dipakai (kode hanya berlaku sekali)', { exact: false }).first().waitFor({ timeout: 30_000 })
  expect(shell.core.settings.get().ledger.identity).toMatchObject({ enrollmentId: reg.enrollmentId, kdPPK: KDPPK })

  // The faskes code changed after enrolment: flagged beside the certificate's facts.
  const second = freshKdPPK()
  await page.locator('#f-kdPPK').focus()
  await typeInto(second)
  await page.keyboard.press('Enter')
  await page.getByText('Pengaturan tersimpan.').waitFor()
  const warning = page.getByTestId('ledger-kdppk-mismatch')
  await expect.poll(() => warning.innerText()).toBe(`Sertifikat workstation untuk kode faskes ${KDPPK}, Pengaturan menyebut ${second}: ledger tidak dikirim sampai workstation didaftarkan ulang untuk ${second}.`)
  expect(await warning.getAttribute('role')).toBe('alert')

  // English: the same section, the same facts and refusals in English.
  await page.getByRole('radio', { name: 'English' }).focus()
  await page.keyboard.press('Space')
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en')
  for (const label of ['Organization CA address (https)', 'CA TLS certificate (PEM)', 'Workstation enrolment id', 'Peer gateway address (host:port)', 'Peer TLS CA certificate (PEM)', 'Peer TLS server name (optional)', 'MSP id']) {
    expect(await page.getByLabel(label, { exact: true }).count(), label).toBe(1)
  }
  await expect.poll(() => facts().innerText()).toMatch(/Valid until/)
  expect(await facts().innerText()).toContain('Operating system keychain')
  await expect.poll(() => warning.innerText()).toBe(`The workstation's certificate is for faskes code ${KDPPK}, Settings say ${second}: nothing goes to the ledger until the workstation is enrolled again for ${second}.`)
  await page.locator('#f-enrol-secret').focus()
  await page.keyboard.type(reg.secret)
  await page.keyboard.press('Enter')
  await page.getByText('a secret that was already used (it works only once)', { exact: false }).first().waitFor({ timeout: 30_000 })

  // Enrolled again for the new code (a new id and secret from the org admin): the warning goes.
  const again = await register(second)
  await page.locator('#f-ledger-enrollmentId').focus()
  await typeInto(again.enrollmentId)
  // The refused secret is still in its field (the admin may correct a typo): replaced, not appended to.
  await page.locator('#f-enrol-secret').focus()
  await typeInto(again.secret)
  await page.keyboard.press('Enter')
  await page.getByText('Workstation enrolled.').waitFor({ timeout: 30_000 })
  await expect.poll(() => warning.count()).toBe(0)
  expect(await facts().innerText()).toContain(second)
  expect(shell.core.settings.get().ledger.identity).toMatchObject({ enrollmentId: again.enrollmentId, kdPPK: second })
  await page.screenshot({ path: join(shots, 'ledger-enrolled-en.png'), fullPage: true })

  // Back to Indonesian for whoever uses this profile next; nothing went wrong in the browser on the way.
  await page.getByRole('radio', { name: 'Bahasa Indonesia' }).focus()
  await page.keyboard.press('Space')
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('id')
  expect(problems).toEqual([])
})
