import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { ExaminationInput, RegistrationInput } from '../../electron/contract'
import { recordExamination, registerVisit } from '../../electron/core/clinic'
import { openDatabase, type DB } from '../../electron/core/db'
import { chaincodeErrorKind, connectLedger, type LedgerConnection } from '../../electron/core/ledger/gateway'
import { memoryKeychain } from '../../electron/core/ledger/memory-keychain'
import { localPeerProfile, localRuntimeDir } from '../../electron/core/ledger/profile'
import { SettingsStore } from '../../electron/core/settings'
import { SyncEngine, type EngineOptions, type Remotes } from '../../electron/core/sync/engine'
import { OutboxStore } from '../../electron/core/sync/outbox'
import { startSimulator, type SimOptions, type Simulator } from '../../tools/pcare-sim/server'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { SimState } from '../../tools/pcare-sim/state'
import type { SatusehatSimulator } from '../../tools/satusehat-sim/server'
import { enrolTestIdentity, type TestOrg } from '../helpers/fabric-identity'
import { tempDir } from '../helpers/tmp'

export { until } from '../helpers/until'

/** Card numbers the network seed issued as ACTIVE (tools/demo-data/peserta.json). */
export const ACTIVE_CARDS = (JSON.parse(readFileSync(join(__dirname, '../../tools/demo-data/peserta.json'), 'utf8')) as { noKartu: string; aktif: boolean; noKTP: string }[]).filter((p) => p.aktif)

/** A fresh faskes code per run: the ledger keeps its state between runs, so ids must not collide with earlier runs. */
export function freshKdPPK(): string {
  return 'T' + randomBytes(8).toString('hex').toUpperCase().replace(/[^0-9A-Z]/g, '').slice(0, 7)
}

/**
 * The demo remotes on these simulators; with `satusehat`, the SATUSEHAT simulator is the demo SATUSEHAT too. Only
 * their addresses and fake credentials are read, so a simulator in another process (bench/sync-catchup.ts) serves too.
 */
export function demoRemotes(
  sim: Pick<Simulator, 'pcareBaseUrl' | 'antreanBaseUrl' | 'credentials'>,
  satusehat?: Pick<SatusehatSimulator, 'authBase' | 'fhirBase' | 'kfaBase' | 'credentials'>,
): Remotes {
  const c = sim.credentials
  const s = satusehat
  return {
    ...(s ? { demoSatusehat: { authBase: s.authBase, fhirBase: s.fhirBase, kfaBase: s.kfaBase, orgId: s.credentials.orgId, credentials: { clientId: s.credentials.clientId, clientSecret: s.credentials.clientSecret } } } : {}),
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

/**
 * A workstation database in a temp folder with the active demo cards cached. `dbKey` encrypts it as the app does
 * (openCore's key comes from the keychain; benches pass a random one); without it the file is plain.
 */
export function workstation(org: 'RS' | 'Puskesmas' = 'Puskesmas', options: { dbKey?: Buffer } = {}): Workstation {
  const tmp = tempDir('faskes-sync-')
  const db = openDatabase(join(tmp.dir, 'faskes.db'), { key: options.dbKey })
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

/** Registers a visit only: one PCare pendaftaran job. */
export function register(ws: Workstation, noKartu: string, opts: { kdPoli?: string; now?: number } = {}) {
  return registerVisit(ws.db, { kdPPK: ws.kdPPK }, RegistrationInput.parse({ noKartu, kdPoli: opts.kdPoli ?? '001', kunjSakit: true, keluhan: 'demam' }), { userId: 'test' }, opts.now ?? Date.now())
}

/** Registers a visit and records its examination: 4 PCare jobs (pendaftaran, kunjungan, tindakan, obat) and 2 ledger jobs. */
export function visit(ws: Workstation, noKartu: string, opts: { kdPoli?: string; now?: number } = {}) {
  const now = opts.now ?? Date.now()
  const { noRawat } = register(ws, noKartu, { ...opts, now })
  return recordExamination(
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
      alergiMakan: '00',
      alergiUdara: '00',
      alergiObat: '00',
      kdPrognosa: '01',
      kdPoliRujukInternal: null,
      tindakan: [{ kdTindakan: '10001', biaya: 10000 }],
      obat: [{ kdObat: '120100362', nmObat: 'Parasetamol', signa1: 3, signa2: 1, jmlObat: 10 }],
      claimAmount: 150000,
    }),
    { userId: 'test' },
    now,
  )
}

export function outboxCounts(db: DB): Record<string, number> {
  const rows = db.prepare('SELECT status, count(*) AS n FROM outbox GROUP BY status').all() as { status: string; n: number }[]
  return Object.fromEntries(rows.map((r) => [r.status, r.n]))
}

/** Jobs that can still make progress (OutboxStore.runnableCount). */
export function runnable(db: DB): number {
  return new OutboxStore(db).runnableCount()
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

/**
 * A connection as a client of `org` freshly enrolled at the org's local CA (test/helpers/fabric-identity.ts): a BPJS
 * client (role bpjs) reads everything; a faskes workstation needs `kdPPK` to be the code of the workstation whose
 * entries it reads (the chaincode scopes reads to the faskes that served the patient).
 */
export async function ledgerAs(org: TestOrg, opts: { channel?: string; kdPPK?: string } = {}): Promise<LedgerConnection> {
  const id = await enrolTestIdentity(org, { kdPPK: opts.kdPPK })
  const profile = { ...localPeerProfile(org, { channel: opts.channel ?? 'bpjs-main', runtimeDir: localRuntimeDir() }), certPem: id.certPem }
  return connectLedger(profile, id.keyPem)
}

/**
 * An engine on the demo remotes. Its ledger identity is enrolled at the org's local CA on first use (as the app's
 * demo path does) and kept in an in-memory keychain: these suites run without a Secret Service.
 */
export function engine(ws: Workstation, sim: Simulator, opts: EngineOptions = {}): SyncEngine {
  return new SyncEngine(ws.db, ws.settings, { ...demoRemotes(sim), keychain: memoryKeychain() }, { ...FAST, ...opts })
}

const REPO = join(__dirname, '../..')

/** Fault injection on the local Fabric network (network/scripts/node.sh): stop/start nodes, or `ready`. Bounded. */
export function networkNode(...args: string[]): void {
  execFileSync('bash', [join(REPO, 'network/scripts/node.sh'), ...args], { cwd: REPO, stdio: 'pipe', timeout: 90_000 })
}

export interface QueuedVisit {
  noRawat: string
  noKartu: string
  kdPoli: string
  tglDaftar: string
  visitId: string
  claimId: string
}

const DAY_MS = 86_400_000

/**
 * Queues `n` visits on distinct card/poli/day triples (PCare and the clinic allow one registration per card, poli and
 * day), `skip` triples after the first so successive batches of one test do not collide. Past the 77 pairs of one day
 * (11 active cards x 7 poli) visits go to earlier days, as a backlog of an offline clinic would.
 */
export function visits(ws: Workstation, n: number, skip = 0, opts: { polis?: string[]; now?: number } = {}): QueuedVisit[] {
  const polis = opts.polis ?? ['001', '002', '003', '008', '020', '021', '013']
  const perDay = ACTIVE_CARDS.length * polis.length
  const base = opts.now ?? Date.now()
  const out: QueuedVisit[] = []
  for (let i = skip; i < skip + n; i++) {
    const card = ACTIVE_CARDS[i % ACTIVE_CARDS.length].noKartu
    const kdPoli = polis[Math.floor(i / ACTIVE_CARDS.length) % polis.length]
    const now = base - Math.floor(i / perDay) * DAY_MS
    const v = visit(ws, card, { kdPoli, now }) as { noRawat: string; visitId: string; claimId: string }
    const reg = ws.db.prepare('SELECT tgl_daftar FROM registrations WHERE no_rawat = ?').get(v.noRawat) as { tgl_daftar: string }
    out.push({ noRawat: v.noRawat, noKartu: card, kdPoli, tglDaftar: reg.tgl_daftar, visitId: v.visitId, claimId: v.claimId })
  }
  return out
}

const pcareDate = (iso: string) => iso.split('-').reverse().join('-')

/** Per visit, how many pendaftaran/kunjungan/tindakan/obat the simulator holds: exactly once means [1, 1, 1, 1]. */
export function simCounts(state: SimState, v: QueuedVisit): [number, number, number, number] {
  const tgl = pcareDate(v.tglDaftar)
  const match = (x: { noKartu: string; tglDaftar: string; kdPoli: string }) => x.noKartu === v.noKartu && x.tglDaftar === tgl && x.kdPoli === v.kdPoli
  const kunjungan = state.kunjungan.filter(match)
  const nos = new Set(kunjungan.map((k) => k.noKunjungan))
  return [
    state.pendaftaran.filter(match).length,
    kunjungan.length,
    state.tindakan.filter((t) => nos.has(t.noKunjungan)).length,
    state.obat.filter((o) => nos.has(o.noKunjungan)).length,
  ]
}

export interface DeliveryReport {
  visits: number
  /** Visits with a missing PCare record or ledger entry. */
  losses: number
  /** Visits with a PCare record or ledger creation entry more than once. */
  duplicates: number
  problems: string[]
}

/**
 * Counts every visit in the simulator's state and on the ledger (evaluate calls as BPJS: Visit:Read, Claim:Read and
 * the audit trail, where a second creation would show as a second Record/Submit entry).
 */
export async function deliveryReport(state: SimState, list: QueuedVisit[]): Promise<DeliveryReport> {
  const bpjs = await ledgerAs('BPJS')
  const problems: string[] = []
  let losses = 0
  let duplicates = 0
  const read = async (contract: string, fn: string, ...args: string[]) => {
    try {
      return JSON.parse(Buffer.from(await bpjs.contract(contract).evaluateTransaction(fn, ...args)).toString('utf8'))
    } catch (err) {
      if (chaincodeErrorKind(err) === 'NOT_FOUND') return null
      throw err
    }
  }
  try {
    for (const v of list) {
      const c = simCounts(state, v)
      const visitRec = await read('Visit', 'Read', v.visitId)
      const claimRec = await read('Claim', 'Read', v.claimId)
      const visitAudit = ((await read('Audit', 'ListByEntity', 'Visit', v.visitId)) ?? []) as { action: string }[]
      const claimAudit = ((await read('Audit', 'ListByEntity', 'Claim', v.claimId)) ?? []) as { action: string }[]
      const ledger = [visitRec ? 1 : 0, claimRec ? 1 : 0, visitAudit.filter((a) => a.action === 'Record').length, claimAudit.filter((a) => a.action === 'Submit').length]
      const all = [...c, ...ledger]
      if (all.some((n) => n === 0)) losses++
      if (all.some((n) => n > 1)) duplicates++
      if (all.some((n) => n !== 1)) problems.push(`${v.noRawat}: pcare ${c.join('/')} ledger ${ledger.join('/')}`)
    }
  } finally {
    bpjs.close()
  }
  return { visits: list.length, losses, duplicates, problems }
}

