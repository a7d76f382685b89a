/**
 * Seed: BPJS issues a card on bpjs-main for every demo patient in tools/demo-data/peserta.json with aktif=true.
 * Idempotent: cards that already exist are skipped, and Card:Issue itself is idempotent by noKartu (same payload ->
 * same result, no second write), so re-running network:up is harmless. The holder goes as the transient `holder`
 * {holderHash: HMAC-SHA256(BPJS's holder key, NIK), salt} into BPJS's private collection bpjsPeserta
 * (chaincode/README.md#trust-model), never into the intent or public state. Output shows counts only (card numbers
 * are not logged).
 *
 * Then an ordering probe: the first card's Issue is submitted again. It is a replay (a read-only tx), yet it goes
 * through endorsement, Raft ordering and commit, so success means the network accepts writes (after a restart the
 * Raft leader election takes a few seconds). `--probe` runs only the probe.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Contract } from '@hyperledger/fabric-gateway'
import { chaincodeErrorKind, connectLedger } from '../../electron/core/ledger/gateway'
import { localNetworkProfile, localRuntimeDir } from '../../electron/core/ledger/profile'
import { enrolClient, registerClient } from '../../tools/ledger/ca'

interface Peserta {
  noKartu: string
  noKTP: string
  kdProviderPst: string
  jnsPeserta: string
  aktif: boolean
}

const intentOf = (p: Peserta): string => JSON.stringify({ noKartu: p.noKartu, kdProviderPst: p.kdProviderPst })

/**
 * The ordering probe's card: issued on the first network:up, then replayed (an idempotent replay still commits a
 * transaction). A number of its own, outside the demo cards (0009999000001-12), the tests' fresh ones (0009999100000-999999) and
 * the numbers tests use as unknown cards (0009999000099, 0009999099999, 0009999999999, …; grep before changing it):
 * a demo card issued by an older chaincode (its membership type in the public intent, before issue 14) would answer
 * the replay with CONFLICT and the probe would never pass on a network made before that change.
 */
const PROBE: Peserta = { noKartu: '0009999000090', noKTP: '3201019999999999', kdProviderPst: '0199B001', jnsPeserta: 'PBI (APBN)', aktif: true }

/**
 * BPJS's holder key: 32 random bytes made once per network and kept beside the seed identity (0600), as BPJS would
 * keep it in its own issuing system. Never sent to the ledger.
 */
function holderKey(): Buffer {
  const dir = path.join(localRuntimeDir(), 'ca', 'bpjs')
  const file = path.join(dir, 'holder-key')
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' })
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex')
}

/**
 * Card:Issue's transient map: the holder as an HMAC of the NIK under BPJS's holder key, so no one without that key
 * (a second endorsing peer that sees the transient in memory, anyone reading a block) can test candidate NIKs against
 * it. The membership type (jnsPeserta) is personal too and travels here, not in the public intent. The salt keeps the
 * hash Fabric writes of the private value from matching between cards.
 */
const holderOf = (p: Peserta, key: Buffer): Record<string, Uint8Array> => ({
  holder: Buffer.from(JSON.stringify({ holderHash: createHmac('sha256', key).update(p.noKTP).digest('hex'), jnsPeserta: p.jnsPeserta, salt: randomBytes(16).toString('hex') })),
})

/**
 * The seed's own BPJS client identity (role `bpjs`), enrolled at ca-bpjs the first time and kept in
 * .runtime/ca/bpjs/seed/ (0700 folder, 0600 key) like cryptogen's files, so re-running network:up registers nothing
 * new. Returns the path of its certificate and its private key PEM.
 */
async function seedIdentity(): Promise<{ certPath: string; keyPem: string }> {
  const dir = path.join(localRuntimeDir(), 'ca', 'bpjs', 'seed')
  const certPath = path.join(dir, 'cert.pem')
  const keyPath = path.join(dir, 'key.pem')
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    const reg = await registerClient('BPJS', { role: 'bpjs' })
    const id = await enrolClient('BPJS', reg.enrollmentId, reg.secret, ['role'])
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    writeFileSync(keyPath, id.keyPem, { mode: 0o600 })
    writeFileSync(certPath, id.certPem)
  }
  return { certPath, keyPem: readFileSync(keyPath, 'utf8') }
}

/**
 * Endorsers of Card:Issue, named explicitly: with transient data for a collection (bpjsPeserta, BPJS only) the gateway
 * refuses to pick endorsers itself (FAILED_PRECONDITION). BPJS alone is not enough: Issue also writes new public keys
 * (card, index), which have no key-level policy yet and so fall under the definition's MAJORITY (2 of 3): BPJS alone
 * ends in ENDORSEMENT_POLICY_FAILURE. RS's peer therefore simulates Issue too and sees the transient holder in memory:
 * an HMAC it cannot invert without BPJS's holder key.
 */
const CARD_ENDORSERS = { endorsingOrganizations: ['BPJSMSP', 'RSMSP'] }

async function main(): Promise<void> {
  const all = JSON.parse(readFileSync(path.resolve('tools/demo-data/peserta.json'), 'utf8')) as Peserta[]
  const active = all.filter((p) => p.aktif)
  const id = await seedIdentity()
  // The Admin profile only supplies the peer's address and TLS CA; the identity is the seed's CA-issued one.
  const profile = { ...localNetworkProfile('BPJS', { channel: 'bpjs-main', user: 'Admin' }), certPath: id.certPath }
  const ledger = await connectLedger(profile, id.keyPem)
  try {
    const card = ledger.contract('Card')
    if (!process.argv.includes('--probe')) await seed(card, active)
    const start = Date.now()
    for (;;) {
      try {
        await card.submit('Issue', { arguments: [intentOf(PROBE)], transientData: holderOf(PROBE, holderKey()), ...CARD_ENDORSERS })
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
  const key = holderKey()
  const submitted = await Promise.all(
    missing.map((p) =>
      card.submitAsync('Issue', {
        arguments: [intentOf(p)],
        transientData: holderOf(p, key),
        ...CARD_ENDORSERS,
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
