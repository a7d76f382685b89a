import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import bwipjs from 'bwip-js/node'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { BrowserShell } from '../../tools/browser-shell/server'
import { startSimulator, type Simulator } from '../../tools/pcare-sim/server'
import { tempDir } from '../helpers/tmp'
import { demoRemotes, freshKdPPK } from '../sync/harness'
import { signIn } from './session'
import { type BrowserPage, closeAll, createUser, openPage, quiet, requireBuiltRenderer, seedCore, shots, startShell } from './workstation'

/**
 * A card whose number is printed as a Code 128 barcode (issue 12 h), shown to Chromium's fake webcam: F2 opens the
 * camera, the barcode is decoded, and the card field holds the number and the card check runs, as with a QR code.
 */
const COUNTER = { username: 'loket1', password: 'kata-sandi-loket-e2e' }
// A demo card (tools/demo-data/peserta.json).
const CARD = { noKartu: '0009999000003', nama: 'Dewi Lestari' }

const tmp = tempDir('faskes-e2e-barcode-')
let sim: Simulator
let shell: BrowserShell
let browser: BrowserPage['browser']
let page: Page
let problems: string[] = []

/** The number as a Code 128 PNG (bwip-js, 4 px per module, about 500 px wide), padded into the 640x480 y4m the fake camera loops. */
async function code128Video(text: string): Promise<string> {
  const png = join(tmp.dir, 'code128.png')
  const y4m = join(tmp.dir, 'code128.y4m')
  writeFileSync(png, await bwipjs.toBuffer({ bcid: 'code128', text, scale: 4, height: 15, paddingwidth: 10, paddingheight: 10, backgroundcolor: 'FFFFFF' }))
  execFileSync(
    'ffmpeg',
    ['-y', '-loglevel', 'error', '-loop', '1', '-i', png, '-t', '2', '-r', '10', '-vf', 'pad=640:480:(ow-iw)/2:(oh-ih)/2:color=white,format=yuv420p', '-pix_fmt', 'yuv420p', y4m],
    { timeout: 60_000 },
  )
  return y4m
}

beforeAll(async () => {
  requireBuiltRenderer()
  sim = await startSimulator({ port: 0, statePath: join(tmp.dir, 'sim-state.json'), logger: quiet })
  await seedCore(
    tmp.dir,
    async (seed) => {
      seed.settings.update({ faskesName: 'Puskesmas Barcode E2E', kdPPK: freshKdPPK() })
      await createUser(seed, COUNTER, 'counter')
    },
    { keychain: false },
  )
  shell = await startShell(tmp.dir, demoRemotes(sim))
  ;({ browser, page, problems } = await openPage(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${await code128Video(CARD.noKartu)}`]))
  await page.goto(shell.url, { waitUntil: 'domcontentloaded' })
  await signIn(page, COUNTER.username, COUNTER.password)
  await page.getByRole('heading', { level: 1, name: 'Pendaftaran', exact: true }).waitFor()
}, 120_000)

afterAll(async () => {
  await closeAll(browser, shell, sim)
  tmp.cleanup()
})

it('a Code 128 card number from the webcam fills the card field and checks the card', async () => {
  await page.keyboard.press('F2')
  await page.getByRole('region', { name: 'Kamera pemindai kartu (QR atau barcode)' }).waitFor()
  await page.getByTestId('eligibility').waitFor({ timeout: 20_000 })
  expect(await page.locator('#peserta-id').inputValue()).toBe(CARD.noKartu)
  expect(await page.getByTestId('nama').innerText()).toBe(CARD.nama)
  // The camera closes once a code is read.
  expect(await page.locator('#qr-reader').count()).toBe(0)
  await page.screenshot({ path: join(shots, 'barcode-code128.png') })
  expect(problems).toEqual([])
})
