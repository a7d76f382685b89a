/**
 * Seed: BPJS issues a card on bpjs-main for every demo patient in tools/demo-data/peserta.json with aktif=true.
 * Idempotent: cards that already exist are skipped, and Card:Issue itself is idempotent by noKartu (same payload ->
 * same result, no second write), so re-running network:up is harmless. holderHash = sha256(NIK): the ledger never
 * holds the NIK itself. Output shows counts only (card numbers are not logged).
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { chaincodeErrorKind, connectLedger } from '../../electron/core/ledger/gateway'
import { localNetworkKeyPath, localNetworkProfile } from '../../electron/core/ledger/profile'

interface Peserta {
  noKartu: string
  noKTP: string
  kdProviderPst: string
  jnsPeserta: string
  aktif: boolean
}

async function main(): Promise<void> {
  const all = JSON.parse(readFileSync(path.resolve('tools/demo-data/peserta.json'), 'utf8')) as Peserta[]
  const active = all.filter((p) => p.aktif)
  const profile = localNetworkProfile('BPJS', { channel: 'bpjs-main' })
  const ledger = await connectLedger(profile, readFileSync(localNetworkKeyPath('BPJS')))
  try {
    const card = ledger.contract('Card')
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
          arguments: [
            JSON.stringify({
              noKartu: p.noKartu,
              holderHash: createHash('sha256').update(p.noKTP).digest('hex'),
              kdProviderPst: p.kdProviderPst,
              jnsPeserta: p.jnsPeserta,
            }),
          ],
        }),
      ),
    )
    const statuses = await Promise.all(submitted.map((s) => s.getStatus()))
    const bad = statuses.filter((s) => !s.successful)
    if (bad.length) throw new Error(`${bad.length} card issue transactions invalid: ${bad.map((s) => s.code).join(',')}`)
    console.log(`[seed] demo cards on bpjs-main: ${active.length} active patients, ${missing.length} newly issued, ${active.length - missing.length} already present`)
  } finally {
    ledger.close()
  }
}

main().catch((err: unknown) => {
  console.error('[seed] failed:', err instanceof Error ? err.message : err)
  process.exit(1)
})
