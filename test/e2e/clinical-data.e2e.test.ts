import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { RegistrationInput } from '../../electron/contract'
import { registerVisit } from '../../electron/core/clinic'
import type { BrowserShell } from '../../tools/browser-shell/server'
import { ALERGI } from '../../tools/pcare-sim/seed'
import { startSimulator, type Simulator } from '../../tools/pcare-sim/server'
import { tempDir } from '../helpers/tmp'
import { demoRemotes, freshKdPPK } from '../sync/harness'
import { signIn } from './session'
import { type BrowserPage, closeAll, createUser, demoPeserta, openPage, refreshFromSimulator, requireBuiltRenderer, seedCore, shots, startShell } from './workstation'

/**
 * What PCare's kunjungan/V1 needs from the examination form (issue 12, Deliver 2 and 4): allergies (makanan, udara,
 * obat) and prognosis chosen from PCare's cached lists, required and never defaulted; an internal referral to
 * another poli; the result (hasil) of a tindakan PCare marks withValue. The clinician fills them in Chromium, the real
 * sync engine sends the visit, and the PCare simulator (which checks each code against its own lists) holds the
 * values chosen, not the "00"/"01" every visit carried before.
 */
const [patient, second, third] = demoPeserta().filter((p) => p.aktif)
const CLINICIAN = { username: 'dokter.data', password: 'kata-sandi-dokter-data' }

const tmp = tempDir('faskes-e2e-clinical-data-')
let sim: Simulator
let shell: BrowserShell
let browser: BrowserPage['browser']
let page: Page
let problems: string[] = []
const noRawat = { first: '', second: '', third: '' }

beforeAll(async () => {
  requireBuiltRenderer()
  sim = await startSimulator({ port: 0 })
  // The counter's part, through core: the reference lists from PCare (the simulator), two adults registered at poli umum.
  await seedCore(tmp.dir, async (core) => {
    core.settings.update({ faskesName: 'Puskesmas Data Klinis', kdPPK: freshKdPPK() })
    await createUser(core, CLINICIAN, 'clinician')
    await refreshFromSimulator(core.db, sim, { headersMs: 2000, totalMs: 4000 })
    const add = core.db.prepare(`INSERT OR REPLACE INTO patients (no_kartu, nama, kd_provider, aktif, updated_at) VALUES (?, ?, '0199B001', 1, ?)`)
    const reg = (p: typeof patient) => {
      add.run(p!.noKartu, p!.nama, Date.now())
      return registerVisit(core.db, core.settings.get(), RegistrationInput.parse({ noKartu: p!.noKartu, kdPoli: '001', nmPoli: 'UMUM', kdDokter: '131491', kunjSakit: true, keluhan: 'gatal setelah makan udang' }), { userId: 'loket1' }).noRawat
    }
    noRawat.first = reg(patient)
    noRawat.second = reg(second)
    noRawat.third = reg(third)
  })
  shell = await startShell(tmp.dir, demoRemotes(sim))
  ;({ browser, page, problems } = await openPage())
}, 90_000)

afterAll(async () => {
  await closeAll(browser, shell, sim)
  tmp.cleanup()
})

const activeId = () => page.evaluate<string | null>('document.activeElement ? document.activeElement.id : null')
const fieldError = (id: string) => page.locator(`#${id}-error`)
const save = () => page.getByRole('button', { name: 'Simpan pemeriksaan' }).click()

/** Vitals (a decimal weight typed with a comma) and one diagnosis by code, with Enter. */
async function fillVitalsAndDiagnosis() {
  const vitals: Record<string, string> = { sistole: '118', diastole: '76', beratBadan: '60,5', tinggiBadan: '160', lingkarPerut: '78', respRate: '18', heartRate: '82', suhu: '36,7' }
  for (const [k, v] of Object.entries(vitals)) await page.locator(`#ex-${k}`).fill(v)
  await page.locator('#ex-diag').fill('T78.4')
  await page.locator('#diag-list [role=option]').first().waitFor()
  await page.keyboard.press('Enter')
  await page.getByTestId('diagnosis').first().waitFor()
}

async function openPatient(nama: string, no: string) {
  await page.getByRole('button', { name: new RegExp(`^${nama}`) }).click()
  await page.getByRole('heading', { name: `Pemeriksaan ${nama} (${no})` }).waitFor()
}

it('asks allergies and prognosis with no default: a save without them marks each, in plain words, and sends nothing', async () => {
  await page.goto(shell.url, { waitUntil: 'domcontentloaded' })
  await signIn(page, CLINICIAN.username, CLINICIAN.password)
  await page.getByRole('link', { name: 'Pemeriksaan' }).click()
  await openPatient(patient!.nama, noRawat.first)

  // PCare's lists, as cached: each allergy select offers the simulator's entries after an explicit "— pilih —".
  const makan = page.getByLabel('Alergi makanan', { exact: true })
  expect(await makan.inputValue()).toBe('')
  expect(await makan.locator('option').allInnerTexts()).toEqual(['— pilih —', ...ALERGI['01'].map((a) => a.nmAlergi)])
  expect(await page.getByLabel('Prognosis', { exact: true }).inputValue()).toBe('')

  await fillVitalsAndDiagnosis()
  await save()
  for (const id of ['ex-alergiMakan', 'ex-alergiUdara', 'ex-alergiObat']) {
    await expect.poll(() => fieldError(id).innerText()).toBe('Pilih dari daftar; “Tidak Ada” bila tidak ada alergi.')
  }
  expect(await fieldError('ex-prognosa').innerText()).toBe('Pilih prognosis.')
  // The first marked field takes the keyboard; nothing reached core.
  await expect.poll(() => activeId()).toBe('ex-alergiMakan')
  expect(await page.getByTestId('exam-saved').count()).toBe(0)
  expect(shell.core.db.prepare('SELECT count(*) AS n FROM examinations').get()).toEqual({ n: 0 })
  await page.screenshot({ path: join(shots, 'clinical-data-1-required.png'), fullPage: true })

  // "Tidak ada alergi" answers all three from the keyboard; each mark goes as its answer is given.
  await page.getByRole('button', { name: 'Tidak ada alergi (ketiganya)' }).focus()
  await page.keyboard.press('Enter')
  expect([await makan.inputValue(), await page.locator('#ex-alergiUdara').inputValue(), await page.locator('#ex-alergiObat').inputValue()]).toEqual(['00', '00', '00'])
  await expect.poll(() => page.locator('.field-error').count()).toBe(1)
  // The next field in tab order after the button is the first allergy.
  await page.keyboard.press('Tab')
  expect(await activeId()).toBe('ex-alergiMakan')
})

it('a visit with a food and a drug allergy, prognosis, an internal referral and a withValue tindakan reaches PCare with those values', async () => {
  // This patient reacts to seafood and penicillin; no airborne allergy.
  await page.locator('#ex-alergiMakan').selectOption({ label: 'Seafood' })
  await page.locator('#ex-alergiObat').selectOption({ label: 'Penisilin' })
  await page.locator('#ex-prognosa').selectOption({ label: 'Bonam (Baik)' })
  await expect.poll(() => page.locator('.field-error').count()).toBe(0)

  // Internal referral to the dental poli: the visit's own poli is not offered; its poli is required once ticked.
  await page.getByLabel('Rujuk internal ke poli lain di faskes ini').check()
  const internal = page.locator('#ex-poliInternal')
  const offered = await internal.locator('option').allInnerTexts()
  expect(offered).toContain('GIGI & MULUT (002)')
  expect(offered.some((o) => o.startsWith('UMUM'))).toBe(false)
  expect(await page.locator('#ex-pulang').inputValue()).toBe('3')
  await save()
  await expect.poll(() => fieldError('ex-poliInternal').innerText()).toBe('Pilih poli tujuan rujukan internal.')
  await internal.selectOption('002')

  // A tindakan PCare marks withValue: without its result core refuses, at the line's own field.
  await page.getByRole('combobox', { name: 'Cari tindakan (nama atau kode)' }).focus()
  await page.keyboard.type('gula')
  await page.getByRole('option', { name: /Pemeriksaan gula darah sewaktu/ }).waitFor()
  await page.keyboard.press('Enter')
  await page.getByLabel('Hasil (angka)', { exact: true }).waitFor()
  await save()
  const hasilError = fieldError('tdk-hasil-0')
  await expect.poll(() => hasilError.innerText().catch(() => ''), { timeout: 10_000 }).not.toBe('')
  // The refusal's summary links the line's field by its label.
  expect(await page.getByTestId('form-errors').getByRole('button', { name: 'Hasil (angka)' }).count()).toBe(1)
  expect(await page.locator('#tdk-hasil-0').getAttribute('aria-invalid')).toBe('true')
  expect(await page.getByTestId('exam-saved').count()).toBe(0)
  await page.locator('#tdk-hasil-0').fill('142')
  // Corrected, the field leaves the summary as its own error line does (the summary goes when nothing named is left).
  await expect.poll(() => page.getByTestId('form-errors').getByRole('button', { name: 'Hasil (angka)' }).count()).toBe(0)
  expect(await page.locator('#tdk-hasil-0').getAttribute('aria-invalid')).toBe('false')
  await page.screenshot({ path: join(shots, 'clinical-data-2-filled.png'), fullPage: true })
  await save()
  await page.getByTestId('exam-saved').waitFor()

  // The engine sends the kunjungan, then the tindakan; the simulator checked every code against its lists.
  const kunjungan = () => sim.state().kunjungan.find((k) => k.noKartu === patient!.noKartu)?.body
  await expect.poll(() => kunjungan()?.kdPrognosa, { timeout: 30_000 }).toBe('02')
  expect(kunjungan()).toMatchObject({ alergiMakan: '01', alergiUdara: '00', alergiObat: '01', kdPrognosa: '02', kdPoliRujukInternal: '002', kdStatusPulang: '3' })
  await expect.poll(() => sim.state().tindakan.find((x) => x.body.kdTindakan === '10001')?.body.hasil, { timeout: 30_000 }).toBe(142)
  // The local record keeps the weight as typed, with its decimal.
  const exam = JSON.parse((shell.core.db.prepare('SELECT data FROM examinations WHERE no_rawat = ?').get(noRawat.first) as { data: string }).data)
  expect(exam).toMatchObject({ alergiMakan: '01', alergiUdara: '00', alergiObat: '01', kdPrognosa: '02', kdPoliRujukInternal: '002' })
  expect(exam.vitals.beratBadan).toBe(60.5)
  // PCare takes the weight with its decimal (issue 12 g), typed with a comma.
  expect(kunjungan()?.beratBadan).toBe(60.5)
  expect(problems).toEqual([])
})

it('in English the same questions speak English, and a visit without a referral sends kdPoliRujukInternal null', async () => {
  shell.core.settings.update({ locale: 'en' })
  await page.reload({ waitUntil: 'domcontentloaded' })
  await page.getByRole('heading', { level: 1, name: 'Examination', exact: true }).waitFor()
  await page.getByRole('button', { name: new RegExp(`^${second!.nama}`) }).click()
  await page.getByRole('heading', { name: `Examination of ${second!.nama} (${noRawat.second})` }).waitFor()
  expect(await page.getByLabel('Food allergy', { exact: true }).locator('option').first().innerText()).toBe('— choose —')
  await page.getByLabel('Airborne allergy', { exact: true }).waitFor()
  await page.getByLabel('Drug allergy', { exact: true }).waitFor()
  await page.getByRole('button', { name: 'No allergy (all three)' }).click()
  await page.getByLabel('Prognosis', { exact: true }).selectOption({ label: 'Sanam (Sembuh)' })
  await page.getByRole('button', { name: /^Save examination/ }).click()
  // Vitals were left empty: the save is stopped at them, and no allergy or prognosis mark remains.
  await expect.poll(() => page.locator('.vitals .field-error').count()).toBeGreaterThan(0)
  expect(await page.locator('#ex-alergiMakan-error, #ex-prognosa-error').count()).toBe(0)
  const vitals: Record<string, string> = { sistole: '110', diastole: '70', beratBadan: '52.5', tinggiBadan: '155', lingkarPerut: '70', respRate: '16', heartRate: '76', suhu: '36.6' }
  for (const [k, v] of Object.entries(vitals)) await page.locator(`#ex-${k}`).fill(v)
  await page.locator('#ex-diag').fill('J06.9')
  await page.locator('#diag-list [role=option]').first().waitFor()
  await page.keyboard.press('Enter')
  await page.getByTestId('diagnosis').first().waitFor()
  await page.getByRole('button', { name: /^Save examination/ }).click()
  await page.getByTestId('exam-saved').waitFor()
  const kunjungan = () => sim.state().kunjungan.find((k) => k.noKartu === second!.noKartu)?.body
  await expect.poll(() => kunjungan()?.kdPrognosa, { timeout: 30_000 }).toBe('01')
  expect(kunjungan()).toMatchObject({ alergiMakan: '00', alergiUdara: '00', alergiObat: '00', kdPoliRujukInternal: null })
  expect(await page.locator('body').innerText()).not.toMatch(/Invalid input|Too small|expected (number|string)/)
  expect(problems).toEqual([])
})

it('a list this workstation never fetched (prognosa) asks the PCare code typed instead, and the visit still goes out', async () => {
  // As before the first reference refresh reached PCare: no cached prognosa; core then checks nothing.
  shell.core.db.prepare('DELETE FROM ref_prognosa').run()
  shell.core.settings.update({ locale: 'id' })
  await page.reload({ waitUntil: 'domcontentloaded' })
  await page.getByRole('heading', { level: 1, name: 'Pemeriksaan', exact: true }).waitFor()
  await openPatient(third!.nama, noRawat.third)
  const prognosa = page.getByLabel('Prognosis', { exact: true })
  expect(await prognosa.evaluate((el) => el.tagName)).toBe('INPUT')
  expect(await page.locator('#ex-prognosa-hint').innerText()).toMatch(/^Daftar belum tersimpan di komputer ini/)
  await fillVitalsAndDiagnosis()
  await page.getByRole('button', { name: 'Tidak ada alergi (ketiganya)' }).click()
  await save()
  await expect.poll(() => fieldError('ex-prognosa').innerText()).toBe('Pilih prognosis.')
  // Typed as a clinician might: lower case, a stray space; kept to PCare's shape.
  await prognosa.fill('o3 ')
  expect(await prognosa.inputValue()).toBe('O3')
  await prognosa.fill('03')
  await save()
  await page.getByTestId('exam-saved').waitFor()
  const kunjungan = () => sim.state().kunjungan.find((k) => k.noKartu === third!.noKartu)?.body
  await expect.poll(() => kunjungan()?.kdPrognosa, { timeout: 30_000 }).toBe('03')
  expect(problems).toEqual([])
})
