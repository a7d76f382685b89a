import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseToolArgs } from '../lib/args'
import { remindSetupCode } from '../lib/setup-code'
import { startBrowserShell } from './server'

/**
 * `npm run start:browser [-- --port N --data-dir DIR]`: the app in any local browser, for machines where
 * Electron cannot start. Builds the renderer first when its sources are newer than the build.
 */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

const USAGE = `npm run start:browser -- [--port N] [--data-dir DIR] [--no-build]
  the app in a local browser without the sync engine (nothing is sent; npm start runs the full workstation)
  --port N        port on 127.0.0.1 (default 0 = a free port; the URL is printed)
  --data-dir DIR  folder of faskes.db and setup-code (default .runtime/browser-shell); another folder = another install
  --no-build      serve out/renderer as it is, without rebuilding it when renderer/ is newer
  --help, -h      this text`
const parsed = parseToolArgs(process.argv.slice(2), {
  port: { type: 'string', default: '0' },
  'data-dir': { type: 'string', default: join(repoRoot, '.runtime', 'browser-shell') },
  'no-build': { type: 'boolean', default: false },
}, USAGE)
if (parsed.exit !== null) {
  ;(parsed.exit === 0 ? console.log : console.error)(parsed.text)
  process.exit(parsed.exit)
}
const { values } = parsed

const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be a whole number 0..65535 (0 = a free port), got ${values.port}`)
  process.exit(2)
}

const rendererDir = join(repoRoot, 'out', 'renderer')
if (!values['no-build'] && needsBuild()) {
  console.error('Building the renderer (electron-vite build)…')
  execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: repoRoot, stdio: 'inherit' })
}

const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version
startBrowserShell({ port, dataDir: resolve(values['data-dir']), version, rendererDir }).then(
  (shell) => {
    console.log(`Faskes workstation (browser shell): ${shell.url}`)
    console.log(`Data: ${shell.core.dbFile}. Stop with Ctrl+C.`)
    let stopReminders = () => {}
    if (shell.setupCode) {
      console.log(`Kode penyiapan pertama / first-run setup code: ${shell.setupCode} (also in ${shell.setupCodeFile})`)
      stopReminders = remindSetupCode(shell.setupCode, shell.setupCodeFile, (l) => console.log(l))
    }
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        stopReminders()
        void shell.close().then(() => process.exit(0))
      })
    }
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  },
)

function needsBuild(): boolean {
  const built = join(rendererDir, 'index.html')
  if (!existsSync(built)) return true
  return newestMtime(join(repoRoot, 'renderer')) > statSync(built).mtimeMs
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}
