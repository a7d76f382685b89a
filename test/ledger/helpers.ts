import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { connectLedger, type LedgerConnection } from '../../electron/core/ledger/gateway'
import { localNetworkKeyPath, localNetworkProfile, type LedgerOrg } from '../../electron/core/ledger/profile'

const NOT_UP =
  'Fabric network is not reachable. Start it first: npm run network:up (status: npm run network:status).'

/** Connect as User1 of `org`; fails with a clear message when the local network is not up. */
export async function connectAs(org: LedgerOrg, channel = 'bpjs-main'): Promise<LedgerConnection> {
  let conn: LedgerConnection
  try {
    conn = await connectLedger(localNetworkProfile(org, { channel }), readFileSync(localNetworkKeyPath(org)), {
      evaluateMs: 5_000,
    })
  } catch (err) {
    throw new Error(`${NOT_UP}\n  cause: ${(err as Error).message}`, { cause: err })
  }
  try {
    await conn.contract('History').evaluateTransaction('ForPatient', '0000000000000')
  } catch (err) {
    conn.close()
    throw new Error(`${NOT_UP}\n  cause: ${(err as Error).message}`, { cause: err })
  }
  return conn
}

const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`
let counter = 0
/** Ids unique per test run, so tests can be re-run against the same ledger. */
export function uid(prefix: string): string {
  return `${prefix}-${run}-${++counter}`
}
/** A fresh 13-digit synthetic card number (0009999 + 6 digits), disjoint from the seeded 0009999000001..12. */
export function newCardNo(): string {
  const n = 100_000 + (Number.parseInt(randomBytes(4).toString('hex'), 16) % 900_000)
  return `0009999${n}`
}

export const sha256 = (s: string | Uint8Array): string => createHash('sha256').update(s).digest('hex')
const dec = new TextDecoder()
export const json = <T = Record<string, unknown>>(bytes: Uint8Array): T => JSON.parse(dec.decode(bytes)) as T

export async function submit(conn: LedgerConnection, contract: string, fn: string, intent: unknown): Promise<Record<string, unknown>> {
  return json(await conn.contract(contract).submitTransaction(fn, JSON.stringify(intent)))
}
/**
 * A read that may follow a write made through another org's peer: submit waits for the commit on the submitter's
 * own peer only, and each peer commits the block on its own a moment later. NOT_FOUND is retried briefly (bounded).
 */
export async function evaluate<T = Record<string, unknown>>(conn: LedgerConnection, contract: string, fn: string, ...args: string[]): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return json<T>(await conn.contract(contract).evaluateTransaction(fn, ...args))
    } catch (err) {
      if (attempt >= 30 || !/NOT_FOUND:/.test(String((err as Error).message))) throw err
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

/** Issue a new ACTIVE card as BPJS and return its number. */
export async function issueCard(bpjs: LedgerConnection): Promise<string> {
  const noKartu = newCardNo()
  await submit(bpjs, 'Card', 'Issue', { noKartu, holderHash: sha256(`holder-${noKartu}`), kdProviderPst: '0199B001', jnsPeserta: 'PBI (APBN)' })
  return noKartu
}

/** Record a visit with private clinical detail (transient `detail`) as a facility org. */
export async function recordVisit(conn: LedgerConnection, noKartu: string, kdPPK: string): Promise<{ visitId: string; detail: string }> {
  const visitId = uid('V')
  const detail = JSON.stringify({ diagnoses: [{ kdDiag: 'J06.9', nmDiag: 'Acute upper respiratory infection' }], treatment: 'Paracetamol 500mg', vitals: { sistole: 120, diastole: 80 } })
  await conn.contract('Visit').submit('Record', {
    arguments: [JSON.stringify({ visitId, noKartu, kdPPK, tglKunjungan: new Date().toISOString().slice(0, 10), detailHash: sha256(detail) })],
    transientData: { detail },
  })
  return { visitId, detail }
}

/** The chaincode error text of a failed gateway call (EndorseError details carry the chaincode message). */
export async function failureOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    const e = err as Error & { details?: { message: string }[] }
    return [e.message, ...(e.details ?? []).map((d) => d.message)].join(' | ')
  }
  throw new Error('expected the call to fail, but it succeeded')
}
