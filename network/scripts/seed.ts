/**
 * Seed: BPJS issues a card on bpjs-main for every demo patient in tools/demo-data/peserta.json with aktif=true.
 * Idempotent: cards that already exist are skipped, and Card:Issue itself is idempotent by noKartu (same payload ->
 * same result, no second write), so re-running network:up is harmless. The holder goes as the transient `holder`
 * {holderHash: sha256(NIK), salt} into BPJS's private collection bpjsPeserta (chaincode/README.md#trust-model), never
 * into the intent or public state. Output shows counts only (card numbers are not logged).
 *
 * Then an ordering probe: the first card's Issue is submitted again. It is a replay (a read-only tx), yet it goes
 * through endorsement, Raft ordering and commit, so success means the network accepts writes (after a restart the
 * Raft leader election takes a few seconds). `--probe` runs only the probe.
 */
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Contract } from '@hyperledger/fabric-gateway'
import { chaincodeErrorKind, connectLedger } from '../../electron/core/ledger/gateway'
import { localNetworkKeyPath, localNetworkProfile } from '../../electron/core/ledger/profile'

interface Peserta {
  noKartu: string
  noKTP: string
  kdProviderPst: string
  jnsPeserta: string
  aktif: boolean
}

const intentOf = (p: Peserta): string => JSON.stringify({ noKartu: p.noKartu, kdProviderPst: p.kdProviderPst, jnsPeserta: p.jnsPeserta })

/** Card:Issue's transient map: the holder, salted so the hash Fabric writes of the private value cannot be matched to a NIK. */
const holderOf = (p: Peserta): Record<string, Uint8Array> => ({
  holder: Buffer.from(JSON.stringify({ holderHash: createHash('sha256').update(p.noKTP).digest('hex'), salt: randomBytes(16).toString('hex') })),
})

async function main(): Promise<void> {
  const all = JSON.parse(readFileSync(path.resolve('tools/demo-data/peserta.json'), 'utf8')) as Peserta[]
  const active = all.filter((p) => p.aktif)
  const profile = localNetworkProfile('BPJS', { channel: 'bpjs-main' })
  const ledger = await connectLedger(profile, readFileSync(localNetworkKeyPath('BPJS')))
  try {
    const card = ledger.contract('Card')
    if (!process.argv.includes('--probe')) await seed(card, active)
    const start = Date.now()
    for (;;) {
      try {
        await card.submit('Issue', { arguments: [intentOf(active[0])], transientData: holderOf(active[0]) })
        break
      } catch (err) {
        if (Date.now() - start > 60_000) throw err
        await new Promise((r) => setTimeout(r, 500))
      }
    }
    console.log(`[seed] ordering probe: a transaction committed after ${Date.now() - start} ms`)
  } finally {
    ledger.close()
  }
}

async function seed(card: Contract, active: Peserta[]): Promise<void> {
  const missing: Peserta[] = []
  for (const p of active) {
    try {
      await card.evaluateTransaction('ReadStatus', p.noKartu)
    } catch (err) {
      if (chaincodeErrorKind(err) !== 'NOT_FOUND') throw err
      missing.push(p)
    }
  }
  // Pipelined: all submitted first, then all commits awaited (one block instead of one per card).
  const submitted = await Promise.all(
    missing.map((p) =>
      card.submitAsync('Issue', {
        arguments: [intentOf(p)],
        transientData: holderOf(p),
      }),
    ),
  )
  const statuses = await Promise.all(submitted.map((s) => s.getStatus()))
  const bad = statuses.filter((s) => !s.successful)
  if (bad.length) throw new Error(`${bad.length} card issue transactions invalid: ${bad.map((s) => s.code).join(',')}`)
  console.log(`[seed] demo cards on bpjs-main: ${active.length} active patients, ${missing.length} newly issued, ${active.length - missing.length} already present`)
}

main().catch((err: unknown) => {
  console.error('[seed] failed:', err instanceof Error ? err.message : err)
  process.exit(1)
})
