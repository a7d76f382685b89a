import { createHash, createHmac, randomBytes } from 'node:crypto'
import { connectLedger, type LedgerConnection } from '../../electron/core/ledger/gateway'
import { localPeerProfile, localRuntimeDir, type LedgerOrg } from '../../electron/core/ledger/profile'
import { endorsersOf } from '../../electron/core/sync/ledger-executor'
import { type ClientRole } from '../../tools/ledger/ca'
import { enrolTestIdentity } from '../helpers/fabric-identity'

const NOT_UP =
  'Fabric network is not reachable. Start it first: npm run network:up (status: npm run network:status).'

/**
 * Connect as a client identity of `org` freshly enrolled at the org's Fabric CA (test/helpers/fabric-identity.ts):
 * by default an RS `0101R001` or Puskesmas `0114U163` workstation, or a BPJS client with role `bpjs`; `as` picks
 * another faskes code or role. Fails with a clear message when the local network is not up.
 */
export async function connectAs(org: LedgerOrg, channel = 'bpjs-main', as: { kdPPK?: string; role?: ClientRole } = {}): Promise<LedgerConnection> {
  let conn: LedgerConnection
  try {
    const id = await enrolTestIdentity(org, as)
    const profile = { ...localPeerProfile(org, { channel, runtimeDir: localRuntimeDir() }), certPem: id.certPem }
    conn = await connectLedger(profile, id.keyPem, { evaluateMs: 5_000 })
  } catch (err) {
    throw new Error(`${NOT_UP}\n  cause: ${(err as Error).message}`, { cause: err })
  }
  try {
    // The peer answers this identity (qscc reads need only channel membership; network-ready checked the chaincode).
    await height(conn)
  } catch (err) {
    conn.close()
    throw new Error(`${NOT_UP}\n  cause: ${(err as Error).message}`, { cause: err })
  }
  open.add(conn)
  const close = conn.close.bind(conn)
  conn.close = () => {
    open.delete(conn)
    close()
  }
  return conn
}

/** Every open test connection (one per org): their peers are the ones a test reads from next. */
const open = new Set<LedgerConnection>()

/** Block height of the connection's own peer (qscc GetChainInfo; BlockchainInfo field 1 is the varint height). */
export async function height(conn: LedgerConnection): Promise<bigint> {
  const info = await conn.network.getContract('qscc').evaluateTransaction('GetChainInfo', conn.network.getName())
  if (info[0] !== 0x08) throw new Error('unexpected BlockchainInfo encoding')
  let h = 0n
  for (let i = 1, shift = 0n; i < info.length; i++, shift += 7n) {
    h |= BigInt(info[i] & 0x7f) << shift
    if ((info[i] & 0x80) === 0) break
  }
  return h
}

/**
 * Waits until every org's peer has the block the submitter's peer just committed. A submit returns once the
 * submitter's own peer commits; the next step of a cross-org test (RS accepting what Puskesmas created) is endorsed
 * by another peer, which may be a block behind for a few milliseconds. Bounded: 10 s.
 */
async function settle(submitter: LedgerConnection): Promise<void> {
  const target = await height(submitter)
  const others = [...open].filter((c) => c !== submitter && c.network.getName() === submitter.network.getName())
  const end = Date.now() + 10_000
  for (const c of others) {
    while ((await height(c)) < target) {
      if (Date.now() > end) throw new Error(`peer of ${c.profile.mspId} did not reach block ${target} within 10 s`)
      await new Promise((r) => setTimeout(r, 25))
    }
  }
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
  const result = json(await conn.contract(contract).submitTransaction(fn, JSON.stringify(intent)))
  await settle(conn)
  return result
}
/** A read through the connection's own peer (writes made by any test connection have reached it: see settle). */
export async function evaluate<T = Record<string, unknown>>(conn: LedgerConnection, contract: string, fn: string, ...args: string[]): Promise<T> {
  return json<T>(await conn.contract(contract).evaluateTransaction(fn, ...args))
}

/**
 * A write with transient (private) data, waiting like `submit` until every org's peer has the block. `endorsers`: the
 * orgs to ask, when the gateway must not choose (it refuses to send transient data to an org outside a collection's
 * distribution policy on its own: Card:Issue needs BPJS plus one facility org for the chaincode policy).
 */
export async function submitPrivate(
  conn: LedgerConnection, contract: string, fn: string, intent: unknown, transient: Record<string, string>, endorsers?: string[],
): Promise<Record<string, unknown>> {
  const result = json(await conn.contract(contract).submit(fn, { arguments: [JSON.stringify(intent)], transientData: transient, endorsingOrganizations: endorsers }))
  await settle(conn)
  return result
}

/** A synthetic 16-digit NIK (9999 and 12 random digits; no real region code starts with 99). */
export function syntheticNik(): string {
  return `9999${String(Number.parseInt(randomBytes(6).toString('hex'), 16) % 10 ** 12).padStart(12, '0')}`
}

/** This run's stand-in for BPJS's holder key (network/scripts/seed.ts keeps the demo network's). */
const holderKey = randomBytes(32)
/**
 * The transient `holder` of a card write: HMAC-SHA256 of the NIK under a key only BPJS holds, with a fresh salt
 * (chaincode/README.md#intents-and-validation).
 */
export const holderOf = (nik: string, jnsPeserta = 'PBI (APBN)'): Record<string, string> => ({
  holder: JSON.stringify({ holderHash: createHmac('sha256', holderKey).update(nik).digest('hex'), jnsPeserta, salt: randomBytes(16).toString('hex') }),
})

/**
 * Who endorses a Card:Issue or Card:Suspend: BPJS (bpjsPeserta's collection policy) and RS, because the new public
 * keys (the Card key of an issue; the idempotency and audit keys of both) are checked against the chaincode policy
 * (MAJORITY). The gateway's discovery would pick a second org too, but refuses to send the transient holder or reason to
 * a non-member of bpjsPeserta unless the caller names the orgs ("requires endorsement from organisation(s) that are
 * not in the distribution policy of the private data collection(s): [bpjsPeserta]"). Puskesmas would do as well.
 */
export const ISSUE_ENDORSERS = ['BPJSMSP', 'RSMSP']

/** Issue a new ACTIVE card as BPJS (holder `nik`, a synthetic one unless given) and return its number. */
export async function issueCard(bpjs: LedgerConnection, nik = syntheticNik()): Promise<string> {
  const noKartu = newCardNo()
  await submitPrivate(bpjs, 'Card', 'Issue', { noKartu, kdProviderPst: '0199B001' }, holderOf(nik), ISSUE_ENDORSERS)
  return noKartu
}

/**
 * A write's salted private text (chaincode/README.md#intents-and-validation): the transient `detail` = JSON of `fields`
 * plus 16 random bytes of salt, and its sha256, the intent's `detailHash`.
 */
export function salted(fields: Record<string, unknown>): { detail: string; detailHash: string } {
  const detail = JSON.stringify({ ...fields, salt: randomBytes(16).toString('hex') })
  return { detail, detailHash: sha256(detail) }
}

/** A Card:Suspend's intent and transient (the reason travels only as the salted `detail`). Send the same bytes to replay. */
export function suspension(noKartu: string, reason = 'iuran menunggak', requestId = uid('S')): { intent: Record<string, string>; transient: Record<string, string> } {
  const { detail, detailHash } = salted({ reason })
  return { intent: { requestId, noKartu, detailHash }, transient: { detail } }
}

/** Suspend a card as BPJS, endorsed by ISSUE_ENDORSERS. Returns the public card. */
export async function suspendCard(bpjs: LedgerConnection, noKartu: string, reason?: string, requestId?: string): Promise<Record<string, unknown>> {
  const { intent, transient } = suspension(noKartu, reason, requestId)
  return submitPrivate(bpjs, 'Card', 'Suspend', intent, transient, ISSUE_ENDORSERS)
}

/**
 * A Claim:Approve/Reject's intent and transient: remarks as the salted `detail` (none: no detailHash, no transient).
 * The remarks go to the implicit collections of BPJS and the submitter's org, so both are named as endorsers.
 */
export function decision(claimId: string, remarks?: string, requestId = uid('D')): { intent: Record<string, string>; transient?: Record<string, string> } {
  if (remarks === undefined) return { intent: { requestId, claimId } }
  const { detail, detailHash } = salted({ remarks })
  return { intent: { requestId, claimId, detailHash }, transient: { detail } }
}

/** BPJS approves or rejects a claim submitted by `submitterMsp`. Returns the public claim. */
export async function decideClaim(
  bpjs: LedgerConnection, fn: 'Approve' | 'Reject', claimId: string, remarks?: string, submitterMsp = 'RSMSP',
): Promise<Record<string, unknown>> {
  const { intent, transient } = decision(claimId, remarks)
  return submitPrivate(bpjs, 'Claim', fn, intent, transient ?? {}, ['BPJSMSP', submitterMsp])
}

/**
 * Create a referral as a faskes workstation: reason and doctor as the salted transient `detail` (the public intent
 * carries its sha256). Returns the id, the detail bytes and the public record.
 */
export async function createReferral(
  conn: LedgerConnection,
  r: { noKartu: string; visitId?: string; fromPPK: string; toPPK: string; reason?: string; doctor?: string; toMsp?: string },
): Promise<{ referralId: string; detail: string; record: Record<string, unknown> }> {
  const referralId = uid('REF')
  const detail = JSON.stringify({ reason: r.reason ?? 'Butuh spesialis penyakit dalam', doctor: r.doctor ?? 'dr. Contoh', salt: randomBytes(16).toString('hex') })
  const intent = { referralId, noKartu: r.noKartu, visitId: r.visitId, fromPPK: r.fromPPK, toPPK: r.toPPK, detailHash: sha256(detail), toMsp: r.toMsp }
  // The detail goes to the implicit collections of both faskes orgs and BPJS: the gateway needs them named.
  const endorsers = [...new Set([conn.profile.mspId, r.toMsp ?? 'RSMSP', 'BPJSMSP'])]
  const record = await submitPrivate(conn, 'Referral', 'Create', intent, { detail }, endorsers)
  return { referralId, detail, record }
}

/** Record a visit with private clinical detail (transient `detail`) as a facility org. */
export async function recordVisit(conn: LedgerConnection, noKartu: string, kdPPK: string): Promise<{ visitId: string; detail: string }> {
  const visitId = uid('V')
  const { detail, detailHash } = salted({ diagnoses: [{ kdDiag: 'J06.9', nmDiag: 'Acute upper respiratory infection' }], treatment: 'Paracetamol 500mg', vitals: { sistole: 120, diastole: 80 } })
  await conn.contract('Visit').submit('Record', {
    arguments: [JSON.stringify({ visitId, noKartu, kdPPK, tglKunjungan: new Date().toISOString().slice(0, 10), detailHash })],
    transientData: { detail },
    endorsingOrganizations: endorsersOf('Visit:Record', conn.profile.mspId),
  })
  await settle(conn)
  return { visitId, detail }
}

/**
 * `mspId`'s audit trail from `fromIso` on, read page by page through Audit:ListByActor (500 a page, at most 40
 * pages: a test's own entries are minutes old, and an org's whole trail is never read).
 */
export async function auditSince<T = Record<string, unknown>>(conn: LedgerConnection, mspId: string, fromIso: string): Promise<T[]> {
  const entries: T[] = []
  let bookmark = ''
  for (let page = 0; page < 40; page++) {
    const answer = await evaluate<{ entries: T[]; bookmark: string }>(conn, 'Audit', 'ListByActor', mspId, fromIso, '500', bookmark)
    entries.push(...answer.entries)
    bookmark = answer.bookmark
    if (!bookmark) return entries
  }
  throw new Error(`${mspId}'s audit trail since ${fromIso} has more than 40 pages`)
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
