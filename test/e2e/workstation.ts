import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'
import type { Role } from '../../electron/contract'
import { createCore, openCore, type Core } from '../../electron/core/app'
import { AuthService } from '../../electron/core/auth'
import { keychainSealKey } from '../../electron/core/auth/seal'
import type { DB } from '../../electron/core/db'
import { createLogger } from '../../electron/core/log'
import { PcareClient, type PcareTimeouts } from '../../electron/core/pcare'
import { refreshReferenceData } from '../../electron/core/reference'
import type { EngineOptions, Remotes } from '../../electron/core/sync/engine'
import { startBrowserShell, type BrowserShell } from '../../tools/browser-shell/server'
import type { Simulator } from '../../tools/pcare-sim/server'
import { launchChromium } from './browser'

/*
 * The workstation every end-to-end suite stands up: a SQLite file seeded through core, the browser shell serving the
 * built renderer (with the real sync engine when remotes are given), and a Chromium page that records what goes wrong
 * in the browser. Each suite keeps its own order of these steps, its own users and its own data.
 */

export const repoRoot = resolve(import.meta.dirname, '../..')
export const rendererDir = join(repoRoot, 'out', 'renderer')
/** Screenshots and PDFs, kept after the run for a person to look at. */
export const shots = join(repoRoot, 'test-results', 'e2e')

/** A demo card as tools/demo-data/peserta.json lists it (the fields the suites read). */
export interface DemoPeserta {
  noKartu: string
  /** The card holder's NIK. */
  noKTP: string
  nama: string
  aktif: boolean
  sex: string
  tglLahir: string
}

/** A logger that prints nothing: the simulator's and the client's lines would bury the tests' own output. */
export const quiet = createLogger({ level: 'error', sink: () => {} })

/** The simulator's demo cards, in file order: suites pick theirs by position or number. */
export function demoPeserta(): DemoPeserta[] {
  return JSON.parse(readFileSync(join(repoRoot, 'tools/demo-data/peserta.json'), 'utf8')) as DemoPeserta[]
}

export interface Account {
  username: string
  password: string
}

/** Fails at once, with the fix, when the renderer has not been built; makes the screenshot folder. */
export function requireBuiltRenderer(): void {
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error('out/renderer is missing: run `npx electron-vite build` (npm run test:e2e does)')
  mkdirSync(shots, { recursive: true })
}

/**
 * Opens the workstation's SQLite file through core before the shell does, lets `seed` write into it, and closes it
 * again (even when `seed` throws), so the shell then starts on that data as the app would after a restart.
 */
export async function seedCore<T>(dataDir: string, seed: (core: Core) => T | Promise<T>, options: { keychain?: boolean } = {}): Promise<T> {
  // As the shell opens it: encrypted with the keychain's key. Without a keychain the seed writes a plain file, which
  // the shell then encrypts once, as it would an older install's.
  const core = options.keychain === false ? createCore({ dataDir, version: 'seed', keychain: false }) : await openCore({ dataDir, version: 'seed' })
  try {
    return await seed(core)
  } finally {
    await core.close()
  }
}

/**
 * Creates a user straight in core; returns an admin's TOTP secret ('' for other roles). The secret is sealed with
 * the keychain's key, the same keychain the shell under test uses; a core without keychain can create non-admins only.
 */
export async function createUser(core: Core, account: Account, role: Role): Promise<string> {
  const auth = new AuthService(core.db, keychainSealKey(core.db, core.credentials))
  return (await auth.createUser(account.username, account.password, role)).enrolment?.secret ?? ''
}

/** Fills the reference lists (poli, dokter, diagnosa, tindakan…) from the simulator, as an admin's refresh would. */
export async function refreshFromSimulator(db: DB, sim: Simulator, timeouts?: Partial<PcareTimeouts>): Promise<void> {
  const client = new PcareClient({
    credentials: sim.credentials,
    config: { baseUrl: sim.pcareBaseUrl, antreanBaseUrl: sim.antreanBaseUrl, timeouts },
    logger: quiet,
  })
  await refreshReferenceData(db, client)
}

/** Retries a hundred times faster than production, so a test waits seconds, not minutes. */
export const FAST_ENGINE: EngineOptions = { pollMs: 100, probeMs: 500, backoff: { scale: 0.01 }, pcareTimeoutMs: 2000 }

/** The browser shell on a free port over `dataDir`; with `remotes`, the real sync engine runs at FAST_ENGINE pace. */
export function startShell(dataDir: string, remotes?: Remotes, engine: EngineOptions = {}): Promise<BrowserShell> {
  return startBrowserShell({
    port: 0,
    dataDir,
    version: '0.0.0-e2e',
    rendererDir,
    ...(remotes ? { remotes, engine: { ...FAST_ENGINE, ...engine } } : {}),
  })
}

export interface BrowserPage {
  browser: Awaited<ReturnType<typeof launchChromium>>
  page: Page
  /** Console errors and uncaught page errors, in order: a suite expects none (or only those it names). */
  problems: string[]
}

/** Records the page's console errors and uncaught page errors, in order, into the returned list. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`))
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  return problems
}

/** Launches Chromium (with `chromiumArgs`) and opens one page whose problems are recorded. */
export async function openPage(chromiumArgs: string[] = []): Promise<BrowserPage> {
  const browser = await launchChromium(chromiumArgs)
  const page = await browser.context.newPage()
  return { browser, page, problems: watchProblems(page) }
}

/** Closes what a suite started, in the order given (browser, shell, simulator: each one talks to the next); skips what never started. */
export async function closeAll(...parts: ({ close(): Promise<void> } | null | undefined)[]): Promise<void> {
  for (const part of parts) await part?.close()
}
