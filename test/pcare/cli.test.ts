import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSimulator, type Simulator } from '../../tools/pcare-sim/server'
import { runCli } from '../../tools/cli/pcare'
import { quiet } from './helpers'

let sim: Simulator
beforeAll(async () => {
  sim = await startSimulator({ logger: quiet })
})
afterAll(() => sim.close())

const envFor = (over: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PCARE_BASE_URL: sim.pcareBaseUrl,
  PCARE_CONS_ID: sim.credentials.consId,
  PCARE_SECRET_KEY: sim.credentials.secretKey,
  PCARE_USER_KEY: sim.credentials.userKey,
  PCARE_USERNAME: sim.credentials.username,
  PCARE_PASSWORD: sim.credentials.password,
  ...over,
})

async function run(argv: string[], env: NodeJS.ProcessEnv) {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, { env, out: (l) => out.push(l), err: (l) => err.push(l) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('pcare CLI', () => {
  it('ping succeeds with the right credentials and never prints secrets', async () => {
    const r = await run(['ping', '--from-env'], envFor())
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/OK: kesadaran → metaData 200 OK, 4 baris/)
    expect(r.out).toMatch(/X-authorization\s+Basic \[REDACTED\]/)
    for (const secret of [sim.credentials.secretKey, sim.credentials.userKey, sim.credentials.password]) expect(r.out).not.toContain(secret)
    expect(r.out).not.toMatch(/X-signature\s+[A-Za-z0-9+/]{20,}/)
  })
  it('ping fails clearly with a wrong secret', async () => {
    const r = await run(['ping', '--from-env'], envFor({ PCARE_SECRET_KEY: 'wrong-secret' }))
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/GAGAL \/ FAILED: permanent\/unauthorized HTTP 401.*Signature tidak valid/)
  })
  it('ping fails clearly without the Basic prefix (401, or 400 StartIndex with the quirk)', async () => {
    const r = await run(['ping', '--from-env', '--omit-basic-prefix'], envFor())
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/unauthorized.*Basic/)
    expect(r.err).toMatch(/harus diawali "Basic "/)
    sim.setOptions({ startIndexQuirk: true })
    try {
      const q = await run(['ping', '--from-env', '--omit-basic-prefix'], envFor())
      expect(q.err).toMatch(/permanent\/start_index HTTP 400.*StartIndex cannot be less than zero/)
    } finally {
      sim.setOptions({ startIndexQuirk: false })
    }
  })
  it('get and peserta print decrypted, masked output; bad usage exits 2', async () => {
    const g = await run(['get', 'poli/fktp/0/2', '--from-env'], envFor())
    expect(g.code).toBe(0)
    expect(g.out).toMatch(/"kdPoli": "001"/)
    const p = await run(['peserta', '0009999000002', '--from-env'], envFor())
    expect(p.out).toMatch(/nama\s+Budi Santoso/)
    expect(p.out).toMatch(/noKartu\s+\*{9}0002/)
    expect(p.out).not.toContain('9999717671405788')
    expect((await run(['peserta', '0009999000002'], envFor())).code).toBe(2)
    const missing = await run(['ping', '--from-env'], { PCARE_BASE_URL: sim.pcareBaseUrl })
    expect(missing.code).toBe(2)
    expect(missing.err).toMatch(/PCARE_CONS_ID/)
  })
  it('runs as a command with npx tsx', async () => {
    // Asynchronous on purpose: the simulator lives in this process and must keep answering.
    const r = await promisify(execFile)('npx', ['tsx', 'tools/cli/pcare.ts', 'ping', '--from-env'], {
      env: { ...process.env, ...envFor() },
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(r.stdout).toMatch(/OK: kesadaran/)
  })
})
