import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, type WriteStream } from 'node:fs'
import { join } from 'node:path'

/*
 * Child processes that each run under a keyring of their own (tools/dev/with-keyring.sh with FASKES_KEYRING_DIR), as
 * separate PCs do: the hub and desk programs (`npm run hub`, `npm run desk`) and one-shot admin commands. Used by the
 * multi-process tests (test/e2e/hub-desks.e2e.test.ts, test/sync/hub-restore.test.ts).
 */

const REPO = join(__dirname, '../..')
const WITH_KEYRING = join(REPO, 'tools/dev/with-keyring.sh')
/** How much of a child's stderr an error message quotes (its end: where a failure is said). */
const STDERR_TAIL = 4000

/**
 * The environment of a child under its own keyring: `dir` holds the keyring (kept after the child ends, so a restart
 * finds its items) and `passwordFile` its unlock password. The test's own keyring session is dropped: `npm test` runs
 * under with-keyring.sh, whose FASKES_IN_KEYRING would make the child's with-keyring.sh reuse the test's keyring.
 */
export function ownKeyringEnv(keyring: { dir: string; passwordFile: string }, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FASKES_KEYRING_DIR: keyring.dir, FASKES_KEYRING_PASSWORD_FILE: keyring.passwordFile, ...extra }
  delete env.FASKES_IN_KEYRING
  delete env.DBUS_SESSION_BUS_ADDRESS
  return env
}

/** A long-running child started by startUnderKeyring. */
export interface KeyringProcess {
  name: string
  /** The with-keyring.sh wrapper, leader of the child's own process group (its pid is the group's id). */
  child: ChildProcess
  /**
   * The child's `{"event":"ready","url":…}` stdout line. Rejects when it exits first or prints none within `readyMs`;
   * a rejection nobody awaits is not reported (a process killed on purpose after it was ready).
   */
  ready: Promise<{ url: string }>
  /** Whether it has exited (set before `gone` resolves). */
  exited: boolean
  /** Resolves once it has exited. */
  gone: Promise<void>
}

/** Where a child's output goes: appended to `logFile` when given (the file is opened once per child), else dropped. */
function logTo(logFile: string | undefined, header: string): WriteStream | null {
  if (!logFile) return null
  const log = createWriteStream(logFile, { flags: 'a' })
  log.write(`\n--- ${new Date().toISOString()} ${header}\n`)
  return log
}

/**
 * Starts `argv` under with-keyring.sh in its own process group (so a signal to the group reaches the wrapper, npm,
 * tsx and node at once: stopGroup), stdout and stderr appended to `logFile` when given. Error messages quote the end
 * of its stderr.
 */
export function startUnderKeyring(name: string, argv: string[], options: { env: NodeJS.ProcessEnv; readyMs: number; logFile?: string }): KeyringProcess {
  const log = logTo(options.logFile, argv.join(' '))
  const child = spawn('bash', [WITH_KEYRING, ...argv], { cwd: REPO, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => {
    log?.write(chunk)
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL)
  })
  const proc: KeyringProcess = { name, child, exited: false, ready: Promise.resolve({ url: '' }), gone: Promise.resolve() }
  proc.gone = new Promise((done) =>
    child.once('exit', (code, signal) => {
      proc.exited = true
      // Not ended: output still buffered in the pipes may arrive after 'exit'.
      log?.write(`--- exited ${code ?? signal}\n`)
      done()
    }),
  )
  const where = () => (options.logFile ? `see ${options.logFile}` : stderr)
  proc.ready = new Promise((resolveReady, reject) => {
    let buffered = ''
    const timer = setTimeout(() => reject(new Error(`${name}: no ready line within ${options.readyMs} ms (${where()})`)), options.readyMs)
    child.stdout!.on('data', (chunk: Buffer) => {
      log?.write(chunk)
      buffered += chunk.toString('utf8')
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl).trim()
        buffered = buffered.slice(nl + 1)
        if (!line.startsWith('{')) continue
        const parsed = JSON.parse(line) as { event?: string; url?: string }
        if (parsed.event === 'ready' && parsed.url) {
          clearTimeout(timer)
          resolveReady({ url: parsed.url })
        }
      }
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready (${where()})`))
    })
  })
  proc.ready.catch(() => {})
  return proc
}

/**
 * Ends a child's process group: SIGTERM (the programs stop cleanly on it), then SIGKILL if it has not exited after
 * `graceMs`; `graceMs` 0 sends SIGKILL at once (a crash). Bounded: returns within about graceMs + 3 s.
 */
export async function stopGroup(proc: KeyringProcess, graceMs = 5000): Promise<void> {
  if (proc.exited || proc.child.pid === undefined) return
  try {
    process.kill(-proc.child.pid, graceMs > 0 ? 'SIGTERM' : 'SIGKILL')
  } catch {
    return
  }
  const timer = new Promise<'late'>((done) => setTimeout(() => done('late'), Math.max(graceMs, 2000)))
  if ((await Promise.race([proc.gone, timer])) === 'late') {
    try {
      process.kill(-proc.child.pid, 'SIGKILL')
    } catch {
      // already gone
    }
    await Promise.race([proc.gone, new Promise((done) => setTimeout(done, 3000))])
  }
}

/**
 * Runs a one-shot command under with-keyring.sh to its end and answers its stdout; `stdin` is written to it (secrets
 * travel this way, never in arguments). stderr goes to `logFile` when given, stdout too unless it carries a secret
 * (`quietStdout`). Rejects on a non-zero exit (quoting the end of stderr) or after `timeoutMs` (the command is killed).
 */
export function runUnderKeyring(
  argv: string[],
  options: { env: NodeJS.ProcessEnv; timeoutMs: number; stdin?: string; logFile?: string; quietStdout?: boolean },
): Promise<string> {
  const log = logTo(options.logFile, argv.slice(0, 3).join(' '))
  const child = spawn('bash', [WITH_KEYRING, ...argv], { cwd: REPO, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] })
  child.stdin.end(options.stdin ?? '')
  const out: Buffer[] = []
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (out.push(c), options.quietStdout || log?.write(c)))
  child.stderr.on('data', (c: Buffer) => (log?.write(c), (stderr = (stderr + c.toString('utf8')).slice(-STDERR_TAIL))))
  const what = argv.slice(0, 4).join(' ')
  return new Promise((resolveRun, reject) => {
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`${what}: no exit within ${options.timeoutMs} ms`))), options.timeoutMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      log?.end(`--- exit ${code}\n`)
      if (code === 0) resolveRun(Buffer.concat(out).toString('utf8'))
      else reject(new Error(`${what} exited ${code}: ${options.logFile ? `see ${options.logFile}` : stderr}`))
    })
  })
}
