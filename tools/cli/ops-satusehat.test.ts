import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore } from '../../electron/core/app'
import { createLogger } from '../../electron/core/log'
import { tempDir } from '../../test/helpers/tmp'
import { startSatusehatSimulator, type SatusehatSimulator } from '../satusehat-sim/server'
import { SEED_PATIENTS } from '../satusehat-sim/seed'
import { runOps, type OpsIo } from './ops'

/**
 * `cli:ops satusehat ping|patient <nik>|get <path>` on a workstation database whose SATUSEHAT environment is the demo
 * (the simulator named by FASKES_DEMO_SATUSEHAT_URL), as an operator runs it: answers on stdout with every NIK and
 * patient name masked, SATUSEHAT's refusals on stderr with exit 1, bad arguments exit 2.
 */
const tmp = tempDir('faskes-ops-satusehat-')
const PATIENT = SEED_PATIENTS[0]
const noKeychain: OpsIo['keychain'] = { pcare: async () => null, antrean: async () => null, fabricKey: async () => null }
let sim: SatusehatSimulator

beforeAll(async () => {
  sim = await startSatusehatSimulator({ port: 0, logger: createLogger({ level: 'error', sink: () => {} }) })
  const core = createCore({ dataDir: tmp.dir, version: 'test', keychain: false })
  return core.close()
})
afterAll(async () => {
  await sim.close()
  tmp.cleanup()
})

async function ops(args: string[], env: NodeJS.ProcessEnv = { FASKES_DEMO_SATUSEHAT_URL: sim.url }) {
  const out: string[] = []
  const err: string[] = []
  const code = await runOps(['--data-dir', tmp.dir, 'satusehat', ...args], { env, out: (l) => out.push(l), err: (l) => err.push(l), keychain: noKeychain })
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

  it('demo environment without a simulator address: not configured, exit 1', async () => {
    const r = await ops(['ping'], {})
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/^GAGAL \/ FAILED: .*SATUSEHAT/)
  })
})
