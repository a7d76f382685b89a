import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

/**
 * vitest globalSetup for the suites that need the local Fabric network: one transaction must commit (orderers,
 * peers and the chaincode server all up) before any test runs. A half-up network then fails the suite at once
 * with the reason, instead of every test waiting out its own timeout.
 */
export default function networkReady(): void {
  const repo = join(import.meta.dirname, '../..')
  try {
    execFileSync('bash', [join(repo, 'network/scripts/node.sh'), 'ready'], { cwd: repo, stdio: 'pipe', timeout: 90_000 })
  } catch (err) {
    const e = err as { stderr?: Buffer; stdout?: Buffer; message: string }
    const detail = `${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`.trim().split('\n').slice(-5).join('\n')
    throw new Error(`The local Fabric network is not ready (npm run network:up; status: npm run network:status).\n${detail || e.message}`, { cause: err })
  }
}
