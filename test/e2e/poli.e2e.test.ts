import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openCore } from '../../electron/core/app'
import type { BrowserShell } from '../../tools/browser-shell/server'
import { startSimulator, type Simulator } from '../../tools/pcare-sim/server'
import { tempDir } from '../helpers/tmp'
import { demoRemotes, freshKdPPK } from '../sync/harness'
import { answered } from './browser'
import { signIn, signOut } from './session'
import { type BrowserPage, closeAll, createUser, demoPeserta, openPage, requireBuiltRenderer, seedCore, shots, startShell } from './workstation'

/**
 * Doctors and the poli queue (issue 10, items 4 and 7): the admin links a clinician to a PCare doctor code, the
 * counter registers two patients in one poli with the doctor on duty preselected from Antrean FKTP's schedule,
 * and the clinician works the poli queue by keyboard (Panggil, Tidak hadir, Panggil, Hadir) into the examination,
 * which shows the registration's doctor. Browser shell + real sync engine + PCare simulator + Debian Chromium.
 */
const peserta = demoPeserta()
const [cardA, cardB, cardC] = peserta.filter((p) => p.aktif)
const ADMIN = { username: 'admin', password: 'kata-sandi-admin-poli' }
const COUNTER = { username: 'loket.poli', password: 'kata-sandi-loket-poli' }
const CLINICIAN = { username: 'dr.satu', password: 'kata-sandi-dokter-poli' }

const tmp = tempDir('faskes-e2e-poli-')
let sim: Simulator
let shell: BrowserShell
let browser: BrowserPage['browser']
let page: Page
let adminSecret = ''
let problems: string[] = []
const noRawat: Record<'A' | 'B' | 'C', string> = { A: '', B: '', C: '' }

/** "HH:00-HH:59" of an hour `offset` hours from the suite's start: a shift that does not cover the present minute. */
const startHour = new Date().getHours()
function shiftAway(offset: number): string {
  const h = String((startHour + offset) % 24).padStart(2, '0')
  return `${h}:00-${h}:59`
}

const heading = (name: string) => page.getByRole('heading', { level: 1, name, exact: true })
/** expect.poll waits 1 s by default; on two shared cores a page update can take longer. */
const soon = { timeout: 10_000 }

beforeAll(async () => {
  requireBuiltRenderer()
  adminSecret = await seedCore(tmp.dir, async (seed) => {
    seed.settings.update({ faskesName: 'Puskesmas Poli E2E', kdPPK: freshKdPPK() })
    return createUser(seed, ADMIN, 'admin')
  })
  // Today's schedule: at UMUM one doctor covers the whole day and one works another hour; at KIA the midwife is off now.
  sim = await startSimulator({
    port: 0,
    jadwalDokter: {
      '001': [
        { kodedokter: 131491, namadokter: 'dr. Contoh Satu', jampraktek: '00:00-23:59', kapasitas: 30 },
        { kodedokter: 131492, namadokter: 'dr. Contoh Dua', jampraktek: shiftAway(2), kapasitas: 20 },
      ],
      '003': [{ kodedokter: 131494, namadokter: 'Bidan Contoh Empat, A.Md.Keb', jampraktek: shiftAway(3), kapasitas: 25 }],
    },
  })
  shell = await startShell(tmp.dir, demoRemotes(sim))
  ;({ browser, page, problems } = await openPage())
}, 60_000)

afterAll(async () => {
  await closeAll(browser, shell, sim)
  tmp.cleanup()
})

it('admin: refreshes reference data, creates a clinician linked to a PCare doctor and a counter user', async () => {
  await page.goto(shell.url, { waitUntil: 'domcontentloaded' })
  await signIn(page, ADMIN.username, ADMIN.password, adminSecret)
  await page.getByRole('link', { name: 'Admin' }).click()
  await heading('Admin').waitFor()
  await page.getByRole('button', { name: 'Perbarui data referensi dari PCare' }).click()
  await page.getByText(/Data referensi diperbarui: .*dokter/).waitFor({ timeout: 20_000 })

  await page.locator('#nu-username').fill(CLINICIAN.username)
  await page.locator('#nu-password').fill(CLINICIAN.password)
  await page.locator('#nu-role').selectOption('clinician')
  await page.getByLabel('Dokter PCare', { exact: true }).selectOption('131491')
  await page.getByRole('button', { name: 'Tambah pengguna' }).click()
  await page.getByText(`Pengguna ${CLINICIAN.username} dibuat.`).waitFor()
  // The users table shows the link and can change it in place.
  await expect.poll(() => page.getByLabel(`Dokter PCare untuk ${CLINICIAN.username}`).inputValue(), soon).toBe('131491')

  await page.locator('#nu-username').fill(COUNTER.username)
  await page.locator('#nu-password').fill(COUNTER.password)
  await page.locator('#nu-role').selectOption('counter')
  // A counter user examines nobody: no doctor field.
  expect(await page.locator('#nu-dokter').count()).toBe(0)
  await page.getByRole('button', { name: 'Tambah pengguna' }).click()
  await page.getByText(`Pengguna ${COUNTER.username} dibuat.`).waitFor()
  await signOut(page)
})

it('counter: the poli\'s doctor on duty is preselected, the list follows the poli, two patients registered at UMUM', async () => {
  await signIn(page, COUNTER.username, COUNTER.password)
  await heading('Pendaftaran').waitFor()
  const dokter = page.locator('#reg-dokter')
  const optionTexts = () => answered(dokter.locator('option').allInnerTexts())

  for (const [key, card] of [['A', cardA], ['B', cardB]] as const) {
    await page.getByLabel('Nomor kartu BPJS atau NIK').fill(card.noKartu)
    await page.getByLabel('Nomor kartu BPJS atau NIK').press('Enter')
    await page.locator('#reg-poli').waitFor()
    if (key === 'A') {
      // KIA: only the midwife is listed, and she is not on duty now, so nobody is preselected.
      await page.locator('#reg-poli').selectOption('003')
      await expect.poll(optionTexts, soon).toEqual(['— tanpa dokter —', `Bidan Contoh Empat, A.Md.Keb (${shiftAway(3)})`])
      expect(await dokter.inputValue()).toBe('')
      await page.getByText(/tidak ada satu dokter yang sedang praktik/).waitFor()
    }
    // UMUM: its two doctors; the one whose jampraktek covers now is chosen.
    const switched = performance.now()
    await page.locator('#reg-poli').selectOption('001')
    await expect.poll(() => dokter.inputValue(), { ...soon, interval: 10 }).toBe('131491')
    console.log(`e2e poli: poli chosen → doctor on duty preselected in ${(performance.now() - switched).toFixed(0)} ms (patient ${key})`)
    // (Listed by their hours.)
    expect((await optionTexts()).sort()).toEqual(['dr. Contoh Dua (' + shiftAway(2) + ')', 'dr. Contoh Satu (00:00-23:59)', '— tanpa dokter —'].sort())
    await page.getByText('sedang praktik: dr. Contoh Satu').waitFor()
    if (key === 'A') await page.screenshot({ path: join(shots, 'poli-0-dokter.png') })
    if (key === 'A') await page.getByLabel('Ambil nomor Antrean FKTP (Mobile JKN)').check()
    await page.locator('#reg-keluhan').fill(key === 'A' ? 'Demam' : 'Batuk')
    await page.locator('#reg-keluhan').press('Enter')
    // Wait for this patient's confirmation, not the previous one's.
    await expect.poll(async () => /no\. rawat (\S+)\./.exec(await page.getByTestId('registered').innerText().catch(() => ''))?.[1] ?? '', soon).not.toMatch(key === 'A' ? /^$/ : new RegExp(`^(${noRawat.A})?$`))
    noRawat[key] = /no\. rawat (\S+)\./.exec(await page.getByTestId('registered').innerText())![1]!
    // PCare's noUrut orders the queue.
    await expect.poll(() => page.getByTestId('no-urut').innerText(), { timeout: 20_000 }).toMatch(/^Nomor urut: \w+$/)
  }
  expect(noRawat.A).not.toBe(noRawat.B)

  // KIA with nobody on duty: registered without a doctor.
  await page.getByLabel('Nomor kartu BPJS atau NIK').fill(cardC.noKartu)
  await page.getByLabel('Nomor kartu BPJS atau NIK').press('Enter')
  await page.locator('#reg-poli').waitFor()
  await page.locator('#reg-poli').selectOption('003')
  await page.getByText(/tidak ada satu dokter yang sedang praktik/).waitFor()
  expect(await dokter.inputValue()).toBe('')
  await page.locator('#reg-keluhan').fill('Kontrol kehamilan')
  await page.locator('#reg-keluhan').press('Enter')
  await expect.poll(async () => /no\. rawat (\S+)\./.exec(await page.getByTestId('registered').innerText().catch(() => ''))?.[1] ?? '', soon).not.toMatch(new RegExp(`^(${noRawat.B})?$`))
  noRawat.C = /no\. rawat (\S+)\./.exec(await page.getByTestId('registered').innerText())![1]!
  await page.screenshot({ path: join(shots, 'poli-1-pendaftaran.png') })
  await signOut(page)
})

it('clinician: poli queue by keyboard — Panggil, Tidak hadir, Panggil, Hadir — opens the examination with the registration\'s doctor', async () => {
  await signIn(page, CLINICIAN.username, CLINICIAN.password)
  await page.keyboard.press('Alt+2')
  await heading('Pemeriksaan').waitFor()
  const queue = page.getByTestId('poli-queue')
  await page.locator('#queue-poli').selectOption('001')
  const rows = queue.getByTestId('queue-row')
  await expect.poll(() => rows.count(), soon).toBe(2)
  expect(await rows.nth(0).innerText()).toContain(cardA.nama)
  expect(await rows.nth(1).innerText()).toContain(cardB.nama)
  expect(await queue.getByTestId('queue-current').innerText()).toBe(cardA.nama)
  // Hadir and Tidak hadir wait for a call.
  expect(await queue.getByRole('button', { name: /^Hadir/ }).isDisabled()).toBe(true)

  await page.keyboard.press('Alt+P')
  await expect.poll(() => rows.nth(0).innerText(), soon).toMatch(/dipanggil 1× · \d{2}[.:]\d{2}/)
  await page.keyboard.press('Alt+T')
  // Absent: to the end of the queue, and the next patient is the current one.
  await expect.poll(() => queue.getByTestId('queue-current').innerText(), soon).toBe(cardB.nama)
  await expect.poll(() => rows.nth(1).innerText(), soon).toContain('tidak hadir')

  await page.keyboard.press('Alt+P')
  await expect.poll(() => rows.nth(0).innerText(), soon).toMatch(/dipanggil 1×/)
  await page.keyboard.press('Alt+H')
  await page.getByRole('heading', { name: `Pemeriksaan ${cardB.nama} (${noRawat.B})` }).waitFor()
  // The doctor chosen at the counter, from UMUM's schedule only.
  await expect.poll(() => page.locator('#ex-dokter').inputValue(), soon).toBe('131491')
  const umum = ['— tanpa dokter —', 'dr. Contoh Dua (' + shiftAway(2) + ')', 'dr. Contoh Satu (00:00-23:59)'].sort()
  await expect.poll(async () => (await answered(page.locator('#ex-dokter option').allInnerTexts())).sort(), soon).toEqual(umum)
  await page.screenshot({ path: join(shots, 'poli-2-queue.png') })

  // A KIA visit registered without a doctor: the clinician's own doctor (131491) is not on KIA's schedule, so it is
  // not preselected (the save would refuse it); the list offers KIA's schedule only.
  await page.locator('.patient-list .pick-list button').filter({ hasText: noRawat.C }).click()
  await page.getByRole('heading', { name: `Pemeriksaan ${cardC.nama} (${noRawat.C})` }).waitFor()
  await expect.poll(async () => (await answered(page.locator('#ex-dokter option').allInnerTexts())).sort(), soon).toEqual(
    ['— tanpa dokter —', `Bidan Contoh Empat, A.Md.Keb (${shiftAway(3)})`].sort(),
  )
  expect(await page.locator('#ex-dokter').inputValue()).toBe('')

  // A took an Antrean number, so BPJS hears of the tidak hadir (antrean/panggil status 2).
  await expect.poll(() => sim.state().antrean.find((a) => a.nomorkartu === cardA.noKartu)?.status, { timeout: 30_000 }).toBe('tidak_hadir')

  // A turns up after all while C's examination is being typed: called again, marked hadir; leaving C's unsaved form
  // is asked first, and declining keeps what was typed.
  await page.locator('#ex-keluhan').fill('Kontrol kehamilan, mual')
  await page.keyboard.press('Alt+P')
  await expect.poll(() => rows.nth(0).innerText(), soon).toMatch(/dipanggil 2×/)
  const dialog = page.waitForEvent('dialog', { timeout: 15_000 }) // bounded: a missed question fails here, not at the 90 s test timeout
  await page.keyboard.press('Alt+H')
  const asked = await dialog
  expect(asked.message()).toContain(cardC.nama)
  await asked.dismiss()
  await expect.poll(() => rows.nth(0).innerText(), soon).toContain('hadir')
  expect(await page.locator('#ex-keluhan').inputValue()).toBe('Kontrol kehamilan, mual')
  await page.getByRole('heading', { name: `Pemeriksaan ${cardC.nama} (${noRawat.C})` }).waitFor()

  // The poli is remembered across a reload.
  await page.reload({ waitUntil: 'domcontentloaded' })
  await heading('Pemeriksaan').waitFor()
  await expect.poll(() => page.locator('#queue-poli').inputValue(), soon).toBe('001')

  // What the database was told.
  const core = await openCore({ dataDir: tmp.dir, version: 'check' })
  try {
    const reg = (n: string) => core.db.prepare('SELECT call_count, attendance, called_at IS NOT NULL AS called FROM registrations WHERE no_rawat = ?').get(n)
    expect(reg(noRawat.A)).toEqual({ call_count: 2, attendance: 'hadir', called: 1 })
    expect(reg(noRawat.B)).toEqual({ call_count: 1, attendance: 'hadir', called: 1 })
    expect(core.db.prepare('SELECT kd_dokter FROM registrations WHERE no_rawat = ?').get(noRawat.C)).toEqual({ kd_dokter: null })
  } finally {
    await core.close()
  }
  // The changed answer follows on the same chain: status 1 hadir.
  await expect.poll(() => sim.state().antrean.find((a) => a.nomorkartu === cardA.noKartu)?.status, { timeout: 30_000 }).toBe('hadir')
  expect(problems).toEqual([])
  await signOut(page)
})
