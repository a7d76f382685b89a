import type { Resource } from '@medplum/fhirtypes'
import { createLogger } from '../../electron/core/log'
import { SatusehatClient } from '../../electron/core/satusehat'
import { storeLocation } from '../../electron/core/satusehat/store'
import { startSatusehatSimulator, type SatusehatSimOptions, type SatusehatSimulator } from '../../tools/satusehat-sim/server'
import { SEED_PRACTITIONERS } from '../../tools/satusehat-sim/seed'
import type { QueuedVisit, Workstation } from './harness'

/*
 * SATUSEHAT in the sync suites: the simulator beside the PCare one, a workstation that queues every visit for it, and
 * a count of what the simulator holds per visit (the "no second Encounter" proof).
 */

const quiet = createLogger({ level: 'error', sink: () => {} })

/** Resources one harness visit (test/sync/harness.ts `visit`: 1 diagnosis, 7 coded vital signs, obat without KFA) sends. */
export const SATUSEHAT_PER_VISIT = { Encounter: 1, Condition: 1, Observation: 7 } as const

/** A SATUSEHAT simulator on a free port (or `port`), quiet, with a 3 s "slow" answer like the PCare harness's. */
export function satusehatSimulator(opts: SatusehatSimOptions = {}): Promise<SatusehatSimulator> {
  return startSatusehatSimulator({ port: 0, slowMs: 3000, logger: quiet, ...opts })
}

/**
 * Turns SATUSEHAT on (demo environment: the engine's `demoSatusehat`, harness demoRemotes' second argument) and gives
 * the harness's examiner (`test`, PCare doctor 131491) the NIK of a simulator Practitioner. Call before queuing
 * visits: only visits saved while it is on are queued for SATUSEHAT.
 */
export function enableSatusehat(ws: Workstation, opts: { timeoutMs?: number } = {}): void {
  ws.settings.update({ satusehat: { enabled: true, environment: 'demo', ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) } })
  ws.db
    .prepare(`INSERT OR REPLACE INTO users (username, password_hash, role, created_at, kd_dokter, nik) VALUES ('test', 'x', 'clinician', 0, '131491', ?)`)
    .run(SEED_PRACTITIONERS[0].nik)
}

/**
 * Maps the polis to Locations up front (what the Pengaturan setup does), so an injected fault meets the visit's own
 * writes rather than a Location create.
 */
export async function mapLocations(ws: Workstation, sim: SatusehatSimulator, polis: string[]): Promise<void> {
  const c = new SatusehatClient({
    credentials: { clientId: sim.credentials.clientId, clientSecret: sim.credentials.clientSecret },
    config: { authBase: sim.authBase, fhirBase: sim.fhirBase, kfaBase: sim.kfaBase, orgId: sim.credentials.orgId },
    logger: quiet,
  })
  for (const kdPoli of polis) storeLocation(ws.db, kdPoli, await c.ensureLocation({ code: kdPoli, name: `Poli ${kdPoli}` }), `Poli ${kdPoli}`, Date.now())
}

export interface SatusehatReport {
  visits: number
  /** Visits with fewer resources on the simulator than SATUSEHAT_PER_VISIT. */
  losses: number
  /** Business identifiers held more than once (a second Encounter, Condition or Observation). */
  duplicates: number
  problems: string[]
}

/**
 * What the simulator holds per visit, by business identifier (Encounter `noRawat`, Condition `noRawat-DX<n>`,
 * Observation `noRawat-<LOINC>`): exactly SATUSEHAT_PER_VISIT each, and no identifier twice.
 */
export function satusehatReport(sim: SatusehatSimulator, list: QueuedVisit[]): SatusehatReport {
  const problems: string[] = []
  const byValue = new Map<string, number>()
  for (const type of Object.keys(SATUSEHAT_PER_VISIT)) {
    for (const r of sim.resources(type) as (Resource & { identifier?: { value?: string }[] })[]) {
      const key = `${type}|${r.identifier?.[0]?.value ?? ''}`
      byValue.set(key, (byValue.get(key) ?? 0) + 1)
    }
  }
  const twice = [...byValue].filter(([, n]) => n > 1)
  for (const [k, n] of twice) problems.push(`${k} held ${n} times`)
  // Distinct identifiers per visit and type: the value is the visit number, or the visit number, '-' and a suffix
  // (which may hold '-' itself: LOINC 8480-6), so the visit is the longest '-'-prefix that is a listed visit number.
  const listed = new Set(list.map((v) => v.noRawat))
  const visitsHeld = new Map<string, number>()
  for (const key of byValue.keys()) {
    const [type, value] = key.split('|') as [string, string]
    const parts = value.split('-')
    let noRawat = ''
    for (let n = parts.length; n > 0 && !noRawat; n--) if (listed.has(parts.slice(0, n).join('-'))) noRawat = parts.slice(0, n).join('-')
    visitsHeld.set(`${type}|${noRawat}`, (visitsHeld.get(`${type}|${noRawat}`) ?? 0) + 1)
  }
  let losses = 0
  const want = Object.values(SATUSEHAT_PER_VISIT)
  for (const v of list) {
    const held = Object.keys(SATUSEHAT_PER_VISIT).map((type) => visitsHeld.get(`${type}|${v.noRawat}`) ?? 0)
    if (held.some((n, i) => n < want[i]!)) {
      losses++
      problems.push(`${v.noRawat}: SATUSEHAT Encounter/Condition/Observation ${held.join('/')}`)
    }
  }
  return { visits: list.length, losses, duplicates: twice.length, problems }
}
