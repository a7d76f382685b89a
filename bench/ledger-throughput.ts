/**
 * Pipelined submit throughput against the local network (npm run network:up first).
 *   npx tsx bench/ledger-throughput.ts [total=300] [concurrency=20,100]
 * Each tx is MedicalRecord:Anchor from RS (unique keys: no MVCC conflicts), endorsed by 2 of 3 orgs (MAJORITY),
 * ordered by 3-node Raft. A worker pool keeps `concurrency` txs in flight (submitAsync + getStatus).
 * Prints tx/s and latency percentiles per concurrency level.
 */
import { createHash, randomBytes } from 'node:crypto'
import { connectLedger } from '../electron/core/ledger/gateway'
import { localPeerProfile, localRuntimeDir } from '../electron/core/ledger/profile'
import { enrolTestIdentity } from '../test/helpers/fabric-identity'

const total = Number(process.argv[2] ?? 300)
const levels = (process.argv[3] ?? '20,100').split(',').map(Number)

async function main(): Promise<void> {
  // An RS workstation enrolled at RS's CA for this run (kdPPK 0101R001), as the app's identity would be.
  const id = await enrolTestIdentity('RS')
  const rs = await connectLedger({ ...localPeerProfile('RS', { channel: 'bpjs-main', runtimeDir: localRuntimeDir() }), certPem: id.certPem }, id.keyPem)
  const contract = rs.contract('MedicalRecord')
  const run = randomBytes(3).toString('hex')
  try {
    for (const conc of levels) {
      let next = 0
      let failed = 0
      let firstError: string | undefined
      const latencies: number[] = []
      const worker = async (): Promise<void> => {
        for (let i = next++; i < total; i = next++) {
          const recordId = `bench-${run}-${conc}-${i}`
          const t = performance.now()
          try {
            const tx = await contract.submitAsync('Anchor', {
              arguments: [JSON.stringify({ recordId, noKartu: '0009999000001', docHash: createHash('sha256').update(recordId).digest('hex'), pointerCiphertext: 'YmVuY2g=' })],
            })
            const status = await tx.getStatus()
            if (!status.successful) failed++
          } catch (err) {
            failed++
            firstError ??= `${(err as Error).message} ${JSON.stringify((err as { details?: unknown }).details ?? '')}`
          }
          latencies.push(performance.now() - t)
        }
      }
      const start = performance.now()
      await Promise.all(Array.from({ length: conc }, worker))
      const secs = (performance.now() - start) / 1000
      latencies.sort((a, b) => a - b)
      const pct = (p: number): number => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))])
      console.log(
        `concurrency ${String(conc).padStart(3)}: ${total} tx in ${secs.toFixed(2)} s = ${((total - failed) / secs).toFixed(1)} tx/s ` +
          `(p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms, failed ${failed})`,
      )
      if (firstError) console.log(`  first failure: ${firstError}`)
    }
  } finally {
    rs.close()
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
