import { parseArgs } from 'node:util'
import { createLogger } from '../../electron/core/log'
import { startSimulator, SIM_CREDENTIALS } from './server'
import { numberFlag } from '../lib/flags'
import { serveUntilSignal } from '../lib/sim'

/**
 * `npx tsx tools/pcare-sim/main.ts --port 8787 [--state file.json] [--start-index-quirk]
 *   [--skew-window 300] [--slow-ms 35000] [--antrean-ref-shape list|array] [--jvalue-on-null-rujuk]`
 */

function start() {
  const S = { type: 'string' } as const
  const B = { type: 'boolean' } as const
  // strict: an unknown or misspelt flag is an error, not silently ignored.
  const args = parseArgs({ args: process.argv.slice(2), options: { port: S, state: S, 'start-index-quirk': B, 'jvalue-on-null-rujuk': B, 'skew-window': S, 'slow-ms': S, 'antrean-ref-shape': S, quiet: B }, strict: true }).values
  const shape = args['antrean-ref-shape']
  if (shape !== undefined && shape !== 'list' && shape !== 'array') throw new Error('--antrean-ref-shape must be list or array')
  return startSimulator({
    port: numberFlag(args, 'port', 8787),
    statePath: typeof args.state === 'string' ? args.state : undefined,
    startIndexQuirk: args['start-index-quirk'] === true,
    jvalueOnNullRujukLanjut: args['jvalue-on-null-rujuk'] === true,
    skewWindowSeconds: numberFlag(args, 'skew-window', 300),
    slowMs: numberFlag(args, 'slow-ms', 35_000),
    antreanRefShape: shape === 'array' ? 'array' : 'list',
    logger: createLogger({ scope: 'pcare-sim', level: args.quiet ? 'warn' : 'info' }),
  })
}

serveUntilSignal('pcare-sim', async () => start(), (sim) => {
  const c = SIM_CREDENTIALS
  return [
    `Simulator PCare berjalan / PCare simulator listening on ${sim.url} (127.0.0.1 only)`,
    `  PCare base URL:   ${sim.pcareBaseUrl}`,
    `  Antrean base URL: ${sim.antreanBaseUrl}`,
    `  Admin:            ${sim.url}/__sim/state | POST /__sim/faults {"mode":"503","count":2} | POST /__sim/reset`,
    `  Fake test credentials (not real BPJS values), for the CLI:`,
    `    export PCARE_BASE_URL=${sim.pcareBaseUrl} PCARE_ANTREAN_BASE_URL=${sim.antreanBaseUrl}`,
    `    export PCARE_CONS_ID=${c.consId} PCARE_SECRET_KEY=${c.secretKey} PCARE_USER_KEY=${c.userKey}`,
    `    export PCARE_USERNAME=${c.username} PCARE_PASSWORD=${c.password} PCARE_ANTREAN_USER_KEY=${c.antreanUserKey}`,
  ]
})
