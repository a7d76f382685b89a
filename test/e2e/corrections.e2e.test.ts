import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { RegistrationInput } from '../../electron/contract'
import { recordExamination, registerVisit } from '../../electron/core/clinic'
import type { BrowserShell } from '../../tools/browser-shell/server'
import { DOKTER } from '../../tools/pcare-sim/seed'
import { startSimulator, type Simulator } from '../../tools/pcare-sim/server'
import { examinationInput } from '../helpers/clinic'
import { tempDir } from '../helpers/tmp'
import { demoRemotes, freshKdPPK } from '../sync/harness'
import { signIn, signOut } from './session'
import { type BrowserPage, type DemoPeserta, closeAll, createUser, demoPeserta, FAST_ENGINE, openPage, quiet, refreshFromSimulator, requireBuiltRenderer, shots, startShell } from './workstation'

/**
 * Corrections in Chromium (issue 12, Deliver 3): the counter cancels a registration PCare already has, from today's
 * list, with a reason, by keyboard, and the simulator sees DELETE pendaftaran and antrean/batal; the clinician reopens
 * an examination whose kunjungan PCare has, changes it, gives the reason, and the simulator's kunjungan is replaced by
 * the PUT. Browser shell + real sync engine + PCare simulator + Debian Chromium; SQLite in a temp dir.
 */
// The file's cards carry their NIK as noKTP (an Antrean add needs it).
const [A, B] = (demoPeserta() as (DemoPeserta & { noKTP: string })[]).filter((p) => p.aktif)
const COUNTER = { username: 'loket.koreksi', password: 'kata-sandi-loket-koreksi' }
const CLINICIAN = { username: 'dokter.koreksi', password: 'kata-sandi-dokter-koreksi' }

const tmp = tempDir('faskes-e2e-corrections-')
let sim: Simulator
let shell: BrowserShell
let browser: BrowserPage['browser']
let page: Page
let problems: string[] = []
const noRawat = { cancel: '', edit: '' }

beforeAll(async () => {
  requireBuiltRenderer()
  sim = await startSimulator({ port: 0, logger: quiet })
  shell = await startShell(tmp.dir, demoRemotes(sim), FAST_ENGINE)
  const core = shell.core
  core.settings.update({ faskesName: 'Puskesmas Koreksi E2E', kdPPK: freshKdPPK() })
  await refreshFromSimulator(core.db, sim)
  await createUser(core, COUNTER, 'counter')
  await createUser(core, CLINICIAN, 'clinician')
  const addPatient = core.db.prepare(`INSERT INTO patients (no_kartu, nik, nama, kd_provider, aktif, updated_at) VALUES (?, ?, ?, '0199B001', 1, ?)`)
  for (const p of [A, B]) addPatient.run(p.noKartu, p.noKTP, p.nama, Date.now())
  const kdDokter = DOKTER[0]!.kdDokter
  const reg = (noKartu: string, antrean: boolean) =>
    registerVisit(core.db, core.settings.get(), RegistrationInput.parse({ noKartu, kdPoli: '001', nmPoli: 'UMUM', kdDokter, kunjSakit: true, keluhan: 'demam', antrean }), { userId: 'loket1' }).noRawat
  noRawat.cancel = reg(A.noKartu, true)
  noRawat.edit = reg(B.noKartu, false)
  recordExamination(core.db, core.settings.get(), examinationInput(noRawat.edit, { kdDokter, diagnoses: [{ kdDiag: 'A09', nmDiag: 'Diare' }], terapiObat: 'oralit' }), { userId: CLINICIAN.username })
  core.engine!.kick()
  ;({ browser, page, problems } = await openPage())
}, 90_000)

afterAll(async () => {
  await closeAll(browser, shell, sim)
  tmp.cleanup()
})

/** The job's status in the workstation's outbox (the sync engine sends in the background). */
const jobStatus = (operation: string, chain: string) =>
  (shell.core.db.prepare('SELECT status FROM outbox WHERE operation = ? AND chain_key = ?').get(operation, chain) as { status: string } | undefined)?.status

it('the counter cancels a sent registration from today\'s list by keyboard, with a reason: PCare and Mobile JKN are told', async () => {
  await expect.poll(() => jobStatus('antrean.add', `antrean:${noRawat.cancel}`), { timeout: 20_000 }).toBe('done')
  await page.goto(shell.url, { waitUntil: 'domcontentloaded' })
  await signIn(page, COUNTER.username, COUNTER.password)
  await page.getByRole('heading', { level: 1, name: 'Pendaftaran', exact: true }).waitFor()

  const cancel = page.getByRole('button', { name: `Batalkan pendaftaran ${noRawat.cancel}` })
  await cancel.focus()
  await page.keyboard.press('Enter')
  const dialog = page.getByTestId('reason-dialog')
  await dialog.getByRole('heading', { name: `Batalkan pendaftaran ${noRawat.cancel}` }).waitFor()
  // Focus starts in the reason; the confirmation waits for one.
  await expect.poll(() => page.evaluate<string | undefined>('document.activeElement?.id')).toBe('correction-reason')
  expect(await dialog.getByRole('button', { name: 'Ya, batalkan pendaftaran' }).isDisabled()).toBe(true)
  await page.keyboard.type('pasien pulang sebelum diperiksa')
  await page.screenshot({ path: `${shots}/corrections-cancel-dialog.png` })
  await page.keyboard.press('Enter')
  await page.getByTestId('cancel-done').waitFor()
  expect(await dialog.count()).toBe(0)
  await expect.poll(() => page.locator(`tr[data-no-rawat="${noRawat.cancel}"]`).innerText()).toContain('batal')

  await expect.poll(() => jobStatus('pendaftaran.delete', `pcare:${noRawat.cancel}`), { timeout: 20_000 }).toBe('done')
  await expect.poll(() => jobStatus('antrean.batal', `antrean:${noRawat.cancel}`), { timeout: 20_000 }).toBe('done')
  expect(sim.state().pendaftaran.filter((p) => p.noKartu === A.noKartu)).toEqual([])
  expect(sim.state().antrean.filter((a) => a.nomorkartu === A.noKartu).map((a) => a.status)).toEqual(['batal'])
  const history = shell.core.db.prepare('SELECT kind, reason, created_by AS by FROM corrections WHERE no_rawat = ?').all(noRawat.cancel)
  expect(history).toEqual([{ kind: 'cancel_registration', reason: 'pasien pulang sebelum diperiksa', by: COUNTER.username }])
  await signOut(page)
})

it('the clinician edits an examination PCare already has: the form reopens with what was saved, and the PUT replaces the kunjungan', async () => {
  await expect.poll(() => jobStatus('kunjungan.add', `pcare:${noRawat.edit}`), { timeout: 20_000 }).toBe('done')
  await signIn(page, CLINICIAN.username, CLINICIAN.password)
  await page.keyboard.press('Alt+2')
  await page.getByRole('button', { name: new RegExp(`^${B.nama}`) }).click()
  await page.getByTestId('examined-card').waitFor()
  await page.getByRole('button', { name: 'Ubah pemeriksaan' }).click()
  await page.getByTestId('exam-editing').waitFor()
  expect(await page.locator('#ex-terapi').inputValue()).toBe('oralit')
  await page.locator('#ex-terapi').fill('oralit dan zinc 1x20 mg')
  // Tindakan, obat, referral and claim are not offered: a correction keeps them.
  expect(await page.locator('#ex-claim').count()).toBe(0)
  const save = page.getByRole('button', { name: 'Simpan perubahan…' })
  await save.focus()
  await page.keyboard.press('Enter')
  await page.getByTestId('reason-dialog').waitFor()
  await page.keyboard.type('zinc lupa ditulis')
  await page.keyboard.press('Enter')
  await page.getByText(`Perubahan pemeriksaan ${noRawat.edit} tersimpan`).waitFor()
  await page.getByTestId('correction-history').waitFor()
  expect(await page.getByTestId('correction-history').innerText()).toContain('zinc lupa ditulis')
  await page.screenshot({ path: `${shots}/corrections-edited.png` })

  await expect.poll(() => jobStatus('kunjungan.edit', `pcare:${noRawat.edit}`), { timeout: 20_000 }).toBe('done')
  const kunjungan = sim.state().kunjungan.filter((k) => k.noKartu === B.noKartu)
  expect(kunjungan).toHaveLength(1)
  expect(kunjungan[0].body).toMatchObject({ noKunjungan: kunjungan[0].noKunjungan, terapiObat: 'oralit dan zinc 1x20 mg' })
  expect(problems).toEqual([])
})
