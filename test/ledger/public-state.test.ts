/**
 * No patient data in public state (issue 14, Deliver 5), read from the blocks themselves: a full visit (card issue and
 * check, visit, referral, claim, record hash) is committed, then every block from the card's issue on is fetched
 * through the gateway's block events and decoded with @hyperledger/fabric-protos. Every public key and value the
 * visit wrote, and every byte of those blocks (intents, results, events, private-data hashes), must hold no NIK, no
 * hash of it, no name and no clinical text.
 */
import { createHash } from 'node:crypto'
import { common, ledger, peer } from '@hyperledger/fabric-protos'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { LedgerConnection } from '../../electron/core/ledger/gateway'
import { DEFAULT_KDPPK } from '../helpers/fabric-identity'
import { connectAs, createReferral, evaluate, height, issueCard, sha256, submit, submitPrivate, syntheticNik, uid } from './helpers'

let bpjs: LedgerConnection
let rs: LedgerConnection
beforeAll(async () => {
  bpjs = await connectAs('BPJS')
  rs = await connectAs('RS')
})
afterAll(() => {
  for (const c of [bpjs, rs]) c?.close()
})

/** One public write of a transaction: its namespace (chaincode), key and value as text. */
interface PublicWrite {
  txId: string
  namespace: string
  key: string
  value: string
}

/** Every public write of every endorser transaction in `block` (kvrwset writes of each namespace). */
function publicWrites(block: common.Block): PublicWrite[] {
  const out: PublicWrite[] = []
  for (const envelope of block.getData()?.getDataList_asU8() ?? []) {
    const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelope).getPayload_asU8())
    const header = common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8())
    if (header.getType() !== common.HeaderType.ENDORSER_TRANSACTION) continue
    for (const action of peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()) {
      const endorsed = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction()!
      const response = peer.ProposalResponsePayload.deserializeBinary(endorsed.getProposalResponsePayload_asU8())
      const results = peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8()).getResults_asU8()
      for (const ns of ledger.rwset.TxReadWriteSet.deserializeBinary(results).getNsRwsetList()) {
        for (const w of ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8()).getWritesList()) {
          out.push({ txId: header.getTxId(), namespace: ns.getNamespace(), key: w.getKey(), value: Buffer.from(w.getValue_asU8()).toString('utf8') })
        }
      }
    }
  }
  return out
}

/** Blocks [from, to) of the connection's channel, through its peer's block events. Bounded: 20 s. */
async function blocks(conn: LedgerConnection, from: bigint, to: bigint): Promise<common.Block[]> {
  const events = await conn.network.getBlockEvents({ startBlock: from })
  const timer = setTimeout(() => events.close(), 20_000)
  const out: common.Block[] = []
  try {
    for await (const block of events) {
      out.push(block)
      if (BigInt(block.getHeader()!.getNumber()) >= to - 1n) break
    }
  } finally {
    clearTimeout(timer)
    events.close()
  }
  if (out.length !== Number(to - from)) throw new Error(`got ${out.length} of the ${to - from} blocks ${from}..${to - 1n} within 20 s`)
  return out
}

it('a full visit leaves no NIK, no hash of it, no name and no clinical text in any public key, value or block byte', async () => {
  const tag = uid('walk')
  const nik = syntheticNik()
  const nikSha = createHash('sha256').update(nik).digest()
  const name = `Siti Aminah ${tag}`
  const clinical = { reason: `Curiga apendisitis akut ${tag}`, doctor: `dr. Budi Santoso ${tag}`, nmDiag: `Apendisitis akut ${tag}`, treatment: `Rujuk bedah cito ${tag}` }

  const start = await height(bpjs)
  const noKartu = await issueCard(bpjs, nik)
  // The counter's card check: a read, nothing written.
  expect(await evaluate(rs, 'Card', 'ReadStatus', noKartu)).toMatchObject({ noKartu, status: 'ACTIVE' })
  const kdPPK = DEFAULT_KDPPK.RS
  const visitId = uid('V')
  // The clinical detail as the workstation sends it (clinic/index.ts visitDetail), the patient's name included as a
  // canary: nothing of it may reach public state.
  const detail = JSON.stringify({ patient: name, diagnoses: [{ kdDiag: 'K35.8', nmDiag: clinical.nmDiag }], terapiNonObat: clinical.treatment })
  await submitPrivate(rs, 'Visit', 'Record', { visitId, noKartu, kdPPK, tglKunjungan: new Date().toISOString().slice(0, 10), detailHash: sha256(detail) }, { detail })
  const { referralId } = await createReferral(rs, { noKartu, visitId, fromPPK: kdPPK, toPPK: '0101R009', reason: clinical.reason, doctor: clinical.doctor })
  const claimId = uid('CL')
  await submit(rs, 'Claim', 'Submit', { claimId, visitId, noKartu, amount: 2_500_000, kdPPK })
  const recordId = uid('MR')
  await submit(rs, 'MedicalRecord', 'Anchor', { recordId, noKartu, docHash: sha256(`resume ${name} ${nik} ${clinical.nmDiag}`), pointerCiphertext: 'b3BhcXVl' })
  const end = await height(bpjs)

  const walked = await blocks(bpjs, start, end)
  const writes = walked.flatMap(publicWrites)
  // The visit's own transactions: every one of them indexes the card (patient~entity) or names it in its record.
  const mine = new Set(writes.filter((w) => w.key.includes(noKartu) || w.value.includes(noKartu)).map((w) => w.txId))
  const ours = writes.filter((w) => mine.has(w.txId) && w.namespace === 'faskes')
  // The walk saw what the visit wrote: the entity keys of card, visit, referral, claim and record, and the visit's claim link.
  const entityKeys = ours.map((w) => w.key.split('\u0000').filter(Boolean).slice(0, 2).join(':'))
  expect(entityKeys).toEqual(expect.arrayContaining([`Card:${noKartu}`, `Visit:${visitId}`, `Referral:${referralId}`, `Claim:${claimId}`, `MedicalRecord:${recordId}`]))
  expect(ours.filter((w) => w.key.includes(`Visit\u0000${visitId}`)).map((w) => JSON.parse(w.value).claimId)).toContain(claimId)
  expect(mine.size).toBeGreaterThanOrEqual(5)

  const forbidden: Record<string, string> = {
    nik, 'sha256(nik)': nikSha.toString('hex'), 'sha256(nik) base64': nikSha.toString('base64'), name,
    ...clinical, kdDiag: 'K35.8',
  }
  for (const w of ours) {
    for (const [what, text] of Object.entries(forbidden)) {
      expect(`${w.key}\n${w.value}`.includes(text), `public write ${JSON.stringify(w.key)} holds ${what}`).toBe(false)
    }
  }
  // Every byte of the walked blocks: intents (arguments), results, events and the hashes of private writes.
  const bytes = Buffer.concat(walked.map((b) => Buffer.from(b.serializeBinary())))
  for (const [what, text] of Object.entries(forbidden)) {
    if (what === 'kdDiag') continue // a code other traffic on the shared network may carry; checked per write above
    expect(bytes.includes(Buffer.from(text)), `a block holds ${what}`).toBe(false)
  }
  expect(bytes.includes(nikSha), 'a block holds the raw sha256 of the NIK').toBe(false)
  expect(bytes.includes(Buffer.from(noKartu)), 'the blocks walked are the visit\'s').toBe(true)
})
