import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import QRCode from 'qrcode'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { BrowserShell } from '../../tools/browser-shell/server'
import { startSimulator, type Simulator } from '../../tools/pcare-sim/server'
import { startSatusehatSimulator, type SatusehatSimulator } from '../../tools/satusehat-sim/server'
import { SEED_PRACTITIONERS } from '../../tools/satusehat-sim/seed'
import { tempDir } from '../helpers/tmp'
import { until } from '../helpers/until'
import { demoRemotes, freshKdPPK, networkNode } from '../sync/harness'
import { freshTotp, signIn, signOut } from './session'
import { type BrowserPage, closeAll, demoPeserta, openPage, quiet, requireBuiltRenderer, seedCore, shots, startShell } from './workstation'

/**
 * The three workspaces end to end: Debian Chromium with a fake webcam showing a real QR image, the browser shell
 * running the real sync engine against the PCare and SATUSEHAT simulators and the local Fabric network
 * (`npm run network:up`).
 * The tests run in order and share one workstation, as one working day at one faskes would.
 */
const peserta = demoPeserta()
const card = peserta.find((p) => p.aktif)!
const ADMIN = { username: 'admin', password: 'kata-sandi-admin-e2e' }
const COUNTER = { username: 'loket1', password: 'kata-sandi-loket-e2e' }
const CLINICIAN = { username: 'dokter1', password: 'kata-sandi-dokter-e2e' }

const tmp = tempDir('faskes-e2e-flows-')
let sim: Simulator
/** SATUSEHAT (issue 15), turned on for this faskes: every examined visit also goes there. */
let ssim: SatusehatSimulator
let simPort = 0
const simState = join(tmp.dir, 'sim-state.json')
let shell: BrowserShell
let browser: BrowserPage['browser']
let page: Page
let adminSecret = ''
let registeredNoRawat = ''
let problems: string[] = []

/** The card's QR as a PNG (qrcode), padded into a 640x480 y4m the fake camera loops (ffmpeg). */
async function qrVideo(text: string): Promise<string> {
  const png = join(tmp.dir, 'qr.png')
  const y4m = join(tmp.dir, 'qr.y4m')
  await QRCode.toFile(png, text, { width: 360, margin: 4 })
  execFileSync(
    'ffmpeg',
    ['-y', '-loglevel', 'error', '-loop', '1', '-i', png, '-t', '2', '-r', '10', '-vf', 'pad=640:480:(ow-iw)/2:(oh-ih)/2:color=white,format=yuv420p', '-pix_fmt', 'yuv420p', y4m],
    { timeout: 60_000 },
  )
  return y4m
}

/** Vitals, doctor and one diagnosis found by the offline search (the first hit, taken with Enter); returns the chip's text. */
async function fillExam(diagnosisQuery: string): Promise<string> {
  const vitals: Record<string, string> = { sistole: '120', diastole: '80', beratBadan: '55', tinggiBadan: '160', lingkarPerut: '70', respRate: '18', heartRate: '84', suhu: '37.2' }
  for (const [k, v] of Object.entries(vitals)) await page.locator(`#ex-${k}`).fill(v)
  await page.locator('#ex-dokter').selectOption({ index: 1 })
  await page.locator('#ex-diag').fill(diagnosisQuery)
  await page.locator('#diag-list [role=option]').first().waitFor()
  await page.keyboard.press('Enter')
  await page.getByTestId('diagnosis').first().waitFor()
  // Allergies and prognosis are the clinician's explicit answers (issue 12): none known, and a good prognosis.
  await page.getByRole('button', { name: 'Tidak ada alergi (ketiganya)' }).click()
  await page.locator('#ex-prognosa').selectOption({ label: 'Bonam (Baik)' })
  return page.getByTestId('diagnosis').first().innerText()
}

const heading = (name: string) => page.getByRole('heading', { level: 1, name, exact: true })
const statusOf = (target: string) => page.getByRole('contentinfo', { name: 'Status sinkronisasi' }).getByRole('listitem', { name: target, exact: true })

beforeAll(async () => {
  requireBuiltRenderer()
  // A fresh faskes code: the ledger keeps state between runs, so ids must not collide with earlier runs.
  await seedCore(tmp.dir, (seed) => seed.settings.update({ faskesName: 'Puskesmas E2E', kdPPK: freshKdPPK(), satusehat: { enabled: true } }))
  sim = await startSimulator({ port: 0, statePath: simState })
  simPort = sim.port
  ssim = await startSatusehatSimulator({ port: 0, logger: quiet })
  shell = await startShell(tmp.dir, demoRemotes(sim, ssim))
  ;({ browser, page, problems } = await openPage(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${await qrVideo(card.noKartu)}`]))
}, 120_000)

afterAll(async () => {
  await closeAll(browser, shell, sim, ssim)
  tmp.cleanup()
})

it('first run: creates the admin with TOTP enrolment, signs in, adds counter and clinician users, refreshes reference data', async () => {
  await page.goto(shell.url, { waitUntil: 'domcontentloaded' })
  // The first question: what this PC is for. Mandiri is chosen and focused; Enter goes on (keyboard first).
  await page.getByRole('group', { name: 'Komputer ini dipakai sebagai' }).waitFor()
  expect(await page.getByRole('radio', { name: 'Mandiri' }).isChecked()).toBe(true)
  await expect.poll(() => page.evaluate<string | undefined>("document.activeElement?.getAttribute('value') ?? undefined")).toBe('standalone')
  await page.keyboard.press('Enter')
  await page.getByRole('heading', { name: 'Penyiapan pertama: buat admin' }).waitFor()
  // The browser shell asks for its one-time setup code, read here as its starter would: from the data folder.
  await page.getByLabel('Kode penyiapan').fill(readFileSync(join(tmp.dir, 'setup-code'), 'utf8').trim())
  await page.getByLabel('Kata sandi').fill(ADMIN.password)
  await page.getByRole('button', { name: 'Buat admin' }).click()
  adminSecret = (await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '')
  expect(adminSecret).toMatch(/^[A-Z2-7]{32}$/)
  expect(await page.getByText(/^otpauth:\/\/totp\//).textContent() ?? "").toContain(`secret=${adminSecret}`)
  await page.screenshot({ path: join(shots, 'flow-0-first-run.png') })

  // A wrong code gets the same answer as a wrong password (nothing tells which was wrong); the right one signs in.
  await page.getByLabel('Kata sandi').fill(ADMIN.password)
  await page.getByLabel('Kode autentikator (admin)').fill('000000')
  await page.getByRole('button', { name: 'Masuk' }).click()
  await page.getByText('Nama pengguna, kata sandi atau kode autentikator salah.').waitFor()
  await page.getByLabel('Kode autentikator (admin)').fill(await freshTotp(adminSecret))
  await page.getByRole('button', { name: 'Masuk' }).click()
  await page.getByRole('button', { name: 'Keluar' }).waitFor()

  await page.getByRole('link', { name: 'Admin' }).click()
  await heading('Admin').waitFor()
  for (const [u, role] of [
    [COUNTER, 'Petugas pendaftaran'],
    [CLINICIAN, 'Dokter/perawat'],
  ] as const) {
    await page.locator('#nu-username').fill(u.username)
    await page.locator('#nu-password').fill(u.password)
    await page.locator('#nu-role').selectOption({ label: role })
    await page.getByRole('button', { name: 'Tambah pengguna' }).click()
    await page.getByText(`Pengguna ${u.username} dibuat.`).waitFor()
  }
  // The clinician's NIK, for SATUSEHAT's Practitioner lookup (a sandbox practitioner the simulator knows).
  await page.getByRole('button', { name: `Ubah NIK ${CLINICIAN.username}` }).click()
  await page.getByLabel(`NIK ${CLINICIAN.username} (16 digit)`).fill(SEED_PRACTITIONERS[0].nik)
  await page.getByRole('button', { name: 'Simpan NIK' }).click()
  await page.getByText(`************${SEED_PRACTITIONERS[0].nik.slice(-4)}`).waitFor()
  await page.getByRole('button', { name: 'Perbarui data referensi dari PCare' }).click()
  await page.getByText(/Data referensi diperbarui: .*poli/).waitFor({ timeout: 20_000 })
  await signOut(page)
})

it('counter: QR from the webcam → live status → visit registered; then PCare down: cached status, offline registration, drained when PCare is back', async () => {
  await signIn(page, COUNTER.username, COUNTER.password)
  await heading('Pendaftaran').waitFor()
  // Role guard: the admin workspace is not in the counter's navigation and refuses when typed in.
  expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0)

  const scanAndWait = async () => {
    await page.evaluate('performance.clearMarks()')
    await page.keyboard.press('F2')
    await page.getByTestId('eligibility').waitFor({ timeout: 20_000 })
    await until('status shown mark', async () => (await page.evaluate<number>("performance.getEntriesByName('faskes:status-shown').length")) > 0, 5000, 200)
    return page.evaluate<number>(
      "performance.getEntriesByName('faskes:status-shown')[0].startTime - performance.getEntriesByName('faskes:qr-decoded')[0].startTime",
    )
  }

  const liveMs = await scanAndWait()
  expect(await page.getByLabel('Nomor kartu BPJS atau NIK').inputValue()).toBe(card.noKartu)
  await expect.poll(() => page.getByTestId('source').innerText()).toContain('Langsung dari PCare')
  expect(await page.getByTestId('nama').innerText()).toBe(card.nama)
  expect(await page.getByTestId('card-status').innerText()).toBe('AKTIF')
  await page.locator('#reg-keluhan').fill('Demam dua hari')
  await page.locator('#reg-keluhan').press('Enter')
  await page.getByTestId('registered').waitFor()
  registeredNoRawat = /no\. rawat (\S+)\./.exec(await page.getByTestId('registered').innerText())![1]
  await expect.poll(() => page.getByTestId('no-urut').innerText(), { timeout: 20_000 }).toMatch(/^Nomor urut: \w+/)
  await page.screenshot({ path: join(shots, 'flow-1-pendaftaran-live.png') })

  // PCare goes away. The same card again: the status comes from the cache, with its time, at once.
  await sim.close()
  const cachedMs = await scanAndWait()
  await expect.poll(() => page.getByTestId('source').innerText()).toMatch(/PCare tidak terhubung — data cache per \d{2}[.:]\d{2}/)
  expect(await page.getByTestId('nama').innerText()).toBe(card.nama)
  console.log(`e2e: QR decoded → status shown: live ${liveMs.toFixed(0)} ms, from cache (PCare down) ${cachedMs.toFixed(0)} ms`)

  // Registering offline still works: the visit is stored and waits for PCare.
  // Another poli: the same card twice in one poli on one day is refused as a duplicate.
  await page.locator('#reg-poli').selectOption({ index: 1 })
  await page.locator('#reg-keluhan').fill('Batuk')
  await page.keyboard.press('Enter')
  await page.getByTestId('registered').waitFor()
  expect(await page.getByTestId('no-urut').innerText()).toBe('Nomor urut: menunggu PCare')
  await expect.poll(() => statusOf('PCare').innerText(), { timeout: 20_000 }).toMatch(/Terputus[\s\S]*[1-9] menunggu/)
  await page.screenshot({ path: join(shots, 'flow-2-pendaftaran-offline.png') })

  // PCare is back on the same port and state: the queue drains, the number arrives, the progress goes away.
  sim = await startSimulator({ port: simPort, statePath: simState })
  await expect.poll(() => page.getByTestId('no-urut').innerText(), { timeout: 40_000 }).toMatch(/^Nomor urut: \w+$/)
  await expect.poll(() => statusOf('PCare').innerText(), { timeout: 40_000 }).toMatch(/Terhubung[\s\S]*Tertunda\s*0/)
  expect(await page.getByTestId('today').innerText()).not.toContain('menunggu')
  await signOut(page)
})

it('clinician: picks the patient by keyboard, finds a diagnosis by search, saves; a PCare rejection of the visit waits for the admin', async () => {
  // The simulator rejects the next kunjungan with a field error (JVALUE): the admin test reads and resends it.
  sim.setFault({ mode: 'jvalue', pathPrefix: 'kunjungan', count: 1 })
  await signIn(page, CLINICIAN.username, CLINICIAN.password)
  await heading('Pemeriksaan').waitFor()
  const first = page.locator('.pick-list button').first()
  await first.focus()
  await page.keyboard.press('Enter')
  await page.getByRole('heading', { name: new RegExp(`Pemeriksaan .*\\(${registeredNoRawat.replace(/[/.]/g, '\\$&')}\\)`) }).waitFor()

  // Saving with empty vitals: errors at the fields, nothing stored.
  await page.getByRole('button', { name: 'Simpan pemeriksaan' }).click()
  await page.locator('#ex-sistole-error').waitFor()
  const diagnosis = await fillExam('dengue')
  expect(diagnosis).toMatch(/^[A-Z]\d{2}/)
  const started = performance.now()
  await page.getByRole('button', { name: 'Simpan pemeriksaan' }).click()
  await page.getByTestId('exam-saved').waitFor()
  console.log(`e2e: examination save click → saved shown ${(performance.now() - started).toFixed(0)} ms`)
  // The history (local records) shows the visit with the diagnosis just picked.
  const kdDiag = /^[A-Z]\d{2}(\.\d+)?/.exec(diagnosis)![0]
  await expect.poll(() => page.getByRole('region', { name: 'Riwayat pasien' }).innerText().catch(() => '')).toContain(kdDiag)
  await page.screenshot({ path: join(shots, 'flow-3-pemeriksaan.png'), fullPage: true })
  await signOut(page)
})

it('admin: sees the failed send with its reason in plain words, reads the sanitized detail, resends, sees it succeed', async () => {
  await signIn(page, ADMIN.username, ADMIN.password, adminSecret)
  await page.getByRole('link', { name: 'Admin' }).click()
  await heading('Admin').waitFor()
  const outbox = page.getByTestId('outbox')
  await expect.poll(() => outbox.innerText().catch(() => ''), { timeout: 30_000 }).toContain('PCare menolak isian')
  const row = outbox.getByRole('row').filter({ hasText: 'PCare menolak isian' }).first()
  expect(await row.innerText()).toMatch(/JVALUE/)
  await page.getByTestId('kpis').waitFor()
  expect(Number(await page.getByTestId('kpi-failed').innerText())).toBeGreaterThanOrEqual(1)
  await page.getByTestId('kpis').scrollIntoViewIfNeeded()
  await page.screenshot({ path: join(shots, 'flow-4-admin-monitoring.png') })
  await row.scrollIntoViewIfNeeded()
  await page.screenshot({ path: join(shots, 'flow-4-admin-failed-list.png') })
  await row.getByRole('button', { name: 'Rincian' }).click()
  const detail = page.getByTestId('detail')
  await detail.getByText('Permintaan dan jawaban (disamarkan)').first().click()
  await expect.poll(() => detail.innerText()).toMatch(/HTTP \d{3}/)
  // Sanitized: the simulator's (fake) secrets never reach the page.
  expect(await detail.innerText()).not.toContain(sim.credentials.secretKey)
  await page.screenshot({ path: join(shots, 'flow-4-admin-detail.png'), fullPage: true })

  await row.getByRole('button', { name: 'Kirim ulang' }).click()
  await page.getByText('1 kiriman dijadwalkan ulang.').waitFor()
  await page.locator('.filters select').selectOption({ label: 'terkirim' })
  await expect.poll(() => outbox.innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/kunjungan[\s\S]*terkirim/)
  await expect.poll(() => page.getByTestId('kpi-failed').innerText(), { timeout: 15_000 }).toBe('0')
  await page.screenshot({ path: join(shots, 'flow-5-admin-resent.png'), fullPage: true })
  expect(problems).toEqual([])
  await signOut(page)
})

it('clinician refers: spesialis → sub-spesialis → a hospital from PCare\'s live list; TACC is asked for a non-spesialistik diagnosis', async () => {
  await signIn(page, CLINICIAN.username, CLINICIAN.password)
  await heading('Pemeriksaan').waitFor()
  await page.locator('.pick-list button').filter({ hasText: 'terdaftar' }).first().click()
  await page.locator('#ex-sistole').waitFor()
  // J06.9 is non-spesialistik in PCare's list: treatable at the FKTP, so a referral needs a TACC reason.
  expect(await fillExam('J06.9')).toContain('J06.9')
  await page.getByLabel('Rujuk ke faskes lain').check()
  expect(await page.locator('#ex-pulang').inputValue()).toBe('4')
  const hospitals = page.getByRole('radiogroup', { name: 'Pilih faskes rujukan' })
  // A khusus referral (hemodialisa) is looked up for this patient; then back to a spesialis referral.
  await page.getByRole('radio', { name: /^Khusus/ }).check()
  await page.locator('#rj-khusus').selectOption({ label: 'HEMODIALISA' })
  await expect.poll(() => hospitals.innerText().catch(() => '')).toContain('RSU CONTOH')
  expect(await page.locator('#rj-sub').count()).toBe(0)
  await page.getByRole('radio', { name: 'Spesialis' }).check()
  // The hospitals follow the choice: ANAK offers the mother-and-child hospital, GINJAL HIPERTENSI does not.
  await page.locator('#rj-spesialis').selectOption({ label: 'ANAK' })
  await page.locator('#rj-sub').selectOption({ label: 'ANAK' })
  await expect.poll(() => hospitals.innerText().catch(() => '')).toContain('RSIA CONTOH BUNDA')
  await page.locator('#rj-spesialis').selectOption({ label: 'PENYAKIT DALAM' })
  await page.locator('#rj-sub').selectOption({ label: 'GINJAL HIPERTENSI' })
  await expect.poll(() => page.getByTestId('rujukan-source').innerText()).toBe('Langsung dari PCare: 2 faskes rujukan')
  await expect.poll(() => hospitals.innerText()).not.toContain('RSIA CONTOH BUNDA')
  // Keyboard: focus the first hospital and move to the second with the arrow key.
  await hospitals.getByRole('radio').first().focus()
  await page.keyboard.press('ArrowDown')
  expect(await page.locator('#rj-kdppk').inputValue()).toBe('0199R002')
  expect(await page.locator('#rj-nmppk').inputValue()).toBe('RS CONTOH SEJAHTERA')
  await page.locator('#rj-alasan').fill('Hipertensi tidak terkontrol')
  await page.locator('#rj-dokter').fill('dr. Contoh Perujuk')

  // Without TACC, core refuses the save and says why at the TACC field.
  await page.getByRole('button', { name: 'Simpan pemeriksaan' }).click()
  await expect.poll(() => page.locator('#rj-tacc-error').innerText()).toMatch(/TACC wajib/)
  await page.locator('#rj-tacc').selectOption('1')
  expect(await page.locator('#rj-alasanTacc').inputValue()).toBe('< 3 Hari')
  await page.screenshot({ path: join(shots, 'flow-6-pemeriksaan-rujukan.png'), fullPage: true })
  await page.getByRole('button', { name: 'Simpan pemeriksaan' }).click()
  await page.getByTestId('exam-saved').waitFor()
  // A saved referral can be printed at once (the letter itself is checked in print.e2e.test.ts).
  await page.getByTestId('exam-saved').getByRole('button', { name: /^Cetak surat rujukan/ }).waitFor()
  // PCare takes the kunjungan with the referral; the ledger records the referral (its status comes back into SQLite).
  await expect.poll(() => sim.state().kunjungan.filter((k) => k.body.rujukLanjut?.kdppk === '0199R002').length, { timeout: 30_000 }).toBe(1)
  const referralStatus = () =>
    (shell.core.db.prepare(`SELECT referral_status AS s FROM examinations WHERE data LIKE '%0199R002%'`).get() as { s: string | null } | undefined)?.s
  await expect.poll(referralStatus, { timeout: 30_000 }).toBe('CREATED')
  await signOut(page)
})

it('remotes down (PCare and the ledger peer): the counter registers from the cache, the clinician refers from the last list; both queues drain when they return', async () => {
  await sim.close()
  networkNode('stop', 'peer-puskesmas')
  // SATUSEHAT goes down as well (every connection dropped unanswered) and stays down until the next test.
  ssim.setFault({ mode: 'drop', commit: false })
  try {
    await signIn(page, COUNTER.username, COUNTER.password)
    await heading('Pendaftaran').waitFor()
    await page.getByLabel('Nomor kartu BPJS atau NIK').fill(card.noKartu)
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByTestId('source').innerText(), { timeout: 20_000 }).toMatch(/PCare tidak terhubung — data cache per/)
    await page.locator('#reg-poli').selectOption({ index: 2 })
    await page.locator('#reg-keluhan').fill('Kontrol tekanan darah')
    await page.keyboard.press('Enter')
    await page.getByTestId('registered').waitFor()
    expect(await page.getByTestId('no-urut').innerText()).toBe('Nomor urut: menunggu PCare')
    await signOut(page)

    await signIn(page, CLINICIAN.username, CLINICIAN.password)
    await heading('Pemeriksaan').waitFor()
    await page.locator('.pick-list button').filter({ hasText: 'terdaftar' }).first().click()
    await page.locator('#ex-sistole').waitFor()
    expect(await fillExam('A91')).toContain('A91')
    await page.getByLabel('Rujuk ke faskes lain').check()
    await page.locator('#rj-spesialis').selectOption({ label: 'PENYAKIT DALAM' })
    await page.locator('#rj-sub').selectOption({ label: 'GINJAL HIPERTENSI' })
    // PCare is gone: the last list for this choice, with its time, and still choosable.
    await expect.poll(() => page.getByTestId('rujukan-source').innerText(), { timeout: 20_000 }).toMatch(/PCare tidak terhubung — daftar per \d{2}[.:]\d{2}/)
    await page.getByRole('radio', { name: /RSU CONTOH/ }).check()
    expect(await page.locator('#rj-kdppk').inputValue()).toBe('0199R001')
    await page.locator('#rj-alasan').fill('Demam berdarah dengan tanda bahaya')
    await page.locator('#rj-dokter').fill('dr. Contoh Perujuk')
    await page.getByRole('button', { name: 'Simpan pemeriksaan' }).click()
    await page.getByTestId('exam-saved').waitFor()
    // Both remotes are shown offline with work waiting.
    await expect.poll(() => statusOf('PCare').innerText(), { timeout: 30_000 }).toMatch(/Terputus/)
    await expect.poll(() => statusOf('Ledger').innerText(), { timeout: 60_000 }).toMatch(/Terputus/)
    // The counter's own ledger read already showed it offline, so wait for the bar to count the visit's ledger work too.
    await expect.poll(() => statusOf('Ledger').innerText(), { timeout: 10_000 }).toMatch(/Tertunda\s*[1-9]|Mengirim [1-9]/)
    await page.screenshot({ path: join(shots, 'flow-7-remotes-down.png'), fullPage: true })
  } finally {
    networkNode('start', 'peer-puskesmas')
    sim = await startSimulator({ port: simPort, statePath: simState })
  }
  await expect.poll(() => statusOf('PCare').innerText(), { timeout: 60_000 }).toMatch(/Terhubung[\s\S]*Tertunda\s*0/)
  await expect.poll(() => statusOf('Ledger').innerText(), { timeout: 90_000 }).toMatch(/Terhubung[\s\S]*Tertunda\s*0/)
  expect(await statusOf('PCare').innerText()).toMatch(/Gagal\s*0/)
  expect(await statusOf('Ledger').innerText()).toMatch(/Gagal\s*0/)
  expect(sim.state().kunjungan.filter((k) => k.body.rujukLanjut?.kdppk === '0199R001').length).toBe(1)
  await page.screenshot({ path: join(shots, 'flow-8-drained.png'), fullPage: true })
  await signOut(page)
  expect(problems).toEqual([])
})

it('SATUSEHAT: the visit saved while it was down waits, then drains once the fault is off; the day\'s first visit reached PCare, the ledger and SATUSEHAT', async () => {
  await signIn(page, ADMIN.username, ADMIN.password, adminSecret)
  const db = shell.core.db
  const encounters = () => (ssim.resources('Encounter') as { identifier: { value: string }[] }[]).map((e) => e.identifier[0].value)
  await expect.poll(() => statusOf('SATUSEHAT').innerText(), { timeout: 30_000 }).toMatch(/Terputus/)
  const held = db.prepare(`SELECT entity_id AS noRawat FROM outbox WHERE target = 'satusehat' AND status != 'done'`).all() as { noRawat: string }[]
  expect(held).toHaveLength(1)
  expect(encounters()).not.toContain(held[0].noRawat)
  await page.screenshot({ path: join(shots, 'flow-9-satusehat-down.png'), fullPage: true })

  ssim.setFault({ mode: 'none' })
  await expect.poll(() => statusOf('SATUSEHAT').innerText(), { timeout: 60_000 }).toMatch(/Terhubung[\s\S]*Tertunda\s*0/)
  expect(await statusOf('SATUSEHAT').innerText()).toMatch(/Gagal\s*0/)
  // The day's three examined visits, each Encounter once (counted in the simulator's own state).
  expect(encounters()).toContain(held[0].noRawat)
  expect(new Set(encounters()).size).toBe(3)
  expect(ssim.state().counts.created.Encounter).toBe(3)
  // One visit everywhere: the first registration's kunjungan at PCare, its ledger entries, its Encounter at SATUSEHAT.
  const jobs = (target: string) => db.prepare(`SELECT operation, status FROM outbox WHERE target = ? AND entity_id IN (?, (SELECT ledger_visit_id FROM examinations WHERE no_rawat = ?))`).all(target, registeredNoRawat, registeredNoRawat) as { operation: string; status: string }[]
  expect(jobs('pcare').filter((j) => j.operation === 'kunjungan.add').map((j) => j.status)).toEqual(['done'])
  expect(jobs('ledger').some((j) => j.operation === 'Visit:Record' && j.status === 'done')).toBe(true)
  expect(jobs('satusehat').map((j) => j.status)).toEqual(['done'])
  expect(encounters()).toContain(registeredNoRawat)
  await page.screenshot({ path: join(shots, 'flow-10-satusehat-drained.png'), fullPage: true })
  await signOut(page)
  expect(problems).toEqual([])
})

it('after the day: the database file, its WAL and shared memory hold none of the demo patients\' NIK, card numbers or names (issue 13)', () => {
  const stored = shell.core.db.prepare('SELECT no_kartu AS noKartu, nik, nama FROM patients').all() as { noKartu: string; nik: string | null; nama: string }[]
  const day = demoPeserta().filter((p) => stored.some((s) => s.noKartu === p.noKartu))
  // The day really stored patients (read through the key), so the search below looks for values that are there.
  expect(day.length).toBeGreaterThan(0)
  expect(stored.some((s) => s.nik !== null)).toBe(true)
  const values = day.flatMap((p) => [p.noKartu, p.noKTP, p.nama, p.nama.toUpperCase()])
  const files = ['faskes.db', 'faskes.db-wal', 'faskes.db-shm'].map((f) => join(tmp.dir, f)).filter((f) => existsSync(f))
  expect(files.length).toBeGreaterThan(1)
  const hits = files.flatMap((f) => {
    const bytes = readFileSync(f)
    return values.filter((v) => bytes.includes(Buffer.from(v, 'utf8'))).map((v) => `${v.slice(0, 4)}… in ${f.split('/').pop()}`)
  })
  expect(hits).toEqual([])
})
