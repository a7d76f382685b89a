import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore } from '../../electron/core/app'
import { demoSatusehatRemote } from '../../electron/core/demo'
import { createLogger } from '../../electron/core/log'
import { buildVisitBundle } from '../../electron/core/satusehat'
import { tempDir } from '../../test/helpers/tmp'
import { startSatusehatSimulator, type SatusehatSimulator } from '../satusehat-sim/server'
import { SEED_PATIENTS, SEED_PRACTITIONERS } from '../satusehat-sim/seed'
import { runOps, type OpsIo } from './ops'

/**
 * `cli:ops satusehat ping|patient <nik>|get <path>` on a workstation database whose SATUSEHAT environment is the demo
 * (the simulator named by FASKES_DEMO_SATUSEHAT_URL), as an operator runs it: answers on stdout with every NIK and
 * patient name masked, SATUSEHAT's refusals on stderr with exit 1, bad arguments exit 2.
 */
const tmp = tempDir('faskes-ops-satusehat-')
const PATIENT = SEED_PATIENTS[0]
const DOCTOR = SEED_PRACTITIONERS[0]
const VISIT_NO = 'RJ-OPS-MASK-1'
const noKeychain: OpsIo['keychain'] = { pcare: async () => null, antrean: async () => null, fabricKey: async () => null }
let sim: SatusehatSimulator

beforeAll(async () => {
  sim = await startSatusehatSimulator({ port: 0, logger: createLogger({ level: 'error', sink: () => {} }) })
  // One visit on the simulator as the outbox lane sends it, with the names SATUSEHAT echoes back in its References.
  const core = createCore({ dataDir: tmp.dir, version: 'test', keychain: false, remotes: { demoSatusehat: demoSatusehatRemote(sim.url) } })
  try {
    const client = await core.engine!.satusehatClient()
    const location = await client.ensureLocation({ code: '001', name: 'Poli Umum' })
    const now = Date.now()
    const bundle = buildVisitBundle(
      {
        noRawat: VISIT_NO,
        patient: { id: PATIENT.id, display: PATIENT.name },
        practitioner: { id: DOCTOR.id, display: DOCTOR.name },
        location: { id: location, display: 'Poli Umum' },
        arrivedAtMs: now - 30 * 60_000,
        inProgressAtMs: now - 20 * 60_000,
        finishedAtMs: now - 10 * 60_000,
        diagnoses: [{ kdDiag: 'K29.7', nmDiag: 'Gastritis, unspecified' }],
        vitals: { sistole: 120, diastole: 80 },
        vitalsAtMs: now - 15 * 60_000,
        obat: [],
      },
      { ...client.config, nowMs: now },
    )
    await client.postBundle(bundle)
  } finally {
    await core.close()
  }
})
afterAll(async () => {
  await sim.close()
  tmp.cleanup()
})

async function ops(args: string[], env: NodeJS.ProcessEnv = { FASKES_DEMO_SATUSEHAT_URL: sim.url }, demoSatusehatOrigin?: string) {
  const out: string[] = []
  const err: string[] = []
  const io: OpsIo = { env, out: (l) => out.push(l), err: (l) => err.push(l), keychain: noKeychain, ...(demoSatusehatOrigin ? { demoSatusehatOrigin } : {}) }
  const code = await runOps(['--data-dir', tmp.dir, 'satusehat', ...args], io)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('cli:ops satusehat', () => {
  it('ping: a token and the Organization of the demo credentials', async () => {
    const before = sim.state().counts.tokenCalls
    const r = await ops(['ping'])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toContain(`SATUSEHAT OK — ${sim.fhirBase}`)
    expect(r.out).toContain(sim.credentials.orgId)
    expect(sim.state().counts.tokenCalls).toBe(before + 1)
  })

  it('patient <nik>: the IHS id, the NIK masked to its last 4 digits', async () => {
    const r = await ops(['patient', PATIENT.nik])
    expect(r.code).toBe(0)
    expect(r.out).toBe(`NIK ************${PATIENT.nik.slice(-4)}: Patient ${PATIENT.id}`)
    expect(r.out + r.err).not.toContain(PATIENT.nik)
  })

  it('patient <nik> not in the MPI (total 0): said so, not a failure', async () => {
    const r = await ops(['patient', '9999000011112222'])
    expect(r.code).toBe(0)
    expect(r.out).toContain('not in SATUSEHAT')
    expect(r.out).not.toContain('9999000011112222')
  })

  it('get <path>: the raw answer with NIK and names masked', async () => {
    const r = await ops(['get', `Patient?identifier=https://fhir.kemkes.go.id/id/nik|${PATIENT.nik}`])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const body = JSON.parse(r.out) as { resourceType: string; entry?: { resource: { id: string } }[] }
    expect(body.resourceType).toBe('Bundle')
    expect(body.entry?.[0]?.resource.id).toBe(PATIENT.id)
    expect(r.out).not.toContain(PATIENT.nik)
    expect(r.out).not.toContain(PATIENT.name)
  })

  it("get of an Encounter: the patient's and the clinician's names in its References masked, codings kept", async () => {
    const encounters = sim.resources('Encounter') as { id?: string; subject?: { display?: string } }[]
    // The simulator stores what was sent: the names really are in its answer.
    expect(encounters.map((e) => e.subject?.display)).toContain(PATIENT.name)
    const r = await ops(['get', `Encounter?identifier=http://sys-ids.kemkes.go.id/encounter/${sim.credentials.orgId}|${VISIT_NO}`])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const body = JSON.parse(r.out) as { entry?: { resource: { subject: { reference: string; display: string }; participant: { individual: { display: string }; type: { coding: { display: string }[] }[] }[]; class: { display: string } } }[] }
    const enc = body.entry?.[0]?.resource
    expect(enc?.subject).toEqual({ reference: `Patient/${PATIENT.id}`, display: '[REDACTED]' })
    expect(enc?.participant[0]?.individual.display).toBe('[REDACTED]')
    // A Coding's display is a term, not a person: still readable.
    expect(enc?.participant[0]?.type[0]?.coding[0]?.display).toBe('attender')
    expect(enc?.class.display).toBe('ambulatory')
    for (const name of [PATIENT.name, DOCTOR.name, 'Alexander', 'Ardianto']) expect(r.out).not.toContain(name)
  })

  it("get of something SATUSEHAT does not hold: its refusal on stderr, exit 1", async () => {
    const r = await ops(['get', 'Encounter/no-such-encounter'])
    expect(r.code).toBe(1)
    // The client's own warning (a JSON log line) may come first.
    expect(r.err).toMatch(/^GAGAL \/ FAILED: SATUSEHAT permanent\/not_found HTTP 404/m)
  })

  it.each([[['patient']], [['patient', '12345']], [['get']], [['get', 'https://evil.example/x']], [['get', 'Patient/../../oauth2']], [['ping', 'extra']]])('%j is bad usage: exit 2', async (args) => {
    const r = await ops(args)
    expect(r.code).toBe(2)
    expect(r.err).toContain('Pemakaian / usage')
  })

  it('demo environment without FASKES_DEMO_SATUSEHAT_URL: the simulator where npm start runs it', async () => {
    const r = await ops(['ping'], {}, sim.url)
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toContain(`SATUSEHAT OK — ${sim.fhirBase}`)
  })

  it('demo simulator not answering there: exit 1, naming the address and what to set', async () => {
    // A port nobody listens on: take a free one and let it go.
    const free = createServer()
    await new Promise<void>((done) => free.listen(0, '127.0.0.1', done))
    const { port } = free.address() as { port: number }
    await new Promise((done) => free.close(done))
    const r = await ops(['ping'], {}, `http://127.0.0.1:${port}`)
    expect(r.code).toBe(1)
    expect(r.err).toContain(`GAGAL / FAILED: simulator demo SATUSEHAT tidak menjawab di / the demo SATUSEHAT simulator does not answer at http://127.0.0.1:${port}`)
    expect(r.err).toContain('FASKES_DEMO_SATUSEHAT_URL=http://127.0.0.1:<port>')
  })
})
