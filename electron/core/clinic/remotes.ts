import type { DoctorSchedule } from '../../contract'
import type { DB } from '../db'
import type { SyncEngine } from '../sync/engine'
import { doctorSchedule } from './doctors'
import type { Remotes } from './eligibility'

/**
 * The engine's PCare and ledger clients for the reads a person waits on (card check, history, referral lookup),
 * which never go through the outbox. Null without an engine (unit tests, the plain browser shell).
 */
export function interactiveRemotes(engine: SyncEngine | null): Remotes | null {
  if (!engine) return null
  return {
    pcare: () => engine.pcareClient(),
    ledger: () => engine.ledger(),
    // The counter's own reads tell the status bar too (an outage is shown before any send fails).
    report: (target, reachable) => engine.workers[target].observe(reachable),
  }
}

/**
 * A poli's doctors today through the engine's Antrean FKTP client (see doctorSchedule); without an engine the
 * cached schedule. Whether Antrean answered goes to the antrean worker, so the status bar shows it.
 */
export function poliSchedule(db: DB, engine: SyncEngine | null, input: { kdPoli: string; force: boolean }): Promise<DoctorSchedule> {
  return doctorSchedule(db, engine ? () => engine.antreanClient() : null, input.kdPoli, { force: input.force, report: (up) => engine?.workers.antrean.observe(up) })
}
