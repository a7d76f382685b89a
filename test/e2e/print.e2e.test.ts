import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import jsQR from 'jsqr'
import type { Page } from 'playwright-core'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ExaminationInput } from '../../electron/contract'
import { recordExamination } from '../../electron/core/clinic'
import { refreshReferenceData } from '../../electron/core/reference'
import type { BrowserShell } from '../../tools/browser-shell/server'
import { startSimulator, type Simulator } from '../../tools/pcare-sim/server'
import { tempDir } from '../helpers/tmp'
import { demoRemotes, freshKdPPK } from '../sync/harness'
import { signIn, signOut } from './session'
import { type BrowserPage, closeAll, createUser, demoPeserta, openPage, requireBuiltRenderer, seedCore, shots, startShell } from './workstation'

/**
 * Printouts end to end: the counter prints a registration slip and the clinician a surat rujukan, each to PDF in
 * Debian's Chromium with the print stylesheet (`emulateMedia` print + `page.pdf` honouring the CSS @page size), on
 * 80 mm thermal paper and on A5. The PDFs are read back with poppler (pdfinfo for the page size, pdftotext for the
 * words, pdftoppm + jsQR for the slip's QR code). The data comes from the SQLite file of a browser shell running
 * the real sync engine against the PCare simulator (and the local Fabric network).
 */
const patient = demoPeserta().find((p) => p.noKartu === '0009999000003')!
const COUNTER = { username: 'loket-cetak', password: 'kata-sandi-loket-cetak' }
const CLINICIAN = { username: 'dokter-cetak', password: 'kata-sandi-dokter-cetak' }
const FASKES = 'Puskesmas Cetak Uji'
const kdPPK = freshKdPPK()

const tmp = tempDir('faskes-e2e-print-')
let sim: Simulator
let shell: BrowserShell
let browser: BrowserPage['browser']
let page: Page
let noRawat = ''
let problems: string[] = []

/** PDF page size in millimetres and page count, from poppler's pdfinfo. */
function pdfInfo(file: string): { widthMm: number; heightMm: number; pages: number } {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8', timeout: 20_000 })
  const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info)!
  const mm = (pt: string) => (Number(pt) * 25.4) / 72
  return { widthMm: mm(size[1]), heightMm: mm(size[2]), pages: Number(/Pages:\s+(\d+)/.exec(info)![1]) }
}
const pdfText = (file: string) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', timeout: 20_000 })

/** The open print preview printed to PDF exactly as the print stylesheet lays it out; returns the file. */
async function printToPdf(name: string): Promise<string> {
  await page.emulateMedia({ media: 'print' })
  const file = join(shots, `print-${name}.pdf`)
  writeFileSync(file, await page.pdf({ preferCSSPageSize: true, printBackground: true }))
  await page.emulateMedia({ media: 'screen' })
  return file
}

/** Every QR code jsQR finds on the PDF's first page, rendered at 200 dpi by pdftoppm. */
function qrOnPdf(file: string): string | null {
  const out = join(tmp.dir, 'qr-page')
  execFileSync('pdftoppm', ['-r', '200', '-png', '-singlefile', '-f', '1', file, out], { timeout: 20_000 })
  const png = PNG.sync.read(readFileSync(`${out}.png`))
  return jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)?.data ?? null
}

const dialog = () => page.getByRole('dialog')
const activeText = () => page.evaluate<string>('document.activeElement ? document.activeElement.textContent : ""')

beforeAll(async () => {
  requireBuiltRenderer()
  await seedCore(tmp.dir, async (seed) => {
    seed.settings.update({ faskesName: FASKES, kdPPK })
    await createUser(seed, COUNTER, 'counter')
    await createUser(seed, CLINICIAN, 'clinician')
  })
  sim = await startSimulator({ port: 0, statePath: join(tmp.dir, 'sim-state.json') })
  shell = await startShell(tmp.dir, demoRemotes(sim))
  // The poli, doctor and referral lists the counter and the letter name things from.
  await refreshReferenceData(shell.core.db, await shell.core.engine!.pcareClient())
  ;({ browser, page, problems } = await openPage())
  // The OS print dialog is the one part a headless browser cannot show: a real window.print() there leaves the page
  // "being printed" and blocks page.pdf. So the call is counted, not made; the PDFs below use the same print CSS.
  await page.addInitScript('window.__prints = 0; window.print = () => { window.__prints++ }')
}, 120_000)

afterAll(async () => {
  await closeAll(browser, shell, sim)
  tmp.cleanup()
})

it('counter: Ctrl+P after a registration prints the slip on 80 mm (default) and A5; noUrut "menunggu" until PCare answers, then the number', async () => {
  // PCare does not answer the pendaftaran yet: the slip must say the number is still awaited.
  sim.setFault({ mode: '503', pathPrefix: 'pendaftaran' })
  await page.goto(shell.url, { waitUntil: 'domcontentloaded' })
  await signIn(page, COUNTER.username, COUNTER.password)
  await page.getByLabel('Nomor kartu BPJS atau NIK').fill(patient.noKartu)
  await page.keyboard.press('Enter')
  await expect.poll(() => page.getByTestId('nama').innerText()).toBe(patient.nama)
  await page.locator('#reg-keluhan').fill('Pusing sejak pagi')
  await page.locator('#reg-keluhan').press('Enter')
  await page.getByTestId('registered').waitFor()
  noRawat = /no\. rawat (\S+)\./.exec(await page.getByTestId('registered').innerText())![1]

  // Keyboard: Ctrl+P opens the preview with focus on Cetak, 80 mm chosen for a slip.
  const opened = performance.now()
  await page.keyboard.press('Control+p')
  await page.getByTestId('slip-queue').waitFor()
  const previewMs = performance.now() - opened
  await expect.poll(activeText).toMatch(/^Cetak/)
  expect(await page.getByRole('radio', { name: 'Thermal 80 mm' }).isChecked()).toBe(true)
  await expect.poll(() => page.getByTestId('slip-no-urut').innerText()).toBe('menunggu')
  await page.screenshot({ path: join(shots, 'print-1-slip-preview.png') })

  const printing = performance.now()
  const thermal = await printToPdf('slip-80mm')
  console.log(`e2e: Ctrl+P → slip preview shown ${previewMs.toFixed(0)} ms; slip printed to PDF ${(performance.now() - printing).toFixed(0)} ms`)
  const info = pdfInfo(thermal)
  expect(info.widthMm).toBeCloseTo(80, 0)
  expect(info.pages).toBe(1)
  // A roll is cut where the slip ends: far shorter than a sheet, long enough for the content.
  expect(info.heightMm).toBeGreaterThan(60)
  expect(info.heightMm).toBeLessThan(200)
  const text = pdfText(thermal)
  for (const words of [FASKES.toUpperCase(), `Kode PPK ${kdPPK}`, 'SLIP PENDAFTARAN', 'UMUM', '001', 'No. urut PCare', 'menunggu', patient.nama, `*********${patient.noKartu.slice(-4)}`, `No. rawat ${noRawat}`]) {
    expect(text).toContain(words)
  }
  expect(text).not.toContain(patient.noKartu)
  expect(qrOnPdf(thermal)).toBe(noRawat)

  // A5: chosen with the keyboard (arrow key in the radio group), remembered for the next slip.
  await page.getByRole('radio', { name: 'Thermal 80 mm' }).focus()
  await page.keyboard.press('ArrowDown')
  expect(await page.getByRole('radio', { name: 'A5' }).isChecked()).toBe(true)
  const a5 = await printToPdf('slip-a5')
  expect(pdfInfo(a5)).toMatchObject({ pages: 1 })
  expect(pdfInfo(a5).widthMm).toBeCloseTo(148, 0)
  expect(pdfInfo(a5).heightMm).toBeCloseTo(210, 0)
  expect(pdfText(a5)).toContain('SLIP PENDAFTARAN')
  expect(qrOnPdf(a5)).toBe(noRawat)

  // Cetak opens the OS print dialog and closes the preview; focus goes back where it was.
  await dialog().getByRole('button', { name: /^Cetak/ }).click()
  await dialog().waitFor({ state: 'detached' })
  expect(await page.evaluate<number>('window.__prints')).toBe(1)

  // PCare answers: the number arrives, and the slip printed from the today list (row focused, Ctrl+P) carries it.
  sim.setFault({ mode: 'none' })
  await expect.poll(() => page.getByTestId('no-urut').innerText(), { timeout: 30_000 }).toMatch(/^Nomor urut: \w+$/)
  const noUrut = /^Nomor urut: (\w+)$/.exec(await page.getByTestId('no-urut').innerText())![1]
  await page.getByRole('button', { name: `Cetak slip ${noRawat}` }).focus()
  await page.keyboard.press('Control+p')
  await dialog().waitFor()
  expect(await page.getByRole('radio', { name: 'A5' }).isChecked()).toBe(true)
  await expect.poll(() => page.getByTestId('slip-no-urut').innerText()).toBe(noUrut)
  expect(pdfText(await printToPdf('slip-a5-nourut'))).toContain(noUrut)
  await page.keyboard.press('Escape')
  await dialog().waitFor({ state: 'detached' })
  await expect.poll(() => page.evaluate<string>('document.activeElement.getAttribute("aria-label")')).toBe(`Cetak slip ${noRawat}`)
  expect(problems).toEqual([])
  await signOut(page)
})

it('clinician: a saved examination with a referral prints the surat rujukan on A5 (default) and 80 mm, with PCare\'s referral number', async () => {
  // The clinician's save, through the same core function the examination.save channel calls.
  const db = shell.core.db
  const reg = db.prepare('SELECT kd_poli, tgl_daftar, kd_dokter FROM registrations WHERE no_rawat = ?').get(noRawat) as { kd_poli: string; tgl_daftar: string; kd_dokter: string | null }
  const onSchedule = db.prepare('SELECT kd_dokter AS k FROM doctor_schedule WHERE kd_poli = ? AND tanggal = ?').get(reg.kd_poli, reg.tgl_daftar) as { k: string } | undefined
  const kdDokter = reg.kd_dokter ?? onSchedule?.k ?? (db.prepare('SELECT kd_dokter AS k FROM ref_dokter ORDER BY kd_dokter').get() as { k: string }).k
  const input = ExaminationInput.parse({
    noRawat,
    keluhan: 'Pusing sejak pagi',
    vitals: { sistole: 180, diastole: 110, beratBadan: 62, tinggiBadan: 158, lingkarPerut: 84, respRate: 20, heartRate: 92, suhu: '36.7' },
    kdSadar: '01',
    diagnoses: [{ kdDiag: 'I10', nmDiag: 'Essential (primary) hypertension' }],
    kdDokter,
    kdStatusPulang: '4',
    alergiMakan: '00',
    alergiUdara: '00',
    alergiObat: '00',
    kdPrognosa: '02',
    rujukan: {
      kdppk: '0199R002',
      nmppk: 'RS CONTOH SEJAHTERA',
      kdSpesialis: 'INT',
      kdSubSpesialis: '27',
      tglEstRujuk: reg.tgl_daftar,
      alasan: 'Hipertensi krisis, perlu penanganan spesialis',
      dokter: 'dr. Contoh Perujuk',
      tacc: { kdTacc: 3, alasanTacc: 'I10 - Essential (primary) hypertension' },
    },
  })
  recordExamination(db, shell.core.settings.get(), input, { userId: CLINICIAN.username })
  shell.core.engine?.kick()
  // PCare's noKunjungan is the referral number: wait until the sync wrote it into SQLite.
  const noKunjungan = () => (db.prepare('SELECT no_kunjungan AS n FROM examinations WHERE no_rawat = ?').get(noRawat) as { n: string | null }).n
  await expect.poll(noKunjungan, { timeout: 30_000 }).toMatch(/^\w{19}$/)

  await signIn(page, CLINICIAN.username, CLINICIAN.password)
  await page.getByRole('heading', { level: 1, name: 'Pemeriksaan' }).waitFor()
  await page.locator('.pick-list button').filter({ hasText: noRawat }).click()
  const button = page.getByRole('button', { name: /^Cetak surat rujukan/ })
  await button.waitFor()
  await page.keyboard.press('Control+p')
  await dialog().waitFor()
  expect(await page.getByRole('radio', { name: 'A5' }).isChecked()).toBe(true)
  await expect.poll(() => page.getByTestId('rujukan-no').innerText()).toBe(noKunjungan()!)
  await page.screenshot({ path: join(shots, 'print-2-rujukan-preview.png'), fullPage: true })

  const a5 = await printToPdf('rujukan-a5')
  const info = pdfInfo(a5)
  expect(info.widthMm).toBeCloseTo(148, 0)
  expect(info.heightMm).toBeCloseTo(210, 0)
  expect(info.pages).toBe(1)
  const [d, m, y] = patient.tglLahir.split('-')
  const born = new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(Number(y), Number(m) - 1, Number(d)))
  // pdftotext keeps lines; a long value may wrap, so compare with single spaces.
  const text = pdfText(a5).replace(/\s+/g, ' ')
  for (const words of [
    FASKES.toUpperCase(),
    `Kode PPK ${kdPPK}`,
    'SURAT RUJUKAN FKTP',
    `No. rujukan ${noKunjungan()}`,
    'Dokter spesialis GINJAL HIPERTENSI (27)',
    'Spesialis / sub-spesialis PENYAKIT DALAM (INT) / GINJAL HIPERTENSI (27)',
    'RS CONTOH SEJAHTERA (0199R002)',
    patient.nama,
    `No. kartu BPJS ${patient.noKartu}`,
    born,
    'Perempuan',
    'I10 — Essential (primary) hypertension',
    'Hipertensi krisis, perlu penanganan spesialis',
    'Complication — I10 - Essential (primary) hypertension',
    'Tanggal rencana rujuk',
    'dr. Contoh Perujuk',
  ]) {
    expect(text).toContain(words)
  }

  await page.getByRole('radio', { name: 'Thermal 80 mm' }).check()
  const thermal = await printToPdf('rujukan-80mm')
  expect(pdfInfo(thermal).widthMm).toBeCloseTo(80, 0)
  expect(pdfInfo(thermal).pages).toBe(1)
  const narrow = pdfText(thermal).replace(/\s+/g, ' ')
  for (const words of ['SURAT RUJUKAN FKTP', noKunjungan()!, patient.noKartu, 'I10', 'dr. Contoh Perujuk']) expect(narrow).toContain(words)
  await page.keyboard.press('Escape')
  await dialog().waitFor({ state: 'detached' })

  // English mode prints the same letter in English, dates included; the paper choice (80 mm) was remembered.
  shell.core.settings.update({ locale: 'en' })
  await page.reload({ waitUntil: 'domcontentloaded' })
  await page.getByRole('heading', { level: 1, name: 'Examination' }).waitFor()
  await page.locator('.pick-list button').filter({ hasText: noRawat }).click()
  await page.getByRole('button', { name: /^Print referral letter/ }).click()
  await dialog().waitFor()
  expect(await page.getByRole('radio', { name: 'Thermal 80 mm' }).isChecked()).toBe(true)
  await page.getByRole('radio', { name: 'A5' }).check()
  const english = pdfText(await printToPdf('rujukan-a5-en')).replace(/\s+/g, ' ')
  for (const words of ['FKTP REFERRAL LETTER', `Referral no. ${noKunjungan()}`, `BPJS card no. ${patient.noKartu}`, 'Female', 'Specialist doctor, GINJAL HIPERTENSI (27)', 'Collegial regards,']) {
    expect(english).toContain(words)
  }
  expect(english).toContain(new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(Number(y), Number(m) - 1, Number(d))))
  await page.keyboard.press('Escape')
  shell.core.settings.update({ locale: 'id' })
  await page.reload({ waitUntil: 'domcontentloaded' })
  expect(problems).toEqual([])
  await signOut(page)
})
