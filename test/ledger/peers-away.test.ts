/**
 * Which writes need which peers (issue 14, Deliver 4; chaincode/README.md#which-peers-a-write-needs), measured on the
 * real local network: each org's peer is stopped in turn (network/scripts/node.sh, restarted in `finally`), and every
 * kind of write is sent once while it is away. A write must commit exactly when every peer it needs is up. Fixtures
 * (cards, visits, a referral, a claim) are made while all peers are up, so each write in an outage stands alone.
 *
 * The outage is shared: other suites on the same network fail meanwhile, so this file keeps it short (a few seconds
 * per peer) and the ledger config runs files one after another.
 */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { LedgerConnection } from '../../electron/core/ledger/gateway'
import { endorsersOf } from '../../electron/core/sync/ledger-executor'
import { DEFAULT_KDPPK } from '../helpers/fabric-identity'
import {
  connectAs, createReferral, decision, height, holderOf, issueCard, newCardNo, recordVisit, salted, sha256, submit, suspendCard, suspension, syntheticNik, uid,
} from './helpers'

type Org = 'BPJS' | 'RS' | 'Puskesmas'
const ORGS: Org[] = ['BPJS', 'RS', 'Puskesmas']
const NODE: Record<Org, string> = { BPJS: 'peer-bpjs', RS: 'peer-rs', Puskesmas: 'peer-puskesmas' }
const MSP: Record<Org, string> = { BPJS: 'BPJSMSP', RS: 'RSMSP', Puskesmas: 'PuskesmasMSP' }
const RS_PPK = DEFAULT_KDPPK.RS
const PKM_PPK = DEFAULT_KDPPK.Puskesmas

/** Fault injection (network/scripts/node.sh); `start` returns once the peer's /healthz is OK. Bounded: 90 s. */
function node(action: 'stop' | 'start', name: string): void {
  execFileSync('bash', [join(__dirname, '../../network/scripts/node.sh'), action, name], { stdio: 'pipe', timeout: 90_000 })
}

/** One connection per org: a BPJS client and the default RS and Puskesmas workstations. */
type Conns = Record<Org, LedgerConnection>

/**
 * A write of the matrix. `needs`: the peers that must be up (beyond the caller's own, which is its gateway), as the
 * README's table states them. `prepare` makes the write's fixtures while every peer is up and returns the write
 * itself, which learns which org is away (a BPJS card write names its second endorser, as a BPJS client would).
 */
interface Write {
  name: string
  needs: Org[]
  prepare(c: Conns): Promise<(away: Org) => Promise<unknown>>
}

/**
 * Visit:Record as `conn`'s workstation, naming the endorsers as the app does (endorsersOf). Not helpers' recordVisit: that one waits
 * for every open connection's peer, and one of them is away here.
 */
function visitRecord(conn: LedgerConnection, noKartu: string, kdPPK: string) {
  const { detail, detailHash } = salted({ diagnoses: [{ kdDiag: 'J06.9', nmDiag: 'ISPA' }] })
  const intent = { visitId: uid('V'), noKartu, kdPPK, tglKunjungan: new Date().toISOString().slice(0, 10), detailHash }
  return conn.contract('Visit').submit('Record', { arguments: [JSON.stringify(intent)], transientData: { detail }, endorsingOrganizations: endorsersOf('Visit:Record', conn.profile.mspId) })
}

/** The facility org still up to endorse a card write beside BPJS (any one of them will do). */
const otherFacility = (away: Org): string => (away === 'RS' ? MSP.Puskesmas : MSP.RS)

const WRITES: Write[] = [
  {
    name: 'Card:Issue', needs: ['BPJS'],
    prepare: async (c) => async (away) => c.BPJS.contract('Card').submit('Issue', {
      arguments: [JSON.stringify({ noKartu: newCardNo(), kdProviderPst: '0199B001' })],
      transientData: holderOf(syntheticNik()), endorsingOrganizations: [MSP.BPJS, otherFacility(away)],
    }),
  },
  {
    name: 'Card:Suspend', needs: ['BPJS'],
    prepare: async (c) => {
      const { intent, transient } = suspension(await issueCard(c.BPJS), 'uji peer mati')
      return async (away) => c.BPJS.contract('Card').submit('Suspend', { arguments: [JSON.stringify(intent)], transientData: transient, endorsingOrganizations: [MSP.BPJS, otherFacility(away)] })
    },
  },
  {
    name: 'Card:Reactivate', needs: ['BPJS'],
    prepare: async (c) => {
      const noKartu = await issueCard(c.BPJS)
      await suspendCard(c.BPJS, noKartu)
      return async () => c.BPJS.contract('Card').submitTransaction('Reactivate', JSON.stringify({ requestId: uid('R'), noKartu }))
    },
  },
  {
    name: 'Visit:Record (Puskesmas)', needs: ['Puskesmas', 'BPJS'],
    prepare: async (c) => {
      const noKartu = await issueCard(c.BPJS)
      return async () => visitRecord(c.Puskesmas, noKartu, PKM_PPK)
    },
  },
  {
    name: 'Visit:Record (RS)', needs: ['RS', 'BPJS'],
    prepare: async (c) => {
      const noKartu = await issueCard(c.BPJS)
      return async () => visitRecord(c.RS, noKartu, RS_PPK)
    },
  },
  {
    name: 'Visit:Correct (Puskesmas)', needs: ['Puskesmas', 'BPJS'],
    prepare: async (c) => {
      const { visitId } = await recordVisit(c.Puskesmas, await issueCard(c.BPJS), PKM_PPK)
      const { detail, detailHash } = salted({ kind: 'DELETE', reason: 'salah pasien', by: 'admin' })
      const intent = { correctionId: `${visitId}-K1`, visitId, kind: 'DELETE', detailHash }
      return async () => c.Puskesmas.contract('Visit').submit('Correct', { arguments: [JSON.stringify(intent)], transientData: { detail }, endorsingOrganizations: endorsersOf('Visit:Correct', MSP.Puskesmas) })
    },
  },
  {
    name: 'Referral:Create (Puskesmas to RS)', needs: ['Puskesmas', 'RS', 'BPJS'],
    prepare: async (c) => {
      const noKartu = await issueCard(c.BPJS)
      const { visitId } = await recordVisit(c.Puskesmas, noKartu, PKM_PPK)
      const { detail, detailHash } = salted({ reason: 'Perlu spesialis', doctor: 'dr. Uji' })
      const intent = { referralId: uid('REF'), noKartu, visitId, fromPPK: PKM_PPK, toPPK: RS_PPK, detailHash }
      return async () => c.Puskesmas.contract('Referral').submit('Create', {
        arguments: [JSON.stringify(intent)], transientData: { detail }, endorsingOrganizations: [MSP.Puskesmas, MSP.RS, MSP.BPJS],
      })
    },
  },
  {
    name: 'Referral:Create (RS to RS)', needs: ['RS', 'BPJS'],
    prepare: async (c) => {
      const noKartu = await issueCard(c.BPJS)
      const { visitId } = await recordVisit(c.RS, noKartu, RS_PPK)
      const { detail, detailHash } = salted({ reason: 'Perlu bedah', doctor: 'dr. Uji' })
      const intent = { referralId: uid('REF'), noKartu, visitId, fromPPK: RS_PPK, toPPK: '0101R009', detailHash }
      return async () => c.RS.contract('Referral').submit('Create', {
        arguments: [JSON.stringify(intent)], transientData: { detail }, endorsingOrganizations: [MSP.RS, MSP.BPJS],
      })
    },
  },
  {
    name: 'Referral:Accept (RS)', needs: ['RS'],
    prepare: async (c) => {
      const noKartu = await issueCard(c.BPJS)
      const { referralId } = await createReferral(c.Puskesmas, { noKartu, fromPPK: PKM_PPK, toPPK: RS_PPK })
      return async () => c.RS.contract('Referral').submitTransaction('Accept', JSON.stringify({ requestId: uid('A'), referralId }))
    },
  },
  {
    name: 'Claim:Submit (Puskesmas)', needs: ['Puskesmas', 'BPJS'],
    prepare: async (c) => {
      const noKartu = await issueCard(c.BPJS)
      const { visitId } = await recordVisit(c.Puskesmas, noKartu, PKM_PPK)
      const intent = { claimId: uid('CL'), visitId, noKartu, amount: 120_000, kdPPK: PKM_PPK }
      return async () => c.Puskesmas.contract('Claim').submitTransaction('Submit', JSON.stringify(intent))
    },
  },
  {
    name: 'Claim:Approve (Puskesmas claim, remarks)', needs: ['BPJS', 'Puskesmas'],
    prepare: async (c) => {
      const noKartu = await issueCard(c.BPJS)
      const { visitId } = await recordVisit(c.Puskesmas, noKartu, PKM_PPK)
      const claimId = uid('CL')
      await submit(c.Puskesmas, 'Claim', 'Submit', { claimId, visitId, noKartu, amount: 90_000, kdPPK: PKM_PPK })
      const { intent, transient } = decision(claimId, 'Sesuai tarif')
      return async () => c.BPJS.contract('Claim').submit('Approve', { arguments: [JSON.stringify(intent)], transientData: transient, endorsingOrganizations: [MSP.BPJS, MSP.Puskesmas] })
    },
  },
  {
    name: 'MedicalRecord:Anchor (Puskesmas)', needs: ['Puskesmas'],
    prepare: async (c) => {
      const noKartu = await issueCard(c.BPJS)
      const intent = { recordId: uid('MR'), noKartu, docHash: sha256(uid('doc')), pointerCiphertext: 'b3BhcXVl' }
      return async () => c.Puskesmas.contract('MedicalRecord').submitTransaction('Anchor', JSON.stringify(intent))
    },
  },
]

let conns: Conns | undefined
beforeAll(async () => {
  conns = { BPJS: await connectAs('BPJS'), RS: await connectAs('RS'), Puskesmas: await connectAs('Puskesmas') }
})
afterAll(() => {
  for (const c of Object.values(conns ?? {})) c.close()
})

/** Waits until `org`'s peer, just restarted, has caught up with the highest of the others. Bounded: 30 s. */
async function caughtUp(org: Org): Promise<void> {
  const c = conns!
  const target = (await Promise.all(ORGS.filter((o) => o !== org).map((o) => height(c[o])))).reduce((a, b) => (a > b ? a : b))
  const end = Date.now() + 30_000
  for (;;) {
    try {
      if ((await height(c[org])) >= target) return
    } catch {
      // The connection reconnects to the restarted peer; until then the read fails.
    }
    if (Date.now() > end) throw new Error(`${NODE[org]} did not reach block ${target} within 30 s of its restart`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/**
 * Runs a fixture step, again while a gateway's discovery does not yet list a peer as up: after network:up or a peer's
 * restart, the other peers learn through gossip that it is alive a few seconds after it answers itself
 * ('failed to find any endorsing peers for org(s)'). Bounded: 60 s.
 */
async function whileDiscovering<T>(step: () => Promise<T>): Promise<T> {
  const end = Date.now() + 60_000
  for (;;) {
    try {
      return await step()
    } catch (err) {
      const text = failure(err)
      if (!/failed to find any endorsing peers|no combination of peers can be derived/.test(text) || Date.now() > end) throw err
      await new Promise((r) => setTimeout(r, 500))
    }
  }
}

/** The first line of a failed gateway call, with the details' messages (for the measured table). */
function failure(err: unknown): string {
  const e = err as Error & { details?: { message: string }[] }
  return [e.message.split('\n')[0], ...(e.details ?? []).map((d) => d.message)].join(' | ')
}

it('every write commits while a peer is away exactly when it does not need that peer', { timeout: 300_000 }, async () => {
  const c = conns!
  const measured: Record<string, Record<Org, string>> = {}
  const expected: Record<string, Record<Org, string>> = {}
  for (const away of ORGS) {
    const writes = []
    for (const w of WRITES) writes.push({ w, send: await whileDiscovering(() => w.prepare(c)) })
    const stopped = Date.now()
    node('stop', NODE[away])
    try {
      for (const { w, send } of writes) {
        const got = await send(away).then(() => 'commits', (err: unknown) => `fails: ${failure(err)}`)
        ;(measured[w.name] ??= {} as Record<Org, string>)[away] = got
        ;(expected[w.name] ??= {} as Record<Org, string>)[away] = w.needs.includes(away) ? 'fails' : 'commits'
      }
    } finally {
      node('start', NODE[away])
    }
    if (process.env.PEERS_AWAY_REPORT) process.stdout.write(`${NODE[away]} away for ${Date.now() - stopped} ms\n`)
    await caughtUp(away)
  }
  if (process.env.PEERS_AWAY_REPORT) process.stdout.write(`${JSON.stringify(measured, null, 1)}\n`)
  const outcome = Object.fromEntries(Object.entries(measured).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).map(([o, s]) => [o, s.split(':')[0]]))]))
  expect(outcome).toEqual(expected)
})
