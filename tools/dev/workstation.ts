import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openCore } from '../../electron/core/app'
import { demoRemotesFromEnv } from '../../electron/core/demo'
import { localRuntimeDir } from '../../electron/core/ledger/profile'
import { startBrowserShell } from '../browser-shell/server'
import { parseToolArgs } from '../lib/args'
import { remindSetupCode } from '../lib/setup-code'
import { startSimulator } from '../pcare-sim/server'
import { startSatusehatSimulator } from '../satusehat-sim/server'

/**
 * The workstation where Electron cannot start: the browser shell with the real sync engine. Remotes that are not
 * configured in the settings fall back to the demo stand-ins, and the screen says so (app.info.demo):
 * PCare → the simulator started here on 127.0.0.1 (state kept in .runtime/), SATUSEHAT in its "demo" environment →
 * the SATUSEHAT simulator likewise, ledger → the local Fabric network.
 */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const USAGE = `npm start -- [options]   (or: npx tsx tools/dev/workstation.ts [options])
  the workstation in a browser, with the sync engine and the demo stand-ins for remotes not set in Pengaturan
  --port N                browser shell port on 127.0.0.1 (default 5180)
  --data-dir DIR          folder of faskes.db and setup-code (default .runtime/workstation); another folder = another
                          install (its own users, settings and outbox)
  --sim-port N            PCare simulator port (default 8787), started while no PCare URL is set
  --satusehat-sim-port N  SATUSEHAT simulator port (default 8788), started while SATUSEHAT is in its demo environment
  --help, -h              this text`
const parsed = parseToolArgs(process.argv.slice(2), {
  port: { type: 'string', default: '5180' },
  'sim-port': { type: 'string', default: '8787' },
  'satusehat-sim-port': { type: 'string', default: '8788' },
  'data-dir': { type: 'string', default: join(repoRoot, '.runtime', 'workstation') },
}, USAGE)
if (parsed.exit !== null) {
  ;(parsed.exit === 0 ? console.log : console.error)(parsed.text)
  process.exit(parsed.exit)
}
const { values } = parsed

async function main() {
  const dataDir = values['data-dir']!
  // Read the settings once to decide which demo stand-ins are needed (through core: the file is encrypted).
  const first = await openCore({ dataDir, version: 'settings' })
  const settings = first.settings.get()
  await first.close()

  const env: NodeJS.ProcessEnv = {}
  const notes: string[] = []
  let sim: Awaited<ReturnType<typeof startSimulator>> | null = null
  if (settings.pcare.baseUrl === null) {
    mkdirSync(join(repoRoot, '.runtime', 'pcare-sim'), { recursive: true })
    sim = await startSimulator({ port: Number(values['sim-port']), statePath: join(repoRoot, '.runtime', 'pcare-sim', 'state.json') })
    env.FASKES_DEMO_PCARE_URL = sim.url
    notes.push(`PCare: DEMO — simulator BPJS PCare di ${sim.url} (bukan layanan BPJS sungguhan)`)
  } else notes.push(`PCare: ${settings.pcare.baseUrl} (kredensial dari keychain)`)
  let ssim: Awaited<ReturnType<typeof startSatusehatSimulator>> | null = null
  if (settings.satusehat.environment === 'demo') {
    mkdirSync(join(repoRoot, '.runtime', 'satusehat-sim'), { recursive: true })
    ssim = await startSatusehatSimulator({ port: Number(values['satusehat-sim-port']), statePath: join(repoRoot, '.runtime', 'satusehat-sim', 'state.json') })
    env.FASKES_DEMO_SATUSEHAT_URL = ssim.url
    const on = settings.satusehat.enabled ? 'aktif / on' : 'belum diaktifkan di Pengaturan / not enabled in Pengaturan yet'
    notes.push(`SATUSEHAT: DEMO — simulator SATUSEHAT di ${ssim.url} (bukan platform Kemenkes sungguhan; ${on})`)
  } else notes.push(`SATUSEHAT: ${settings.satusehat.environment} (kredensial dari keychain)`)
  if (settings.ledger.peerEndpoint === null) {
    const runtimeDir = localRuntimeDir(repoRoot)
    if (!existsSync(runtimeDir)) throw new Error('Jaringan Fabric lokal belum ada: jalankan `npm run network:up` dulu (npm start melakukannya).')
    env.FASKES_DEMO_LEDGER_DIR = runtimeDir
    notes.push(`Ledger: DEMO — jaringan Fabric lokal (BPJS, RS, Puskesmas) di 127.0.0.1, org ${settings.ledger.org}, kanal ${settings.ledger.channel}`)
  } else notes.push(`Ledger: peer ${settings.ledger.peerEndpoint}`)

  const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version
  const shell = await startBrowserShell({
    port: Number(values.port),
    dataDir,
    version,
    rendererDir: join(repoRoot, 'out', 'renderer'),
    remotes: demoRemotesFromEnv(env),
  })
  console.log(`\nFaskes workstation: ${shell.url}`)
  for (const n of notes) console.log(`  ${n}`)
  console.log(`  Data: ${shell.core.dbFile}\n  Stop with Ctrl+C.`)
  let stopReminders = () => {}
  if (shell.setupCode) {
    console.log(`  Kode penyiapan pertama / first-run setup code: ${shell.setupCode} (also in ${shell.setupCodeFile})`)
    // The engine's first sends and reference fetches log right after this: say the code again while it is unused.
    stopReminders = remindSetupCode(shell.setupCode, shell.setupCodeFile, (l) => console.log(`  ${l}`))
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stopReminders()
      void shell
        .close()
        .then(() => sim?.close())
        .then(() => ssim?.close())
        .then(() => process.exit(0))
    })
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
