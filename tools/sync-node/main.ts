import { parseArgs } from 'node:util'
import { existsSync } from 'node:fs'
import { openDatabase, type DB } from '../../electron/core/db'
import { createLogger } from '../../electron/core/log'
import { localRuntimeDir } from '../../electron/core/ledger/profile'
import { memoryKeychain } from '../../electron/core/ledger/memory-keychain'
import { SettingsStore } from '../../electron/core/settings'
import { SyncEngine } from '../../electron/core/sync/engine'
import { demoSatusehatRemote } from '../../electron/core/demo'
import { SIM_CREDENTIALS } from '../pcare-sim/server'
import { numberFlag } from '../lib/flags'

/**
 * Headless sync process for crash tests and benches: drains an existing workstation database against the DEMO remotes
 * (the PCare simulator on loopback and the local Fabric network), then exits.
 *
 *   npx tsx tools/sync-node/main.ts --db faskes.db --sim-url http://127.0.0.1:8787
 *       [--satusehat-url http://127.0.0.1:8788] [--time-limit-ms 60000] [--pcare-timeout-ms 1500] [--fast]
 *       [--ledger-concurrency 16] [--pcare-concurrency 4] [--events]
 *
 * Simulator credentials come from PCARE_CONS_ID, PCARE_SECRET_KEY, PCARE_USER_KEY, PCARE_ANTREAN_USER_KEY, PCARE_USERNAME,
 * PCARE_PASSWORD, PCARE_KD_APLIKASI, defaulting to the simulator's fake values. `--satusehat-url` is the SATUSEHAT
 * simulator (its own fake client, demo environment). Only loopback URLs are accepted: real PCare or SATUSEHAT needs
 * the keychain and the app, never this tool.
 *
 * stdout: one JSON line {"event":"ready"} once the engine runs, one {"event":"exit",...} at the end.
 * Exit 0 when drained or when the time limit is reached ("drained": false tells them apart); 2 on bad arguments.
 */

function counts(db: DB): Record<string, number> {
  const rows = db.prepare('SELECT status, count(*) AS n FROM outbox GROUP BY status').all() as { status: string; n: number }[]
  return Object.fromEntries(rows.map((r) => [r.status, r.n]))
}

async function main(): Promise<void> {
  const S = { type: 'string' } as const
  const B = { type: 'boolean' } as const
  // strict: an unknown or misspelt flag is an error, not silently ignored.
  const args = parseArgs({ args: process.argv.slice(2), options: { db: S, 'sim-url': S, 'satusehat-url': S, 'time-limit-ms': S, 'pcare-timeout-ms': S, fast: B, 'ledger-concurrency': S, 'pcare-concurrency': S, events: B }, strict: true }).values
  const dbPath = args.db
  if (typeof dbPath !== 'string' || !existsSync(dbPath)) throw new Error('--db <existing workstation database> is required')
  const simUrl = args['sim-url']
  if (typeof simUrl !== 'string') throw new Error('--sim-url http://127.0.0.1:<port> is required')
  const loopback = (flag: string, value: string): string => {
    const url = new URL(value)
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`--${flag} must be a loopback address (demo simulator only)`)
    return url.origin
  }
  const root = loopback('sim-url', simUrl)
  const satusehatUrl = args['satusehat-url']
  const satusehatRoot = typeof satusehatUrl === 'string' ? loopback('satusehat-url', satusehatUrl) : null
  const env = process.env
  const creds = {
    consId: env.PCARE_CONS_ID ?? SIM_CREDENTIALS.consId,
    secretKey: env.PCARE_SECRET_KEY ?? SIM_CREDENTIALS.secretKey,
    userKey: env.PCARE_USER_KEY ?? SIM_CREDENTIALS.userKey,
    username: env.PCARE_USERNAME ?? SIM_CREDENTIALS.username,
    password: env.PCARE_PASSWORD ?? SIM_CREDENTIALS.password,
    kdAplikasi: env.PCARE_KD_APLIKASI ?? SIM_CREDENTIALS.kdAplikasi,
  }
  const antreanCreds = { ...creds, userKey: env.PCARE_ANTREAN_USER_KEY ?? SIM_CREDENTIALS.antreanUserKey }
  const limitMs = numberFlag(args, 'time-limit-ms', 60_000)
  const fast = args.fast === true

  const db = openDatabase(dbPath)
  const settings = new SettingsStore(db)
  const log = createLogger({ scope: 'sync-node', level: (env.FASKES_LOG_LEVEL as 'warn') ?? 'warn' })
  const engine = new SyncEngine(
    db,
    settings,
    {
      demoPcare: { baseUrl: `${root}/pcare-rest`, antreanBaseUrl: `${root}/antreanfktp`, credentials: creds, antreanCredentials: antreanCreds },
      demoLedger: { runtimeDir: localRuntimeDir() },
      ...(satusehatRoot ? { demoSatusehat: demoSatusehatRemote(satusehatRoot) } : {}),
      // No OS keychain in this headless node: its demo ledger identity is enrolled per process (ledger/memory-keychain.ts).
      keychain: memoryKeychain(),
    },
    {
      // --fast scales every wait alike, SATUSEHAT's minute after a failed token call included (a token call timed out
      // under load otherwise held the lane for a full minute and the final drain of the crash test ran out of time).
      ...(fast ? { pollMs: 20, probeMs: 100, backoff: { scale: 0.001 }, satusehatTokenFailureWaitMs: 60 } : {}),
      pcareTimeoutMs: args['pcare-timeout-ms'] === undefined ? undefined : numberFlag(args, 'pcare-timeout-ms', 1500),
      concurrency: {
        ...(args['ledger-concurrency'] !== undefined ? { ledger: numberFlag(args, 'ledger-concurrency', 16) } : {}),
        ...(args['pcare-concurrency'] !== undefined ? { pcare: numberFlag(args, 'pcare-concurrency', 4) } : {}),
      },
      log,
    },
  )
  const started = Date.now()
  const finish = async (drained: boolean): Promise<never> => {
    await engine.stop()
    process.stdout.write(JSON.stringify({ event: 'exit', drained, ms: Date.now() - started, counts: counts(db) }) + '\n')
    db.close()
    process.exit(0)
  }
  process.on('SIGTERM', () => void finish(engine.store.runnableCount() === 0))
  process.on('SIGINT', () => void finish(engine.store.runnableCount() === 0))

  // The chain event listener is not part of draining the outbox, and stopping it while it connects hangs
  // (ChainEventListener.stop, see test/sync/engine-stop.test.ts); --events turns it on.
  engine.start({ events: args.events === true })
  process.stdout.write(JSON.stringify({ event: 'ready', pid: process.pid, counts: counts(db) }) + '\n')
  for (;;) {
    if (engine.store.runnableCount() === 0 && engine.idle) return finish(true)
    if (Date.now() - started > limitMs) return finish(false)
    await new Promise((r) => setTimeout(r, fast ? 50 : 250))
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`sync-node: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(2)
})
