import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { RegistrationInput } from '../../electron/contract'
import { registerVisit } from '../../electron/core/clinic'
import { refreshReferenceData, searchDiagnosa } from '../../electron/core/reference'
import type { BrowserShell } from '../../tools/browser-shell/server'
import { DOKTER } from '../../tools/pcare-sim/seed'
import { startSimulator, type Simulator } from '../../tools/pcare-sim/server'
import { tempDir } from '../helpers/tmp'
import { demoRemotes, freshKdPPK } from '../sync/harness'
import { signIn } from './session'
import { type BrowserPage, closeAll, createUser, demoPeserta, openPage, requireBuiltRenderer, shots, startShell } from './workstation'

/**
 * Clinical input (issue 10, items 3 and 5) as a clinician meets it in Chromium: Indonesian diagnosis search
 * ("hipertensi", "ISPA", "Tidak ditemukan" for nonsense), the bad vital signs refused with messages that name
 * the field and clear once the value is right, and a 3.2 kg baby saved at KIA and sent to the PCare simulator in the
 * form PCare takes. Browser shell + real sync engine + PCare simulator + Debian Chromium; SQLite in a temp dir.
 */
const peserta = demoPeserta()
const [adult, baby, third] = peserta.filter((p) => p.aktif)
const CLINICIAN = { username: 'dokter.klinis', password: 'kata-sandi-dokter-klinis' }

const tmp = tempDir('faskes-e2e-clinical-')
let sim: Simulator
let shell: BrowserShell
let browser: BrowserPage['browser']
let page: Page
let problems: string[] = []
const noRawat = { adult: '', baby: '', third: '' }

beforeAll(async () => {
  requireBuiltRenderer()
  sim = await startSimulator({ port: 0 })
  shell = await startShell(tmp.dir, demoRemotes(sim))
  // The counter's part, done through core: reference lists from the simulator, a clinician, two checked cards
  // registered today (an adult at UMUM with the doctor chosen at the counter, a baby at KIA).
  const core = shell.core
  core.settings.update({ faskesName: 'Puskesmas Klinis E2E', kdPPK: freshKdPPK() })
  await refreshReferenceData(core.db, await core.engine!.pcareClient())
  await createUser(core, CLINICIAN, 'clinician')
  const addPatient = core.db.prepare(`INSERT INTO patients (no_kartu, nama, kd_provider, aktif, updated_at) VALUES (?, ?, '0199B001', 1, ?)`)
  for (const p of [adult, baby, third]) addPatient.run(p.noKartu, p.nama, Date.now())
  const reg = (noKartu: string, kdPoli: string, nmPoli: string, kdDokter?: string) =>
    registerVisit(core.db, core.settings.get(), RegistrationInput.parse({ noKartu, kdPoli, nmPoli, kdDokter, kunjSakit: true, keluhan: 'kontrol' }), { userId: 'loket1' }).noRawat
  noRawat.adult = reg(adult.noKartu, '001', 'UMUM', DOKTER[0]!.kdDokter)
  // KIA's doctor is left to the clinician, who picks from the poli's schedule.
  noRawat.baby = reg(baby.noKartu, '003', 'KIA')
  noRawat.third = reg(third.noKartu, '001', 'UMUM', DOKTER[0]!.kdDokter)
  ;({ browser, page, problems } = await openPage())
}, 60_000)

afterAll(async () => {
  await closeAll(browser, shell, sim)
  tmp.cleanup()
})

const vitalError = (k: string) => page.locator(`#ex-${k}-error`)
/** Types into a vital field and leaves it with Tab, as a clinician moves through the form. */
async function typeVital(k: string, v: string) {
  await page.locator(`#ex-${k}`).fill(v)
  await page.locator(`#ex-${k}`).press('Tab')
}
/** Searches the diagnosis field; returns the options' texts once the answer (or "not found") is shown. */
async function search(q: string): Promise<string[]> {
  await page.locator('#ex-diag').fill(q)
  await page.locator('#diag-list [role=option], [data-testid=diag-not-found]').first().waitFor()
  return page.locator('#diag-list [role=option]').allInnerTexts()
}

async function openPatient(nama: string, no: string) {
  await page.getByRole('button', { name: new RegExp(`^${nama}`) }).click()
  await page.getByRole('heading', { name: `Pemeriksaan ${nama} (${no})` }).waitFor()
}

it('finds "hipertensi" and "ISPA" in Indonesian, and says "Tidak ditemukan" for nonsense', async () => {
  await page.goto(shell.url, { waitUntil: 'domcontentloaded' })
  await signIn(page, CLINICIAN.username, CLINICIAN.password)
  await page.keyboard.press('Alt+2')
  await page.getByRole('heading', { level: 1, name: 'Pemeriksaan', exact: true }).waitFor()
  await openPatient(adult.nama, noRawat.adult)

  // PCare's English name, with the Indonesian term that found it.
  expect((await search('hipertensi'))[0]).toMatch(/^I10\b.*hypertension.*· hipertensi$/i)
  await page.locator('#ex-diag').press('Enter')
  await expect.poll(() => page.getByTestId('diagnosis').first().innerText()).toMatch(/^I10\b/)

  expect((await search('ISPA'))[0]).toMatch(/^J06\.9\b.*· ispa$/)
  await page.locator('#diag-list').scrollIntoViewIfNeeded()
  await page.screenshot({ path: join(shots, 'clinical-0-diagnosa.png') })
  await page.locator('#ex-diag').press('Enter')
  await expect.poll(() => page.getByTestId('diagnosis').allInnerTexts()).toEqual([expect.stringMatching(/^I10/), expect.stringMatching(/^J06\.9/)])

  expect(await search('qwxzq')).toEqual([])
  expect(await page.getByTestId('diag-not-found').innerText()).toContain('Tidak ditemukan')
  await page.getByTestId('diag-not-found').scrollIntoViewIfNeeded()
  await page.screenshot({ path: join(shots, 'clinical-0-not-found.png') })
  // Enter on "not found" neither adds anything nor submits the form; Escape clears the search.
  await page.locator('#ex-diag').press('Enter')
  await page.locator('#ex-diag').press('Escape')
  expect(await page.locator('#ex-diag').inputValue()).toBe('')
  expect(await page.getByTestId('diag-not-found').count()).toBe(0)
  expect(await page.getByTestId('diagnosis').count()).toBe(2)
  expect(await page.getByTestId('exam-saved').count()).toBe(0)
})

it("refuses the issue's vital signs with messages naming the field, which clear when fixed; then saves", async () => {
  // Poli umum: adult ranges, no KIA note.
  expect(await page.getByTestId('vitals-kia').count()).toBe(0)
  for (const suhu of ['98.6', '45.5', '25']) {
    await typeVital('suhu', suhu)
    await expect.poll(() => vitalError('suhu').innerText()).toBe('Suhu: isi 34–42 °C, paling banyak satu desimal (mis. 36,5).')
    expect(await page.locator('#ex-suhu').getAttribute('aria-invalid')).toBe('true')
  }
  // Cleared while typing, before leaving the field.
  await page.locator('#ex-suhu').fill('36,5')
  await expect.poll(() => vitalError('suhu').count()).toBe(0)

  await typeVital('sistole', '120')
  await typeVital('diastole', '130')
  await expect.poll(() => vitalError('diastole').innerText()).toBe('Diastole harus lebih rendah dari sistole.')
  await page.locator('#ex-diastole').fill('80')
  await expect.poll(() => vitalError('diastole').count()).toBe(0)

  // A comma decimal is a weight, not "expected number, received null".
  await typeVital('beratBadan', '60,5')
  expect(await vitalError('beratBadan').count()).toBe(0)

  // Saving with the rest empty: each empty field says what it needs, nothing is sent.
  await page.getByRole('button', { name: 'Simpan pemeriksaan' }).click()
  await expect.poll(() => vitalError('tinggiBadan').innerText()).toBe('Tinggi badan: isi bilangan bulat 60–250 cm.')
  expect(await vitalError('heartRate').innerText()).toBe('Denyut nadi: isi bilangan bulat 35–180 per menit.')
  // The first wrong field has the focus.
  expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('ex-tinggiBadan')
  await page.screenshot({ path: join(shots, 'clinical-1-vitals.png') })
  const body = await page.locator('body').innerText()
  expect(body).not.toMatch(/Invalid input|Too small|expected (number|string)/)

  for (const [k, v] of [['tinggiBadan', '165'], ['lingkarPerut', '80'], ['respRate', '18'], ['heartRate', '84']]) await typeVital(k, v)
  await expect.poll(() => page.locator('.vitals .field-error').count()).toBe(0)
  // Allergies and prognosis are the clinician's explicit answers (issue 12): none known, and a good prognosis.
  await page.getByRole('button', { name: 'Tidak ada alergi (ketiganya)' }).click()
  await page.locator('#ex-prognosa').selectOption({ label: 'Bonam (Baik)' })
  const started = performance.now()
  await page.getByRole('button', { name: 'Simpan pemeriksaan' }).click()
  await page.getByTestId('exam-saved').waitFor()
  console.log(`e2e: examination save click → saved shown ${(performance.now() - started).toFixed(0)} ms`)
  const exam = JSON.parse((shell.core.db.prepare('SELECT data FROM examinations WHERE no_rawat = ?').get(noRawat.adult) as { data: string }).data)
  expect(exam.vitals).toEqual({ sistole: 120, diastole: 80, beratBadan: 60.5, tinggiBadan: 165, lingkarPerut: 80, respRate: 18, heartRate: 84, suhu: '36.5' })
})

it('saves a 3.2 kg baby at KIA; PCare receives 3.2 kg, its decimal kept; the clinician\'s picks lead their next search', async () => {
  await openPatient(baby.nama, noRawat.baby)
  expect(await page.getByTestId('vitals-kia').innerText()).toContain('bayi baru lahir')
  // The adult range would refuse a newborn; KIA's accepts one.
  for (const [k, v] of [['sistole', '75'], ['diastole', '45'], ['beratBadan', '3,2'], ['tinggiBadan', '50'], ['lingkarPerut', '33'], ['respRate', '48'], ['heartRate', '142'], ['suhu', '36,8']]) await typeVital(k, v)
  expect(await page.locator('.vitals .field-error').count()).toBe(0)
  await page.locator('#ex-dokter').selectOption({ index: 1 })
  // "demam" is R50.9 for anyone; this clinician's pick of I10 does not match it and so changes nothing here.
  expect((await search('demam'))[0]).toMatch(/^R50\.9\b/)
  await page.locator('#ex-diag').press('Enter')
  // Allergies and prognosis are the clinician's explicit answers (issue 12): none known, and a good prognosis.
  await page.getByRole('button', { name: 'Tidak ada alergi (ketiganya)' }).click()
  await page.locator('#ex-prognosa').selectOption({ label: 'Bonam (Baik)' })
  const started = performance.now()
  await page.getByRole('button', { name: 'Simpan pemeriksaan' }).click()
  await page.locator('[data-testid=exam-saved], .exam-form [role=alert]').first().waitFor()
  expect(await page.locator('.exam-form [role=alert]').allInnerTexts()).toEqual([])
  console.log(`e2e: examination save (KIA baby) click → saved shown ${(performance.now() - started).toFixed(0)} ms`)
  await page.screenshot({ path: join(shots, 'clinical-2-bayi.png') })

  const exam = JSON.parse((shell.core.db.prepare('SELECT data FROM examinations WHERE no_rawat = ?').get(noRawat.baby) as { data: string }).data)
  expect(exam.vitals.beratBadan).toBe(3.2)
  // The simulator validates the kunjungan's field types: it accepted the baby's visit with beratBadan 3.2 (issue 12 g).
  await expect
    .poll(() => sim.state().kunjungan.find((k) => k.noKartu === baby.noKartu)?.body.beratBadan, { timeout: 30_000 })
    .toBe(3.2)
  expect(sim.state().kunjungan.find((k) => k.noKartu === baby.noKartu)?.body.suhu).toBe('36.8')

  // Picks are per clinician: I10 and J06.9 and R50.9 were recorded for this user only.
  expect(shell.core.db.prepare('SELECT user_id, kd_diag FROM diagnosa_picks ORDER BY kd_diag').all()).toEqual([
    { user_id: CLINICIAN.username, kd_diag: 'I10' },
    { user_id: CLINICIAN.username, kd_diag: 'J06.9' },
    { user_id: CLINICIAN.username, kd_diag: 'R50.9' },
  ])
  // In the page, as this clinician: "J0" lists their J06.9 first; for nobody in particular J00 (shortest code) leads.
  const mine = await page.evaluate<string[]>(
    "window.faskes.invoke('reference.diagnosa', { q: 'J0', limit: 3 }).then((r) => (r.ok ? r.value.map((h) => h.kdDiag) : []))",
  )
  expect(mine[0]).toBe('J06.9')
  expect(searchDiagnosa(shell.core.db, 'J0', 3)[0]!.kdDiag).toBe('J00')
  expect(problems).toEqual([])
})

it('in English, the same rules speak English: vital-sign messages and "Not found"', async () => {
  shell.core.settings.update({ locale: 'en' })
  await page.reload({ waitUntil: 'domcontentloaded' })
  await page.getByRole('heading', { level: 1, name: 'Examination', exact: true }).waitFor()
  await page.getByRole('button', { name: new RegExp(`^${third.nama}`) }).click()
  await page.getByRole('heading', { name: `Examination of ${third.nama} (${noRawat.third})` }).waitFor()
  await typeVital('suhu', '98.6')
  await expect.poll(() => vitalError('suhu').innerText()).toBe('Temperature: enter 34–42 °C, at most one decimal (e.g. 36.5).')
  await typeVital('sistole', '120')
  await typeVital('diastole', '130')
  await expect.poll(() => vitalError('diastole').innerText()).toBe('Diastolic must be lower than systolic.')
  await page.locator('#ex-diastole').fill('80')
  await expect.poll(() => vitalError('diastole').count()).toBe(0)
  expect(await search('qwxzq')).toEqual([])
  expect(await page.getByTestId('diag-not-found').innerText()).toContain('Not found')
  expect(await page.locator('body').innerText()).not.toMatch(/Invalid input|Too small|expected (number|string)/)
  expect(problems).toEqual([])
})
