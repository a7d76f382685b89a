import { z } from 'zod'
import type {
  AntreanAddInput,
  AntreanBatalInput,
  AntreanPanggilInput,
  KunjunganInput,
  ObatInput,
  PendaftaranInput,
  RujukLanjut,
  TindakanInput,
} from '../pcare/types'
import { pcareSuhu } from '../../contract/vitals'
import { SendError } from './executor'
import type { Target } from './outbox'

/*
 * Every outbox operation, the remote that performs it, and the zod schema of the payload it stores. The PCare
 * and Antrean schemas are annotated with the request types of pcare/types.ts, so a schema that drifts from the
 * client's type is a compile error; the body builders in pcare/bodies.ts produce exactly these shapes.
 * Schemas strip unknown keys: what an executor sends is what the schema names, nothing a newer or older version
 * may have stored beside it.
 */

/** `peserta.verify`: re-check a card registered while PCare was unreachable (GET peserta/{noKartu}). */
const PesertaVerify = z.object({ noKartu: z.string() })

const vitals = {
  sistole: z.number(),
  diastole: z.number(),
  beratBadan: z.number(),
  tinggiBadan: z.number(),
  respRate: z.number(),
  heartRate: z.number(),
}
const KdTkp = z.enum(['10', '20', '50'])

const Pendaftaran: z.ZodType<PendaftaranInput> = z.object({
  ...vitals,
  kdProviderPeserta: z.string(),
  tglDaftar: z.string(),
  noKartu: z.string(),
  kdPoli: z.string(),
  keluhan: z.string(),
  kunjSakit: z.boolean(),
  lingkarPerut: z.number(),
  rujukBalik: z.number(),
  kdTkp: KdTkp,
})

const RujukLanjutS: z.ZodType<RujukLanjut> = z.object({
  tglEstRujuk: z.string(),
  kdppk: z.string(),
  subSpesialis: z.object({ kdSubSpesialis1: z.string(), kdSarana: z.union([z.string(), z.number()]).nullable() }).nullable(),
  khusus: z.object({ kdKhusus: z.string(), kdSubSpesialis: z.string().nullable(), catatan: z.string() }).nullable(),
})

const Kunjungan: z.ZodType<KunjunganInput> = z.object({
  ...vitals,
  noKunjungan: z.string().nullable(),
  noKartu: z.string(),
  tglDaftar: z.string(),
  kdPoli: z.string(),
  keluhan: z.string(),
  kdSadar: z.string(),
  lingkarPerut: z.number(),
  kdStatusPulang: z.string(),
  tglPulang: z.string(),
  kdDokter: z.string(),
  kdDiag1: z.string(),
  kdDiag2: z.string().nullable(),
  kdDiag3: z.string().nullable(),
  kdPoliRujukInternal: z.string().nullable(),
  rujukLanjut: RujukLanjutS.nullable().optional(),
  kdTacc: z.number(),
  alasanTacc: z.string().nullable(),
  anamnesa: z.string(),
  alergiMakan: z.string(),
  alergiUdara: z.string(),
  alergiObat: z.string(),
  kdPrognosa: z.string(),
  terapiObat: z.string(),
  terapiNonObat: z.string(),
  bmhp: z.string(),
  // Jobs queued before suhu was sent as PCare's string ("36.5") hold a number: still sendable, in PCare's form.
  suhu: z.union([z.string(), z.number()]).transform(pcareSuhu),
})

/** A tindakan as queued: PCare's noKunjungan is not known yet, the executor adds it when the kunjungan is done. */
export type TindakanPayload = Omit<TindakanInput, 'noKunjungan'>
const Tindakan: z.ZodType<TindakanPayload> = z.object({
  kdTindakanSK: z.number(),
  kdTindakan: z.string(),
  biaya: z.number(),
  keterangan: z.string().nullable(),
  hasil: z.number(),
})

/** An obat as queued: noKunjungan is added at send, like a tindakan's. */
export type ObatPayload = Omit<ObatInput, 'noKunjungan'>
const Obat: z.ZodType<ObatPayload> = z.object({
  kdObatSK: z.number(),
  racikan: z.boolean(),
  kdRacikan: z.string().nullable(),
  obatDPHO: z.boolean(),
  kdObat: z.string(),
  signa1: z.number(),
  signa2: z.number(),
  jmlObat: z.number(),
  jmlPermintaan: z.number(),
  nmObatNonDPHO: z.string(),
})

/**
 * An Antrean add as queued: what the counter knew. The queue number, doctor and hours are filled in at send, from
 * PCare's noUrut and the cached schedule (pcare/bodies.ts `antreanAddBody`).
 */
export type AntreanAddPayload = Pick<AntreanAddInput, 'nomorkartu' | 'nik' | 'kodepoli' | 'namapoli' | 'tanggalperiksa' | 'keterangan'>
const AntreanAdd: z.ZodType<AntreanAddPayload> = z.object({
  nomorkartu: z.string(),
  nik: z.string(),
  kodepoli: z.string(),
  namapoli: z.string(),
  tanggalperiksa: z.string(),
  keterangan: z.string(),
})

const AntreanPanggil: z.ZodType<AntreanPanggilInput> = z.object({
  tanggalperiksa: z.string(),
  kodepoli: z.string(),
  nomorkartu: z.string(),
  status: z.union([z.literal(1), z.literal(2)]),
  waktu: z.number(),
})

/**
 * Corrections (clinic/corrections.ts), each queued behind what it corrects on the same chain. The PCare number it
 * names (noUrut, noKunjungan) arrived after the correction may have been queued, so it is read at send time from the
 * local record; the payload keeps the registration's facts, which reconcile reads look for.
 * - `pendaftaran.delete`: DELETE pendaftaran/peserta/{noKartu}/tglDaftar/{dd-MM-yyyy}/noUrut/{noUrut}/kdPoli/{kdPoli};
 * - `kunjungan.delete`: DELETE kunjungan/{noKunjungan}.
 */
export type RegistrationRef = { noKartu: string; tglDaftar: string; kdPoli: string }
const RegistrationRefS: z.ZodType<RegistrationRef> = z.object({ noKartu: z.string(), tglDaftar: z.string(), kdPoli: z.string() })

/** Antrean `batal` of the registration's Mobile JKN queue entry, with the counter's reason (`alasan`). */
const AntreanBatal: z.ZodType<AntreanBatalInput> = z.object({
  tanggalperiksa: z.string(),
  kodepoli: z.string(),
  nomorkartu: z.string(),
  alasan: z.string(),
})

/*
 * Ledger intents: the chaincode argument (`intent`, public state: ids, statuses, hashes) and the private-collection
 * data (`transient`, string values). The chaincode's replay check hashes the canonical intent, so the shapes here
 * must match what was stored, key for key (see chaincode/README.md).
 */
const VisitRecord = z.object({
  intent: z.object({ visitId: z.string(), noKartu: z.string(), kdPPK: z.string(), tglKunjungan: z.string(), detailHash: z.string() }),
  /** The clinical detail as canonical JSON, for the faskes org's and BPJS's private collection. */
  transient: z.object({ detail: z.string() }),
})
/**
 * A referral: the public intent names the faskes and the hash of its detail; reason and doctor travel only as the
 * transient `detail`, canonical JSON `{doctor, reason, salt}` (salt: 32 random lowercase hex digits, so the sha256
 * that public state and the block keep cannot be matched against guessed reasons or doctors' names), which the
 * chaincode stores in the implicit collections of the referring org, the receiving org and BPJS
 * (chaincode/README.md#trust-model). Jobs queued with reason and doctor in the intent are converted by migration 0013.
 */
const ReferralCreate = z.object({
  intent: z.object({
    referralId: z.string(),
    noKartu: z.string(),
    visitId: z.string(),
    fromPPK: z.string(),
    toPPK: z.string(),
    detailHash: z.string(),
  }),
  transient: z.object({ detail: z.string() }),
})
/**
 * A correction of a recorded visit, an entry of its own keyed to the visit (the Visit record is never overwritten).
 * kind EDIT: the examination was edited; DELETE: its kunjungan was deleted. `transient.detail` is canonical JSON of
 * {kind, reason, by, detail?} for the private collection; `detailHash` is sha256 of exactly those bytes.
 */
const VisitCorrect = z.object({
  intent: z.object({ correctionId: z.string(), visitId: z.string(), kind: z.enum(['EDIT', 'DELETE']), detailHash: z.string() }),
  transient: z.object({ detail: z.string() }),
})
const ClaimSubmit = z.object({
  /** amount: rupiah, a positive whole number. */
  intent: z.object({ claimId: z.string(), visitId: z.string(), noKartu: z.string(), amount: z.number(), kdPPK: z.string() }),
})

/**
 * `satusehat.visit`: the visit's resources to SATUSEHAT (core/sync/satusehat-executor.ts). Only the visit number: the
 * executor reads the registration and examination at send time (a correction made before the send goes with it).
 */
const SatusehatVisit = z.object({ noRawat: z.string().min(1) })

/**
 * `hub.call` (only at a desk, target `hub`): a write the desk made while its hub was away, replayed at the hub in the
 * desk's order by POST /apply (core/hub/apply.ts) with the key `desk:<deskId>:<deskSeq>`, which the hub stores so a
 * replay writes nothing twice. `input` is the contract input as typed at the desk; a `noRawat` that is still the
 * desk's local id (`desk-<n>`) is replaced at send time by the hub's (core/hub/offline.ts). `user` was signed in at the
 * desk; `at` is when (ms since epoch).
 */
const HubCall = z.object({
  channel: z.enum(['registration.create', 'examination.save']),
  input: z.record(z.string(), z.unknown()),
  user: z.string().min(1),
  at: z.number().int().nonnegative(),
  deskSeq: z.number().int().positive(),
})

interface OperationSpec {
  readonly target: Target
  readonly payload: z.ZodType
}

/**
 * The one map from operation name (the outbox's `operation` column) to its target and payload schema. Ledger
 * operation names are `Contract:Function` of the chaincode; the others name the PCare/Antrean endpoint.
 */
export const OPERATIONS = {
  'peserta.verify': { target: 'pcare', payload: PesertaVerify },
  'pendaftaran.add': { target: 'pcare', payload: Pendaftaran },
  'kunjungan.add': { target: 'pcare', payload: Kunjungan },
  'tindakan.add': { target: 'pcare', payload: Tindakan },
  'obat.add': { target: 'pcare', payload: Obat },
  'antrean.add': { target: 'antrean', payload: AntreanAdd },
  'antrean.panggil': { target: 'antrean', payload: AntreanPanggil },
  'pendaftaran.delete': { target: 'pcare', payload: RegistrationRefS },
  'kunjungan.edit': { target: 'pcare', payload: Kunjungan },
  'kunjungan.delete': { target: 'pcare', payload: RegistrationRefS },
  'antrean.batal': { target: 'antrean', payload: AntreanBatal },
  'Visit:Record': { target: 'ledger', payload: VisitRecord },
  'Visit:Correct': { target: 'ledger', payload: VisitCorrect },
  'Referral:Create': { target: 'ledger', payload: ReferralCreate },
  'Claim:Submit': { target: 'ledger', payload: ClaimSubmit },
  'satusehat.visit': { target: 'satusehat', payload: SatusehatVisit },
  'hub.call': { target: 'hub', payload: HubCall },
} as const satisfies Record<string, OperationSpec>

export type Operation = keyof typeof OPERATIONS
/** The payload type an operation stores (and its executor receives after parsing). */
export type PayloadOf<Op extends Operation> = z.infer<(typeof OPERATIONS)[Op]['payload']>
/** The operations one target's worker performs. */
type OperationOf<T extends Target> = { [Op in Operation]: (typeof OPERATIONS)[Op]['target'] extends T ? Op : never }[Operation]

/** A job's operation and payload after parsing, discriminated by `operation` so a `switch` narrows the payload. */
export type ParsedJob<T extends Target = Target> = { [Op in OperationOf<T>]: { operation: Op; payload: PayloadOf<Op> } }[OperationOf<T>]

function isOperation(name: string): name is Operation {
  return Object.hasOwn(OPERATIONS, name)
}

/**
 * Parses a stored job once, before an executor touches it (as Signal Desktop's JobQueue.parseData does). A job
 * whose operation this version does not know for `target` fails with permanent UNKNOWN_OPERATION; a payload that
 * does not match its schema (written by another version, or edited by hand) with permanent BAD_PAYLOAD, its field
 * list naming the paths at fault. Neither can succeed on retry, so both wait for a person. The stored message is the
 * code's parameter (target and operation; operation and paths), as contract/sync-errors.ts asks; the fields carry
 * zod's wording. Never the stored values: they are patient data.
 */
export function parseJob<T extends Target>(target: T, job: { operation: string; payload: unknown }): ParsedJob<T> {
  const { operation } = job
  if (!isOperation(operation) || OPERATIONS[operation].target !== target) {
    throw new SendError('permanent', 'UNKNOWN_OPERATION', `${target} ${operation}`)
  }
  const parsed = OPERATIONS[operation].payload.safeParse(job.payload)
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(payload)', message: i.message }))
    throw new SendError('permanent', 'BAD_PAYLOAD', `${operation}: ${fields.map((f) => f.field).join(', ')}`, { fields })
  }
  // The check above ties `operation` to its own schema; TypeScript cannot correlate the two through the map.
  return { operation, payload: parsed.data } as ParsedJob<T>
}
