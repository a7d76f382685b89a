import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { ExaminationInput, RegistrationInput } from '../../electron/contract'
import { recordExamination, registerVisit } from '../../electron/core/clinic'
import { openDatabase, type DB } from '../../electron/core/db'
import { connectLedger, type LedgerConnection } from '../../electron/core/ledger/gateway'
import { localNetworkKeyPath, localNetworkProfile, localRuntimeDir } from '../../electron/core/ledger/profile'
import { SettingsStore } from '../../electron/core/settings'
import { SyncEngine, type EngineOptions, type Remotes } from '../../electron/core/sync/engine'
import { startSimulator, type SimOptions, type Simulator } from '../../tools/pcare-sim/server'
import { readFileSync } from 'node:fs'
import { tempDir } from '../helpers/tmp'

/** Card numbers the network seed issued as ACTIVE (tools/demo-data/peserta.json). */
export const ACTIVE_CARDS = (JSON.parse(readFileSync(join(__dirname, '../../tools/demo-data/peserta.json'), 'utf8')) as { noKartu: string; aktif: boolean; noKTP: string }[]).filter((p) => p.aktif)

/** A fresh faskes code per run: the ledger keeps its state between runs, so ids must not collide with earlier runs. */
export function freshKdPPK(): string {
  return 'T' + randomBytes(8).toString('hex').toUpperCase().replace(/[^0-9A-Z]/g, '').slice(0, 7)
}

export function demoRemotes(sim: Simulator): Remotes {
  const c = sim.credentials
  return {
    demoPcare: {
      baseUrl: sim.pcareBaseUrl,
      antreanBaseUrl: sim.antreanBaseUrl,
      credentials: { consId: c.consId, secretKey: c.secretKey, userKey: c.userKey, username: c.username, password: c.password, kdAplikasi: c.kdAplikasi },
      antreanCredentials: { consId: c.consId, secretKey: c.secretKey, userKey: c.antreanUserKey, username: c.username, password: c.password, kdAplikasi: c.kdAplikasi },
    },
    demoLedger: { runtimeDir: localRuntimeDir() },
  }
}

/** Test-speed retries: the schedule keeps its shape (1, 5, 15 min) scaled down a thousand times. */
export const FAST: EngineOptions = { pollMs: 20, probeMs: 100, backoff: { scale: 0.001 }, pcareTimeoutMs: 1500 }

export interface Workstation {
  dir: string
  db: DB
  settings: SettingsStore
  kdPPK: string
  cleanup(): void
}

export function workstation(org: 'RS' | 'Puskesmas' = 'Puskesmas'): Workstation {
  const tmp = tempDir('faskes-sync-')
  const db = openDatabase(join(tmp.dir, 'faskes.db'))
  const settings = new SettingsStore(db)
  const kdPPK = freshKdPPK()
  settings.update({ kdPPK, ledger: { org } })
  const ins = db.prepare('INSERT OR REPLACE INTO patients (no_kartu, nik, nama, kd_provider, aktif, updated_at) VALUES (?, ?, ?, ?, 1, 0)')
  for (const p of ACTIVE_CARDS) ins.run(p.noKartu, p.noKTP, 'Demo', '0199B001', )
  return { dir: tmp.dir, db, settings, kdPPK, cleanup: () => (db.close(), tmp.cleanup()) }
}

export async function simulator(opts: SimOptions = {}): Promise<Simulator> {
  return startSimulator({ port: 0, slowMs: 3000, ...opts })
}

const VITALS = { sistole: 120, diastole: 80, beratBadan: 55, tinggiBadan: 160, lingkarPerut: 70, respRate: 18, heartRate: 80, suhu: '37.0' }

/** Registers a visit and records its examination: 4 PCare jobs (pendaftaran, kunjungan, tindakan, obat) and 2 ledger jobs. */
export function visit(ws: Workstation, noKartu: string, opts: { kdPoli?: string; now?: number; exam?: boolean } = {}) {
  const now = opts.now ?? Date.now()
  const { noRawat } = registerVisit(ws.db, { kdPPK: ws.kdPPK }, RegistrationInput.parse({ noKartu, kdPoli: opts.kdPoli ?? '001', kunjSakit: true, keluhan: 'demam' }), { userId: 'test' }, now)
  if (opts.exam === false) return { noRawat }
  const r = recordExamination(
    ws.db,
    { kdPPK: ws.kdPPK },
    ExaminationInput.parse({
      noRawat,
      keluhan: 'demam 2 hari',
      vitals: VITALS,
      kdSadar: '01',
      diagnoses: [{ kdDiag: 'A01.0', nmDiag: 'Demam tifoid' }],
      kdDokter: '131491',
      kdStatusPulang: '3',
      tindakan: [{ kdTindakan: '10001', biaya: 10000 }],
      obat: [{ kdObat: '120100362', nmObat: 'Parasetamol', signa1: 3, signa2: 1, jmlObat: 10 }],
      claimAmount: 150000,
    }),
    { userId: 'test' },
    now,
  )
  return { noRawat, ...r }
}

export function outboxCounts(db: DB): Record<string, number> {
  const rows = db.prepare('SELECT status, count(*) AS n FROM outbox GROUP BY status').all() as { status: string; n: number }[]
  return Object.fromEntries(rows.map((r) => [r.status, r.n]))
}

/** Jobs that can still make progress: active, and not held behind a permanent failure of their chain. */
export function runnable(db: DB): number {
  return (
    db
      .prepare(
        `SELECT count(*) AS n FROM outbox o WHERE o.status IN ('pending', 'in_flight', 'failed_transient')
           AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.chain_key = o.chain_key AND p.seq < o.seq AND p.status = 'failed_permanent')`,
      )
      .get() as { n: number }
  ).n
}

/** Waits until nothing can make progress any more, bounded. */
export async function drained(db: DB, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs
  for (;;) {
    if (runnable(db) === 0) return
    if (Date.now() > end) throw new Error(`outbox not drained after ${timeoutMs} ms: ${JSON.stringify(outboxCounts(db))}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export async function ledgerAs(org: 'BPJS' | 'RS' | 'Puskesmas', channel = 'bpjs-main'): Promise<LedgerConnection> {
  const runtimeDir = localRuntimeDir()
  return connectLedger(localNetworkProfile(org, { channel, runtimeDir }), readFileSync(localNetworkKeyPath(org, 'User1', runtimeDir)))
}

export function engine(ws: Workstation, sim: Simulator, opts: EngineOptions = {}): SyncEngine {
  return new SyncEngine(ws.db, ws.settings, demoRemotes(sim), { ...FAST, ...opts })
}
