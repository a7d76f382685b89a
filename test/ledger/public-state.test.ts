/**
 * No patient data in public state (issue 14, Deliver 5), read from the blocks themselves: a full visit (card issue and
 * check, visit, referral, claim, record hash; BPJS's approval with remarks and a suspension with a reason) is committed, then every block from the card's issue on is fetched
 * through the gateway's block events and decoded with @hyperledger/fabric-protos. Every public key and value the
 * visit wrote, and every byte of those blocks (intents, results, events, private-data hashes), must hold no NIK, no
 * hash of it, no name and no clinical text. Twice: once written with the test helpers (every contract, a card issued
 * here), once the way the app writes it (the clinician's save, recordExamination, then the sync engine's ledger worker).
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { common, ledger, peer } from '@hyperledger/fabric-protos'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ExaminationInput } from '../../electron/contract'
import { recordExamination, visitDetail } from '../../electron/core/clinic'
import { canonicalJson } from '../../electron/core/util/canonical'
import type { LedgerConnection } from '../../electron/core/ledger/gateway'
import { DEFAULT_KDPPK } from '../helpers/fabric-identity'
import { drained, engine, register, simulator, workstation } from '../sync/harness'
import { connectAs, createReferral, decideClaim, evaluate, height, issueCard, salted, sha256, submit, submitPrivate, suspendCard, syntheticNik, uid } from './helpers'

process.env.FASKES_LOG_LEVEL ??= 'error'

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
  const name = `Siti Aminah ${tag}`
  const clinical = {
    reason: `Curiga apendisitis akut ${tag}`, doctor: `dr. Budi Santoso ${tag}`, nmDiag: `Apendisitis akut ${tag}`, treatment: `Rujuk bedah cito ${tag}`,
    remarks: `Tindakan apendektomi sesuai diagnosis ${tag}`, suspendReason: `Peserta meninggal dunia ${tag}`,
  }

  const start = await height(bpjs)
  const noKartu = await issueCard(bpjs, nik)
  // The counter's card check: a read, nothing written.
  expect(await evaluate(rs, 'Card', 'ReadStatus', noKartu)).toMatchObject({ noKartu, status: 'ACTIVE' })
  const kdPPK = DEFAULT_KDPPK.RS
  const visitId = uid('V')
  // The clinical detail as the workstation sends it (clinic/index.ts visitDetail), the patient's name included as a
  // canary: nothing of it may reach public state.
  const { detail, detailHash } = salted({ patient: name, diagnoses: [{ kdDiag: 'K35.8', nmDiag: clinical.nmDiag }], terapiNonObat: clinical.treatment })
  await submitPrivate(rs, 'Visit', 'Record', { visitId, noKartu, kdPPK, tglKunjungan: new Date().toISOString().slice(0, 10), detailHash }, { detail })
  const { referralId } = await createReferral(rs, { noKartu, visitId, fromPPK: kdPPK, toPPK: '0101R009', reason: clinical.reason, doctor: clinical.doctor })
  const claimId = uid('CL')
  await submit(rs, 'Claim', 'Submit', { claimId, visitId, noKartu, amount: 2_500_000, kdPPK })
  const recordId = uid('MR')
  await submit(rs, 'MedicalRecord', 'Anchor', { recordId, noKartu, docHash: sha256(`resume ${name} ${nik} ${clinical.nmDiag}`), pointerCiphertext: 'b3BhcXVl' })
  // BPJS's side: the claim approved with remarks, later the card suspended with a reason (both free text, sent private).
  await decideClaim(bpjs, 'Approve', claimId, clinical.remarks)
  await suspendCard(bpjs, noKartu, clinical.suspendReason)
  const end = await height(bpjs)

  // The membership type (issueCard's holder: 'PBI (APBN)', the state pays the premium) is personal too: private only.
  const ours = await walk(start, end, noKartu, { nik, name, ...clinical, kdDiag: 'K35.8', jnsPeserta: 'PBI (APBN)' })
  // The walk saw what the visit wrote: the entity keys of card, visit, referral, claim and record, and the visit's claim link.
  expect(ours.entityKeys).toEqual(expect.arrayContaining([`Card:${noKartu}`, `Visit:${visitId}`, `Referral:${referralId}`, `Claim:${claimId}`, `MedicalRecord:${recordId}`]))
  expect(ours.visitClaimLinks(visitId)).toContain(claimId)
  expect(ours.txCount).toBeGreaterThanOrEqual(7)
})

it('the app\'s own save-and-send path (recordExamination with a referral and a claim, then the ledger worker) leaves none either', { timeout: 120_000 }, async () => {
  const tag = uid('app')
  const ws = workstation('Puskesmas')
  const sim = await simulator()
  let eng: ReturnType<typeof engine> | undefined
  try {
    // A card the network's seed issued: its holder's NIK is in the workstation's patient cache (and nowhere public).
    const peserta = JSON.parse(readFileSync(join(__dirname, '../../tools/demo-data/peserta.json'), 'utf8')) as { noKartu: string; noKTP: string; aktif: boolean }[]
    const { noKartu, noKTP: nik } = peserta.filter((p) => p.aktif)[3]
    const name = `Rahmawati Canary ${tag}`
    ws.db.prepare('UPDATE patients SET nama = ? WHERE no_kartu = ?').run(name, noKartu)
    const clinical = {
      keluhan: `nyeri perut kanan bawah ${tag}`, anamnesa: `mual sejak kemarin ${tag}`, nmDiag: `Demam tifoid berat ${tag}`,
      terapiObat: `Seftriakson 2x1 g ${tag}`, terapiNonObat: `tirah baring ${tag}`, alasan: `curiga perforasi usus ${tag}`, dokter: `dr. Hendra Wijaya ${tag}`,
    }
    const { noRawat } = register(ws, noKartu, { kdPoli: '001' })
    const today = new Date().toISOString().slice(0, 10)
    const input = ExaminationInput.parse({
      noRawat, keluhan: clinical.keluhan, anamnesa: clinical.anamnesa,
      vitals: { sistole: 120, diastole: 80, beratBadan: 55, tinggiBadan: 160, lingkarPerut: 70, respRate: 18, heartRate: 80, suhu: '38.5' },
      kdSadar: '01', diagnoses: [{ kdDiag: 'A01.0', nmDiag: clinical.nmDiag }], kdDokter: '131491',
      terapiObat: clinical.terapiObat, terapiNonObat: clinical.terapiNonObat,
      kdStatusPulang: '4', alergiMakan: '00', alergiUdara: '00', alergiObat: '00', kdPrognosa: '01', kdPoliRujukInternal: null,
      rujukan: { kdppk: DEFAULT_KDPPK.RS, nmppk: 'RSUD Contoh', kdSubSpesialis: '26', kdSarana: '1', tglEstRujuk: today, alasan: clinical.alasan, dokter: clinical.dokter },
      claimAmount: 175_000,
    })
    const saved = recordExamination(ws.db, { kdPPK: ws.kdPPK }, input, { userId: 'test' })
    expect(saved.referralId).not.toBeNull()
    expect(saved.claimId).not.toBeNull()

    const start = await height(bpjs)
    eng = engine(ws, sim)
    eng.start()
    await drained(ws.db, 90_000)
    await eng.stop()
    eng = undefined
    const ledgerJobs = ws.db.prepare(`SELECT operation, status, last_error_code AS code FROM outbox WHERE target = 'ledger' ORDER BY id`).all()
    expect(ledgerJobs).toEqual(['Visit:Record', 'Referral:Create', 'Claim:Submit'].map((operation) => ({ operation, status: 'done', code: null })))
    const end = await height(bpjs)

    // What a guesser would hash: the visit's clinical fields as the app builds them, without the salt. Neither as hex
    // (an intent's detailHash) nor as raw bytes (Fabric's hash of the private value in the block) may it appear.
    const guess = createHash('sha256').update(canonicalJson(visitDetail(input))).digest()
    const ours = await walk(start, end, noKartu, { nik, name, ...clinical, 'sha256(unsalted clinical detail)': guess.toString('hex') })
    expect(ours.blockBytes.includes(guess), 'a block holds the raw sha256 of the unsalted clinical detail').toBe(false)
    expect(ours.entityKeys).toEqual(expect.arrayContaining([`Visit:${saved.visitId}`, `Referral:${saved.referralId}`, `Claim:${saved.claimId}`]))
    expect(ours.visitClaimLinks(saved.visitId)).toContain(saved.claimId)
    // The texts did travel, privately: BPJS reads the referral's reason and doctor and the visit's diagnosis back.
    const privately = async (contract: string, id: string) => Buffer.from(await bpjs.contract(contract).evaluateTransaction('ReadDetail', id)).toString('utf8')
    expect(JSON.parse(await privately('Referral', saved.referralId!))).toMatchObject({ reason: clinical.alasan, doctor: clinical.dokter })
    expect(await privately('Visit', saved.visitId)).toContain(clinical.nmDiag)
  } finally {
    await eng?.stop()
    await sim.close()
    ws.cleanup()
  }
})

/**
 * Walks blocks [start, end) as BPJS's peer has them and checks the transactions that touch card `noKartu` (every write
 * of a visit indexes the card or names it in its record): no public key or value of theirs holds any `forbidden` text
 * (the NIK, its sha256 as hex, base64 or raw bytes are added here), and no byte of any walked block (intents, results,
 * events, private-data hashes) does either. Returns what the visit's transactions wrote, for the caller's checks.
 */
async function walk(start: bigint, end: bigint, noKartu: string, texts: { nik: string; name: string; kdDiag?: string } & Record<string, string>) {
  const walked = await blocks(bpjs, start, end)
  const writes = walked.flatMap(publicWrites)
  const mine = new Set(writes.filter((w) => w.key.includes(noKartu) || w.value.includes(noKartu)).map((w) => w.txId))
  const ours = writes.filter((w) => mine.has(w.txId) && w.namespace === 'faskes')
  const nikSha = createHash('sha256').update(texts.nik).digest()
  const forbidden: Record<string, string> = { ...texts, 'sha256(nik)': nikSha.toString('hex'), 'sha256(nik) base64': nikSha.toString('base64') }
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
  return {
    /** Every byte of the walked blocks, for the caller's own raw-byte checks. */
    blockBytes: bytes,
    txCount: mine.size,
    /** `<EntityType>:<id>` of every key the visit's transactions wrote. */
    entityKeys: ours.map((w) => w.key.split('\u0000').filter(Boolean).slice(0, 2).join(':')),
    /** The claimId of every write of Visit `visitId`'s record. */
    visitClaimLinks: (visitId: string) => ours.filter((w) => w.key.includes(`Visit\u0000${visitId}`)).map((w) => (JSON.parse(w.value) as { claimId?: string }).claimId),
  }
}
