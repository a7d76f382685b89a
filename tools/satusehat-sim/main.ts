import { parseArgs } from 'node:util'
import { createLogger } from '../../electron/core/log'
import { numberFlag } from '../lib/flags'
import { serveUntilSignal } from '../lib/sim'
import { startSatusehatSimulator } from './server'

/**
 * `npx tsx tools/satusehat-sim/main.ts --port 8788 [--state file.json] [--token-ttl 3599] [--utc-only]
 *   [--no-status-history-rule] [--partial-bundles] [--slow-ms 35000] [--quiet]`
 */
function start() {
  const S = { type: 'string' } as const
  const B = { type: 'boolean' } as const
  const args = parseArgs({
    args: process.argv.slice(2),
    options: { port: S, state: S, 'token-ttl': S, 'utc-only': B, 'no-status-history-rule': B, 'partial-bundles': B, 'slow-ms': S, quiet: B },
    strict: true,
  }).values
  return startSatusehatSimulator({
    port: numberFlag(args, 'port', 8788),
    statePath: typeof args.state === 'string' ? args.state : undefined,
    tokenTtlSeconds: numberFlag(args, 'token-ttl', 3599),
    utcOnly: args['utc-only'] === true,
    requireStatusHistory: args['no-status-history-rule'] !== true,
    bundlePartialApply: args['partial-bundles'] === true,
    slowMs: numberFlag(args, 'slow-ms', 35_000),
    logger: createLogger({ scope: 'satusehat-sim', level: args.quiet ? 'warn' : 'info' }),
  })
}

serveUntilSignal('satusehat-sim', async () => start(), (sim) => {
  const c = sim.credentials
  return [
    `Simulator SATUSEHAT berjalan / SATUSEHAT simulator listening on ${sim.url} (127.0.0.1 only)`,
    `  Auth base: ${sim.authBase}`,
    `  FHIR base: ${sim.fhirBase}`,
    `  KFA base:  ${sim.kfaBase}`,
    `  Admin:     ${sim.url}/__sim/state | POST /__sim/faults {"mode":"plain5xx","count":2} | POST /__sim/reset`,
    `  Fake test credentials (not SATUSEHAT values): client ${c.clientId} / ${c.clientSecret}, organization ${c.orgId}`,
  ]
})
