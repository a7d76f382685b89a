import { afterEach } from 'vitest'
import { createLogger } from '../../electron/core/log'
import { SatusehatClient, SatusehatError, type BuildContext, type SatusehatConfigInput, type SatusehatVisit } from '../../electron/core/satusehat'
import { startSatusehatSimulator, type SatusehatSimOptions, type SatusehatSimulator } from '../../tools/satusehat-sim/server'
import { SEED_PATIENTS, SEED_PRACTITIONERS } from '../../tools/satusehat-sim/seed'

export const quiet = createLogger({ level: 'error', sink: () => {} })

/** Simulators simWithClient started that are still open (closeSimulatorsAfterEach closes them). */
const open = new Set<SatusehatSimulator>()

/** Close every simulator simWithClient started once each test ends: call once at the top of a test file. */
export function closeSimulatorsAfterEach(): void {
  afterEach(async () => {
    const sims = [...open]
    open.clear()
    await Promise.all(sims.map((s) => s.close()))
  })
}

/** How `p` failed, as a SatusehatError; throws (failing the test) when it resolves or fails with anything else. */
export async function failure(p: Promise<unknown>): Promise<SatusehatError> {
  const err = await p.then(() => null, (e: unknown) => e)
  if (!(err instanceof SatusehatError)) throw new Error(`expected a SatusehatError, got ${String(err)}`)
  return err
}

/** A simulator and a client bound to its credentials, with short timeouts. */
export async function simWithClient(opts: SatusehatSimOptions = {}, config: Partial<SatusehatConfigInput> = {}, now?: () => number) {
  const sim: SatusehatSimulator = await startSatusehatSimulator({ logger: quiet, ...opts })
  open.add(sim)
  const client = new SatusehatClient({
    credentials: { clientId: sim.credentials.clientId, clientSecret: sim.credentials.clientSecret },
    config: { authBase: sim.authBase, fhirBase: sim.fhirBase, kfaBase: sim.kfaBase, orgId: sim.credentials.orgId, timeouts: { headersMs: 1500, totalMs: 3000 }, ...config },
    logger: quiet,
    now,
  })
  return { sim, client }
}

export function buildContext(client: SatusehatClient, nowMs = Date.now()): BuildContext {
  return { ...client.config, nowMs }
}

/** A closed visit of the first sandbox patient with the first sandbox doctor, an hour ago. */
export function sampleVisit(noRawat: string, locationId: string, nowMs = Date.now()): SatusehatVisit {
  const at = nowMs - 60 * 60_000
  return {
    noRawat,
    patient: { id: SEED_PATIENTS[0].id, display: SEED_PATIENTS[0].name },
    practitioner: { id: SEED_PRACTITIONERS[0].id, display: SEED_PRACTITIONERS[0].name },
    location: { id: locationId, display: 'Poli Umum' },
    arrivedAtMs: at,
    inProgressAtMs: at + 10 * 60_000,
    finishedAtMs: at + 25 * 60_000,
    diagnoses: [
      { kdDiag: 'A09', nmDiag: 'Diarrhoea and gastroenteritis of presumed infectious origin' },
      { kdDiag: 'A01.0', nmDiag: 'Typhoid fever' },
    ],
    vitals: { sistole: 120, diastole: 80, heartRate: 84, respRate: 20, suhu: '37,8', tinggiBadan: 165, beratBadan: 60.5, lingkarPerut: 72 },
    vitalsAtMs: at + 12 * 60_000,
    obat: [
      { kdObat: 'PCT500', nmObat: 'Parasetamol 500 mg', signa1: 3, signa2: 1, jmlObat: 10, kfa: { code: '92000001', display: 'Parasetamol 500 mg Tablet' } },
      { kdObat: 'X', nmObat: 'Obat tanpa KFA', signa1: 1, signa2: 1, jmlObat: 5 },
    ],
  }
}
