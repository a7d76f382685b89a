/**
 * The one way into the main process: channel names with zod schemas for input and output.
 * Main validates every input against these before core sees it; the renderer imports TYPES only
 * (enforced by lint), so no schema code or Node module reaches the page through this file.
 */
import { z } from 'zod'
import { StoredSyncErrorCode, SyncErrorCode } from './sync-errors'
import { remoteUrlProblem } from './remote-url'
import { checkVitals } from './vitals'

export const Locale = z.enum(['id', 'en'])
/**
 * A remote the outbox delivers to (Antrean FKTP is PCare's queue service; SATUSEHAT is the Ministry of Health's FHIR
 * platform, docs/satusehat.md). `hub` only at a desk: what it did while its hub was away (docs/hub.md "Offline").
 */
export const Target = z.enum(['ledger', 'pcare', 'antrean', 'satusehat', 'hub'])
export type Target = z.infer<typeof Target>
/** The faskes org this workstation's ledger identity belongs to (BPJS is the other party, never a workstation). */
export const FabricOrg = z.enum(['RS', 'Puskesmas'])
export type FabricOrg = z.infer<typeof FabricOrg>
const Empty = z.object({}).strict()
/**
 * A remote's address as stored: http(s). An address saved before https was required may be plain http to another
 * computer; it is read back as saved (never dropped, which would switch the workstation to the demo stand-ins) and
 * Pengaturan marks it as needing change (contract/remote-url.ts).
 */
const Url = z.url({ protocol: /^https?$/ })
/** A remote's address as it may be saved now: https, or plain http to this computer only (contract/remote-url.ts). */
const RemoteUrl = Url.refine((u) => remoteUrlProblem(u) !== 'v.httpsOnly', 'v.httpsOnly')

/** A certificate or chain as PEM text: the app keeps certificates itself, not paths the admin must keep. */
const CertPem = z
  .string()
  .trim()
  .max(50_000)
  .regex(/^(-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----\s*)+$/, 'v.pemCert')
/** The role a Fabric CA registration gives an identity (attribute `role`): a faskes desk or a BPJS officer's client. */
export const LedgerRole = z.enum(['workstation', 'bpjs'])
/** What an enrolment stored (ledger/enrolment.ts): public material only; the key is in the keychain or the token. */
const LedgerEnrolment = z.object({
  enrollmentId: z.string(),
  mspId: z.string(),
  /** The certificate's attributes (Fabric CA ecert attributes): the chaincode takes the faskes code from them. */
  kdPPK: z.string().nullable(),
  role: LedgerRole,
  certPem: z.string(),
  /** The chain of the CA that signed certPem, as the CA answered it. */
  chainPem: z.string(),
  /** ms since the epoch */
  notBefore: z.number(),
  notAfter: z.number(),
  enrolledAt: z.number(),
  /** Enrolled automatically against the local demo CA (peerEndpoint null). */
  demo: z.boolean(),
})
/**
 * How this workstation signs for the ledger: not enrolled, a software key in the OS keychain (account
 * `fabric-key:<org>MSP`, key and certificate in one item), or a key pair inside a PKCS#11 token (PIN in the keychain,
 * `fabric-pin:<org>MSP`). Set only by core after a checked enrolment, never through settings.update.
 */
export const LedgerIdentity = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  LedgerEnrolment.extend({ kind: z.literal('software') }),
  LedgerEnrolment.extend({
    kind: z.literal('pkcs11'),
    /** Path of the token's PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so. */
    library: z.string().min(1),
    tokenLabel: z.string().min(1),
    keyLabel: z.string().min(1),
    /** CKA_ID of the key pair, hex: what fabric-gateway's HSM signer finds it by. */
    keyId: z.string().regex(/^[0-9a-f]+$/),
  }),
])
export type LedgerIdentity = z.infer<typeof LedgerIdentity>

/**
 * SATUSEHAT (docs/satusehat.md). Client id and secret live in the OS keychain, never here. `environment`: 'demo' = the
 * local simulator the run command starts (fake credentials), 'sandbox'/'production' = the Ministry's hosts
 * (core/satusehat/config.ts SATUSEHAT_HOSTS), 'custom' = the three bases below (e.g. behind a proxy). Visits are queued
 * for SATUSEHAT only while `enabled`. encounterStyle, timeStyle: the UNCONFIRMED behaviours of docs/satusehat.md.
 */
export const SatusehatSettings = z.object({
  enabled: z.boolean(),
  environment: z.enum(['demo', 'sandbox', 'production', 'custom']),
  authBase: Url.nullable(),
  fhirBase: Url.nullable(),
  kfaBase: Url.nullable(),
  /** The faskes's Organization IHS id (bound to the credentials); null = not set up (the demo uses the simulator's). */
  orgId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'v.orgId').nullable(),
  zone: z.enum(['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura']),
  encounterStyle: z.enum(['bundle', 'status-path']),
  timeStyle: z.enum(['utc', 'zone']),
  timeoutMs: z.number().int().min(1000).max(120_000),
})

export const Settings = z.object({
  faskesName: z.string().trim().max(120),
  /** PCare provider code of this faskes, e.g. 0199B001 (typed in lower case or with spaces around, it is stored as PCare writes it). */
  kdPPK: z.string().trim().toUpperCase().regex(/^[0-9A-Z]{8}$/, 'v.kdPPK').nullable(),
  locale: Locale,
  ledger: z.object({
    org: FabricOrg,
    /** host:port of the organisation's peer gateway; null = the local demo network. */
    peerEndpoint: z.string().regex(/^[A-Za-z0-9.-]+:\d{2,5}$/, 'v.hostPort').nullable(),
    channel: z.string().regex(/^[a-z][a-z0-9.-]{0,48}$/),
    /** The org's MSP id on the channel; null = `<org>MSP` (the local network's names). */
    mspId: z.string().regex(/^[A-Za-z0-9.-]{1,64}$/, 'v.mspId').nullable(),
    /** PEM of the TLS CA the peer's TLS certificate chains to (required with a peerEndpoint). */
    peerTlsCaPem: CertPem.nullable(),
    /** TLS server name of the peer when it differs from the host dialled (ssl_target_name_override). */
    tlsServerName: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'v.hostName').nullable(),
    /** The org's Fabric CA (https); null with the demo network, whose CA the demo path finds itself. */
    caUrl: Url.nullable(),
    /** PEM the CA's TLS server certificate chains to. */
    caTlsCaPem: CertPem.nullable(),
    /** The enrolment id the org admin registered (`npm run ledger:register`); its one-time secret is never stored. */
    enrollmentId: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'v.enrollmentId').nullable(),
    identity: LedgerIdentity,
  }),
  pcare: z.object({
    /** null = the local PCare simulator (demo). */
    baseUrl: Url.nullable(),
    /** null = the Antrean FKTP service beside the PCare URL (`…/antreanfktp`, `…/antreanfktp_dev`; core/pcare/config.ts antreanBaseUrlFor). */
    antreanBaseUrl: Url.nullable(),
    kunjunganPath: z.string().regex(/^[A-Za-z0-9/]+$/),
    postContentType: z.enum(['text/plain', 'application/json', 'Application/x-www-form-urlencoded']),
    timeoutMs: z.number().int().min(1000).max(120_000),
  }),
  updater: z.object({
    /** Generic-provider feed URL (latest.yml lives there); null disables update checks. */
    url: Url.nullable(),
  }),
  satusehat: SatusehatSettings,
})
export type Settings = z.infer<typeof Settings>

export const SettingsPatch = z
  .object({
    faskesName: Settings.shape.faskesName,
    kdPPK: Settings.shape.kdPPK,
    locale: Locale,
    // identity is core's alone (set after a checked enrolment): not patchable from the page.
    ledger: Settings.shape.ledger.omit({ identity: true }).extend({ caUrl: RemoteUrl.nullable() }).partial(),
    pcare: Settings.shape.pcare.extend({ baseUrl: RemoteUrl.nullable(), antreanBaseUrl: RemoteUrl.nullable() }).partial(),
    updater: z.object({ url: RemoteUrl.nullable() }).partial(),
    satusehat: SatusehatSettings.extend({ authBase: RemoteUrl.nullable(), fhirBase: RemoteUrl.nullable(), kfaBase: RemoteUrl.nullable() }).partial(),
  })
  .partial()
  .strict()
export type SettingsPatch = z.infer<typeof SettingsPatch>

export const TargetStatus = z.object({
  target: Target,
  /** null until the first call or probe tells. */
  online: z.boolean().nullable(),
  /** Jobs the worker will send by itself (now or at their next try). */
  pending: z.number().int().nonnegative(),
  /** Jobs queued behind a permanent failure of their chain: they wait for an admin, nothing is being sent. */
  blocked: z.number().int().nonnegative(),
  inFlight: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  lastSuccessAt: z.number().int().nullable(),
  /** The newest send to this target failed and will be retried (its status is "disturbed", never "connected"). */
  failing: z.boolean(),
  /**
   * Ledger only (null elsewhere): when the peer last refused this workstation's certificate (IDENTITY_REFUSED), in ms,
   * while no enrolment and no ledger success came after it. The bar shows "identity refused", never "connected".
   */
  identityRefusedAt: z.number().int().nullable(),
  /**
   * Ledger only: the faskes code in the settings is not the certificate's (IDENTITY_KDPPK_MISMATCH). Nothing is sent
   * until the workstation is enrolled again for that code; the bar says so instead of a bare "offline".
   */
  kdppkMismatch: z.boolean().optional(),
  /** True when the target lacks what a send needs (SATUSEHAT without organization id or credentials): "not configured". */
  unconfigured: z.boolean().optional(),
})
export const SyncStatus = z.object({
  targets: z.array(TargetStatus),
  /** Newest reference-data fetch (ms): pages re-read `reference.lists` when it changes. Null before the first. */
  referenceAt: z.number().int().nullable(),
})
export type SyncStatus = z.infer<typeof SyncStatus>

export const AppInfo = z.object({
  version: z.string(),
  schemaVersion: z.number().int(),
  faskesName: z.string(),
  kdPPK: z.string().nullable(),
  locale: Locale,
  /** Which remotes are stand-ins: the UI says so on screen. */
  demo: z.object({ ledger: z.boolean(), pcare: z.boolean(), satusehat: z.boolean() }),
})
export type AppInfo = z.infer<typeof AppInfo>

/** 13 digits, leading zeros kept: the printed and QR form of a BPJS card number. */
export const NoKartu = z.string().regex(/^\d{13}$/, 'v.noKartu')
/** 16 digits: Nomor Induk Kependudukan. */
export const Nik = z.string().regex(/^\d{16}$/, 'v.nik')
const KdPoli = z.string().regex(/^[0-9A-Z]{3}$/, 'v.kdPoli')
/** PCare kdTkp (tempat kunjungan/pelayanan): 10 RJTP (outpatient), 20 RITP (inpatient), 50 promotif. */
export const KdTkp = z.enum(['10', '20', '50'])
export type KdTkp = z.infer<typeof KdTkp>
const VitalsShape = z.object({
  sistole: z.number(),
  diastole: z.number(),
  /** kg with at most one decimal (a 3.2 kg baby), sent to PCare as weighed (`pcareBeratBadan`). */
  beratBadan: z.number(),
  tinggiBadan: z.number(),
  lingkarPerut: z.number(),
  respRate: z.number(),
  heartRate: z.number(),
  /** °C as typed, `36.5` or `36,5`; core sends PCare "36.5". */
  suhu: z.string().trim(),
})
/** Ranges, decimals and sistole above diastole: the rules shared with the page (`./vitals`), each issue a message key. */
const vitalRules = (v: Partial<z.infer<typeof VitalsShape>>, ctx: z.RefinementCtx) => {
  for (const i of checkVitals(v, 'any')) ctx.addIssue({ code: 'custom', path: [i.field], message: i.key, params: i.params })
}
/** The widest ranges (any poli); the examination save narrows them to the visit's poli (KIA babies vs adults). */
export const Vitals = VitalsShape.superRefine(vitalRules)
export type Vitals = z.infer<typeof Vitals>

export const RegistrationInput = z.object({
  noKartu: NoKartu,
  kdPoli: KdPoli,
  nmPoli: z.string().max(80).optional(),
  kdDokter: z.string().max(20).optional(),
  kunjSakit: z.boolean(),
  keluhan: z.string().trim().max(500).default(''),
  kdTkp: KdTkp.default('10'),
  vitals: VitalsShape.partial().superRefine(vitalRules).optional(),
  /** Also take a Mobile JKN (Antrean FKTP) queue number. */
  antrean: z.boolean().default(false),
  /** 'umum': the patient pays; kept local, nothing goes to PCare (the counter's explicit choice for an inactive card). */
  penjamin: z.enum(['bpjs', 'umum']).default('bpjs'),
  /**
   * The counter registers a card PCare could not be asked about (offline, never checked here). The visit is marked
   * unverified and the card is checked with PCare before its pendaftaran is sent.
   */
  unverified: z.boolean().default(false),
})
export type RegistrationInput = z.infer<typeof RegistrationInput>

const Diagnosis = z.object({ kdDiag: z.string().regex(/^[A-Z]\d{2}(\.\d{1,2})?$/, 'v.icd10'), nmDiag: z.string().max(200) })
export const Referral = z.object({
  kdppk: z.string().regex(/^[0-9A-Z]{8}$/, 'v.kdppkTujuan'),
  nmppk: z.string().max(120),
  kdSpesialis: z.string().max(10).optional(),
  kdSubSpesialis: z.string().max(10).optional(),
  kdSarana: z.string().max(10).optional(),
  /** A khusus referral (IGD, HDL, THA, HEM…) instead of a spesialis one; THA/HEM also carry kdSubSpesialis. */
  kdKhusus: z.string().regex(/^[A-Z]{3}$/, 'v.kdKhusus').optional(),
  catatan: z.string().trim().max(200).optional(),
  tglEstRujuk: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  alasan: z.string().trim().min(3).max(500),
  dokter: z.string().trim().min(1).max(120),
  /**
   * TACC (Time, Age, Complication, Comorbidity): why a diagnosis PCare marks as treatable at the FKTP
   * (nonSpesialis) is referred anyway. Required then; core checks it against the cached diagnosa list.
   */
  tacc: z.object({ kdTacc: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]), alasanTacc: z.string().trim().min(1, 'v.required').max(200) }).optional(),
})
export const FaskesRujukan = z.object({
  kdppk: z.string(),
  nmppk: z.string(),
  alamatPpk: z.string().nullable(),
  telpPpk: z.string().nullable(),
  kelas: z.string().nullable(),
  nmkc: z.string().nullable(),
  distance: z.number().nullable(),
  jadwal: z.string().nullable(),
  jmlRujuk: z.number().nullable(),
  kapasitas: z.number().nullable(),
  persentase: z.number().nullable(),
})
/** Which receiving hospitals to ask PCare for: a spesialis referral (kdSubSpesialis) or a khusus one (kdKhusus + noKartu). */
export const FaskesRujukanQuery = z
  .object({
    /** Spesialis referral: required. Khusus THA/HEM: required as well. */
    kdSubSpesialis: z.string().regex(/^[0-9A-Z]{1,10}$/).optional(),
    /** Optional: PCare's path then carries 0 (UNCONFIRMED: the value clients send for "no sarana"). */
    kdSarana: z.string().regex(/^[0-9A-Z]{1,10}$/).optional(),
    /** Khusus referral (IGD, HDL, THA, HEM…) instead of a spesialis one; the khusus lookup is per patient, so it needs noKartu. */
    kdKhusus: z.string().regex(/^[A-Z]{3}$/).optional(),
    noKartu: NoKartu.optional(),
    /** yyyy-MM-dd, the planned referral date. */
    tglEstRujuk: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'v.date'),
  })
  .strict()
  .refine((q) => (q.kdKhusus ? Boolean(q.noKartu) : Boolean(q.kdSubSpesialis)), { message: 'v.rujukTarget', path: ['kdSubSpesialis'] })
export type FaskesRujukanQuery = z.infer<typeof FaskesRujukanQuery>
export const FaskesRujukanAnswer = z.object({
  /** 'live' = PCare answered now; 'cache' = PCare could not be reached, this is the last answer for the same choice. */
  source: z.enum(['live', 'cache', 'none']),
  checkedAt: z.number().nullable(),
  /** The date the shown list was asked for (a cached list may be for another day). */
  tglEstRujuk: z.string().nullable(),
  /**
   * Why the list is not live: PCare's own words when it refused (shown as said), else a technical detail for support
   * (the client's or the library's text, English); the page words errorCode instead.
   */
  error: z.string().nullable(),
  /** The same as a code the page words in its language (PCare's reason upper-cased, TIMEOUT, UNCONFIGURED…). */
  errorCode: SyncErrorCode.nullable(),
  /** PCare answered and refused the request (e.g. 412 with a field list), as opposed to not answering at all. */
  refused: z.boolean(),
  list: z.array(FaskesRujukan),
})
export type FaskesRujukanAnswer = z.infer<typeof FaskesRujukanAnswer>
/**
 * A code from a PCare reference list (`alergi/jenis/{01|02|03}`, `prognosa`): short letters or digits, e.g. alergi
 * `00` ("Tidak Ada", docs/pcare.md#reference-lists). Core checks it against the cached list.
 */
const PcareRefCode = z.string().trim().min(1, 'v.required').regex(/^[0-9A-Za-z]{1,5}$/, 'v.choice')
export const ExaminationInput = z.object({
  noRawat: z.string().min(1).max(40),
  keluhan: z.string().trim().min(1, 'v.required').max(500),
  anamnesa: z.string().max(2000).default(''),
  vitals: Vitals,
  kdSadar: z.string().regex(/^\d{2}$/),
  diagnoses: z.array(Diagnosis).min(1, 'v.diagnosesMin').max(3, 'v.diagnosesMax'),
  kdDokter: z.string().min(1).max(20),
  terapiObat: z.string().max(2000).default(''),
  terapiNonObat: z.string().max(2000).default(''),
  kdStatusPulang: z.string().regex(/^\d{1,2}$/),
  /**
   * PCare's allergy codes (`alergi/jenis/01` makanan, `02` udara, `03` obat; `00` "Tidak Ada") and prognosis
   * (`prognosa`): asked at every examination, as Khanza asks them, and sent in kunjungan/V1 as given.
   */
  alergiMakan: PcareRefCode,
  alergiUdara: PcareRefCode,
  alergiObat: PcareRefCode,
  kdPrognosa: PcareRefCode,
  /** Internal referral to another poli of this faskes (PCare kdPoli from the poli list), null when none. */
  kdPoliRujukInternal: KdPoli.nullable().default(null),
  /** PCare's bmhp (bahan medis habis pakai: consumables used), free text; empty when none. */
  bmhp: z.string().trim().max(500).default(''),
  /**
   * hasil: the result value of a procedure PCare marks withValue (PCare's `hasil` is a whole number); required for
   * those (core checks against the cached tindakan list), ignored and sent as 0 for the others.
   */
  tindakan: z.array(z.object({ kdTindakan: z.string().min(1).max(20), nmTindakan: z.string().max(200).optional(), biaya: z.number().int().min(0), keterangan: z.string().max(200).optional(), hasil: z.number().int().min(0).optional() })).max(10).default([]),
  obat: z.array(z.object({ kdObat: z.string().min(1).max(20), nmObat: z.string().max(200), signa1: z.number().int().min(1).max(10), signa2: z.number().int().min(1).max(10), jmlObat: z.number().int().min(1).max(1000) })).max(20).default([]),
  rujukan: Referral.optional(),
  /** Claim amount in rupiah; a claim goes to the ledger when set. */
  claimAmount: z.number().int().positive().optional(),
})
export type ExaminationInput = z.infer<typeof ExaminationInput>

/** An outbox job's state; core/sync/outbox.ts moves jobs between them. */
export const OutboxStatus = z.enum(['pending', 'in_flight', 'done', 'failed_transient', 'failed_permanent', 'cancelled'])
export type OutboxStatus = z.infer<typeof OutboxStatus>
const FieldErr = z.object({ field: z.string(), message: z.string() })

export const PatientView = z.object({
  noKartu: z.string(),
  nik: z.string().nullable(),
  nama: z.string(),
  sex: z.string().nullable(),
  tglLahir: z.string().nullable(),
  jnsPeserta: z.string().nullable(),
  jnsKelas: z.string().nullable(),
  kdProvider: z.string().nullable(),
  nmProvider: z.string().nullable(),
  aktif: z.boolean().nullable(),
  ketAktif: z.string().nullable(),
  /** Arrears in rupiah (PCare peserta.tunggakan) at the last live check; null when never read. */
  tunggakan: z.number().nullable(),
})
export type PatientView = z.infer<typeof PatientView>
/**
 * Why an interactive ledger read (card check, patient history) gave no answer, for the page's own sentence:
 * IDENTITY_REFUSED the peer refused this workstation's certificate (revoked, expired, another MSP); FORBIDDEN the
 * chaincode refused the read (history is org-scoped: this faskes has not served the patient on the ledger, or its
 * visit is not on the ledger yet); UNREACHABLE no answer in time or no connection; OTHER anything else (the raw
 * text stays beside it for support).
 */
export const LedgerReadProblem = z.enum(['IDENTITY_REFUSED', 'FORBIDDEN', 'UNREACHABLE', 'OTHER'])
export type LedgerReadProblem = z.infer<typeof LedgerReadProblem>

export const PatientCheck = z.object({
  /** 'live' = PCare answered now; 'cache' = PCare could not be reached and this is the last known status. */
  source: z.enum(['live', 'cache', 'none']),
  /** PCare answered now: no peserta with this card number or NIK (the cache is not consulted then). */
  notFound: z.boolean(),
  /** When the shown PCare status was read (the "as of" time the counter must see when offline), epoch ms. */
  checkedAt: z.number().nullable(),
  /** Why PCare gave no live answer: a technical detail for support (the client's or the library's text, English), not for the page's prose. */
  pcareError: z.string().nullable(),
  patient: PatientView.nullable(),
  ledger: z.object({ status: z.string().nullable(), checkedAt: z.number().nullable(), source: z.enum(['live', 'cache', 'none']), error: z.string().nullable(), problem: LedgerReadProblem.nullable() }),
  /** This card's visits already registered today (not cancelled, not rejected), so the counter sees a repeat at once. */
  registeredToday: z.array(z.object({ noRawat: z.string(), kdPoli: z.string(), nmPoli: z.string().nullable() })),
  /**
   * True when a hub desk answered from its own copy because its HUB is away (core/hub/desk-node.ts): then the remote
   * that could not be reached is the hub, not PCare, and the page says so. Absent elsewhere.
   */
  fromDesk: z.boolean().optional(),
})
export type PatientCheck = z.infer<typeof PatientCheck>

const JobSync = z.enum(['pending', 'done', 'failed', 'none'])
/** Whether a called patient came: 'hadir' opens the examination, 'tidak_hadir' leaves them to be called again. */
export const Attendance = z.enum(['hadir', 'tidak_hadir'])
export type Attendance = z.infer<typeof Attendance>
export const RegistrationRow = z.object({
  noRawat: z.string(),
  noKartu: z.string(),
  nama: z.string().nullable(),
  tglDaftar: z.string(),
  kdPoli: z.string(),
  nmPoli: z.string().nullable(),
  keluhan: z.string(),
  kunjSakit: z.boolean(),
  noUrut: z.string().nullable(),
  /** From the patients cache: 'L'/'P' and PCare's dd-MM-yyyy birth date; null for a card never read from PCare. */
  sex: z.string().nullable(),
  tglLahir: z.string().nullable(),
  penjamin: z.enum(['bpjs', 'umum']),
  /** 'rejected': the later PCare check found the card unknown (note null) or inactive (note = PCare's ketAktif). */
  verification: z.enum(['verified', 'unverified', 'rejected']),
  verificationNote: z.string().nullable(),
  status: z.enum(['registered', 'examined', 'cancelled']),
  pcare: JobSync,
  ledger: JobSync,
  createdAt: z.number(),
  /** The doctor chosen at the counter (PCare kdDokter), null when none was. */
  kdDokter: z.string().nullable(),
  /** The poli queue: last call (epoch ms), how many calls, and whether the patient came. */
  calledAt: z.number().nullable(),
  callCount: z.number().int(),
  attendance: Attendance.nullable(),
  /** The visit's version (clinic/version.ts): a correction sends the one it read and is refused if it moved. */
  version: z.number().int(),
})
export type RegistrationRow = z.infer<typeof RegistrationRow>

/**
 * `registration.changes` (issue 16): what to merge into today's list since the caller's cursor. `full`: the cursor
 * was null or unknown (a restart of the hub or app, or too far behind), and `rows` is the whole list; otherwise
 * `rows` are the changed visits' rows and `gone` the changed visits no longer in today's list. The caller keeps
 * `cursor` (opaque) for its next call.
 */
export const RegistrationChanges = z.object({
  cursor: z.string(),
  full: z.boolean(),
  rows: z.array(RegistrationRow),
  gone: z.array(z.string()),
})
export type RegistrationChanges = z.infer<typeof RegistrationChanges>

/**
 * A correction of a visit (core/clinic/corrections.ts), kept beside what it corrects. effect 'withdrawn': nothing had
 * reached PCare or the ledger, so the queued jobs were cancelled or given the corrected data; 'queued': correction
 * jobs follow the originals (DELETE pendaftaran then antrean/batal, PUT kunjungan, DELETE kunjungan, Visit:Correct).
 */
export const CorrectionRow = z.object({
  id: z.number().int(),
  noRawat: z.string(),
  kind: z.enum(['cancel_registration', 'edit_examination', 'delete_kunjungan']),
  reason: z.string(),
  effect: z.enum(['withdrawn', 'queued']),
  createdBy: z.string(),
  createdAt: z.number(),
})
export type CorrectionRow = z.infer<typeof CorrectionRow>
/** Why a correction is made: required, in the words of who makes it. */
const CorrectionReason = z.string().trim().min(3).max(300)
const CorrectionResult = CorrectionRow.pick({ id: true, effect: true })
/**
 * The visit version a correction's form read (RegistrationRow.version, examination.get): a visit changed since at
 * another desk refuses it with CONFLICT visit.changedElsewhere. Optional: a caller that read none is not checked.
 */
const VisitVersion = z.number().int().min(1).optional()

export const HistoryEntry = z.object({
  noRawat: z.string(),
  tglDaftar: z.string(),
  kdPoli: z.string(),
  nmPoli: z.string().nullable(),
  keluhan: z.string(),
  diagnoses: z.array(z.object({ kdDiag: z.string(), nmDiag: z.string() })),
  noKunjungan: z.string().nullable(),
  ledgerTxId: z.string().nullable(),
  claimStatus: z.string().nullable(),
  referralStatus: z.string().nullable(),
})
export type HistoryEntry = z.infer<typeof HistoryEntry>
/** One ledger entity linked to the card: its type and id, its record's status, and when it was written (tx time). */
export const LedgerHistoryEntry = z.object({ type: z.string(), id: z.string(), status: z.string().nullable(), at: z.string().nullable() })
export type LedgerHistoryEntry = z.infer<typeof LedgerHistoryEntry>

export const OutboxRow = z.object({
  id: z.number(),
  target: Target,
  operation: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  chainKey: z.string(),
  seq: z.number(),
  status: OutboxStatus,
  attempts: z.number(),
  nextAttemptAt: z.number(),
  lastErrorCode: StoredSyncErrorCode.nullable(),
  lastErrorMessage: z.string().nullable(),
  lastErrorFields: z.array(FieldErr),
  correlationId: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  doneAt: z.number().nullable(),
  /** The earlier unfinished job of the same visit chain this one waits for; null when it is first in line. */
  blockedBy: z
    .object({ id: z.number(), operation: z.string(), status: OutboxStatus, lastErrorCode: StoredSyncErrorCode.nullable(), lastErrorMessage: z.string().nullable() })
    .nullable(),
})
export type OutboxRow = z.infer<typeof OutboxRow>
export const OutboxAttempt = z.object({
  id: z.number(),
  correlationId: z.string(),
  startedAt: z.number(),
  durationMs: z.number().nullable(),
  outcome: z.string(),
  httpStatus: z.number().nullable(),
  metaCode: z.number().nullable(),
  errorCode: StoredSyncErrorCode.nullable(),
  errorMessage: z.string().nullable(),
  errorFields: z.array(FieldErr),
  triggeredBy: z.string().nullable(),
  request: z.unknown(),
  response: z.unknown(),
})
export const OutboxDetail = OutboxRow.extend({ payload: z.unknown(), result: z.unknown(), attempts: z.array(OutboxAttempt) })
export type OutboxDetail = z.infer<typeof OutboxDetail>
export const OutboxFilter = z
  .object({
    status: z.array(OutboxStatus).optional(),
    target: Target.optional(),
    operation: z.string().max(60).optional(),
    from: z.number().int().optional(),
    to: z.number().int().optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .strict()
export type OutboxFilter = z.infer<typeof OutboxFilter>

const Pct = z.number().nullable()
export const Monitoring = z.object({
  kpi: z.object({ successRate: Pct, p50: Pct, p95: Pct, p99: Pct, pending: z.number(), failed: z.number() }),
  perDay: z.array(z.object({ day: z.string(), target: Target, operation: z.string(), ok: z.number(), failed: z.number(), successRate: Pct })),
  latency: z.array(z.object({ operation: z.string(), n: z.number(), p50: Pct, p95: Pct, p99: Pct })),
  topErrors: z.array(z.object({ code: StoredSyncErrorCode, message: z.string().nullable(), n: z.number() })),
  retryOutcomes: z.array(z.object({ attempts: z.string(), status: OutboxStatus, n: z.number() })),
  /** SATUSEHAT resources per type per day (faskes day of the last write): created, and updated again afterwards. */
  satusehat: z.array(z.object({ day: z.string(), resourceType: z.string(), created: z.number(), updated: z.number() })),
})
export type Monitoring = z.infer<typeof Monitoring>

/** One entry of a PCare code list the form offers as a choice. */
const RefItem = z.object({ kode: z.string(), nama: z.string() })
export const ReferenceLists = z.object({
  poli: z.array(z.object({ kdPoli: z.string(), nmPoli: z.string(), poliSakit: z.boolean() })),
  dokter: z.array(z.object({ kdDokter: z.string(), nmDokter: z.string() })),
  kesadaran: z.array(z.object({ kdSadar: z.string(), nmSadar: z.string() })),
  statusPulang: z.array(z.object({ kdStatusPulang: z.string(), nmStatusPulang: z.string() })),
  spesialis: z.array(
    z.object({ kdSpesialis: z.string(), nmSpesialis: z.string(), sub: z.array(z.object({ kdSubSpesialis: z.string(), nmSubSpesialis: z.string(), kdPoliRujuk: z.string().nullable() })) }),
  ),
  sarana: z.array(z.object({ kdSarana: z.string(), nmSarana: z.string() })),
  /** subSpesialis: this kind's hospital lookup and kunjungan also name a sub-spesialis (thalasemia, hemofili). */
  khusus: z.array(z.object({ kdKhusus: z.string(), nmKhusus: z.string(), subSpesialis: z.boolean() })),
  /** PCare `alergi/jenis/01` (makanan), `02` (udara), `03` (obat): kdAlergi/nmAlergi as `kode`/`nama`. */
  alergiMakanan: z.array(RefItem),
  alergiUdara: z.array(RefItem),
  alergiObat: z.array(RefItem),
  /** PCare `prognosa`: kdPrognosa/nmPrognosa as `kode`/`nama`. */
  prognosa: z.array(RefItem),
  refreshedAt: z.number().nullable(),
})
export const DiagnosaHit = z.object({
  kdDiag: z.string(),
  nmDiag: z.string(),
  nonSpesialis: z.boolean(),
  /** The Indonesian term or abbreviation that found the code (e.g. `darah tinggi`); absent for code and word hits. */
  alias: z.string().optional(),
})
export type DiagnosaHit = z.infer<typeof DiagnosaHit>
/**
 * A cached PCare tindakan: kdTkp 10 RJTP, 20 RITP, 50 promotif; maxTarif is PCare's ceiling in rupiah (null: none
 * given); withValue: the procedure has a result value to send as `hasil`.
 */
export const TindakanHit = z.object({ kdTkp: KdTkp, kdTindakan: z.string(), nmTindakan: z.string(), maxTarif: z.number().nullable(), withValue: z.boolean() })
export type TindakanHit = z.infer<typeof TindakanHit>
/** A cached DPHO drug (PCare `obat/dpho`); sedia is PCare's listed stock figure (no unit documented), null when absent. */
export const ObatHit = z.object({ kdObat: z.string(), nmObat: z.string(), sedia: z.number().nullable() })
export type ObatHit = z.infer<typeof ObatHit>
/** One outbox job of a visit that is not done yet, with what the page needs to say why (see core/sync/unsent.ts). */
export const UnsentJob = z.object({
  id: z.number(),
  target: Target,
  operation: z.string(),
  status: z.enum(['pending', 'in_flight', 'failed_transient', 'failed_permanent']),
  attempts: z.number(),
  /** ms since the epoch; when the worker may try again (pending or failed_transient). */
  nextAttemptAt: z.number(),
  lastErrorCode: StoredSyncErrorCode.nullable(),
  /** The remote's own words when it refused (e.g. PCare's "Kode tindakan 99999 tidak ditemukan"), else our note. */
  lastErrorMessage: z.string().nullable(),
  lastErrorFields: z.array(FieldErr),
  /** kdTindakan or kdObat for tindakan.add / obat.add, so the clinician sees which line it is. */
  item: z.string().nullable(),
  /** The cached PCare name of that item, when the reference lists know the code. */
  itemName: z.string().nullable(),
  /** The job this one is queued behind: the earliest unfinished job of the same chain (null for the chain's head). */
  blockedBy: z
    .object({ id: z.number(), operation: z.string(), status: OutboxStatus, lastErrorCode: StoredSyncErrorCode.nullable(), lastErrorMessage: z.string().nullable(), item: z.string().nullable() })
    .nullable(),
})
export type UnsentJob = z.infer<typeof UnsentJob>

const Coded = z.object({ kode: z.string(), nama: z.string().nullable() })
const PrintFaskes = z.object({ name: z.string(), kdPPK: z.string().nullable() })
/**
 * The registration slip as SQLite holds it. The card number is masked by core (last 4 digits kept): the slip goes
 * home with the patient and is easily lost, so the full number never reaches the page for it.
 */
export const PrintSlip = z.object({
  faskes: PrintFaskes,
  noRawat: z.string(),
  /** yyyy-MM-dd, the faskes's day. */
  tglDaftar: z.string(),
  /** When the counter registered the visit, epoch ms. */
  registeredAt: z.number(),
  kdPoli: z.string(),
  nmPoli: z.string().nullable(),
  nmDokter: z.string().nullable(),
  /** This workstation's number for the visit in its poli today, 1-based, in registration order (cancelled kept). */
  queueNumber: z.number().int().positive(),
  /** PCare's noUrut once the pendaftaran is sent; null while it waits (and always for a local-only 'umum' visit). */
  noUrut: z.string().nullable(),
  penjamin: z.enum(['bpjs', 'umum']),
  nama: z.string().nullable(),
  noKartuMasked: z.string(),
})
export type PrintSlip = z.infer<typeof PrintSlip>
/** The surat rujukan (FKTP vertical referral letter) of a saved examination, as SQLite holds it. */
export const PrintReferral = z.object({
  faskesAsal: PrintFaskes,
  noRawat: z.string(),
  /** PCare's noKunjungan of the visit, which is the referral number; null until PCare has answered. */
  noKunjungan: z.string().nullable(),
  /** yyyy-MM-dd of the visit; the letter is dated when the examination was saved (`writtenAt`, epoch ms). */
  tglKunjungan: z.string(),
  writtenAt: z.number(),
  nmPoli: z.string().nullable(),
  tujuan: z.object({ kdppk: z.string(), nmppk: z.string(), alamat: z.string().nullable(), telp: z.string().nullable() }),
  spesialis: Coded.nullable(),
  subSpesialis: Coded.nullable(),
  sarana: Coded.nullable(),
  khusus: Coded.extend({ catatan: z.string().nullable() }).nullable(),
  /** yyyy-MM-dd: the planned referral date (tglEstRujuk). */
  tglEstRujuk: z.string(),
  patient: z.object({
    nama: z.string().nullable(),
    noKartu: z.string(),
    /** yyyy-MM-dd, or null when the card was never answered by PCare here. */
    tglLahir: z.string().nullable(),
    /** 'L' or 'P' as PCare writes it. */
    sex: z.string().nullable(),
    /** Age on the visit day: whole years and the months beyond them. */
    umur: z.object({ tahun: z.number().int(), bulan: z.number().int() }).nullable(),
  }),
  diagnoses: z.array(z.object({ kdDiag: z.string(), nmDiag: z.string() })),
  alasan: z.string(),
  tacc: z.object({ kdTacc: z.number().int(), alasanTacc: z.string() }).nullable(),
  /** The referring doctor as written on the referral. */
  dokter: z.string(),
})
export type PrintReferral = z.infer<typeof PrintReferral>

export const CredentialPresence = z.object({
  available: z.boolean(),
  /** Why the keychain is unavailable: a technical detail for support (English), shown only as a hint. */
  error: z.string().nullable(),
  pcare: z.boolean(),
  antrean: z.boolean(),
  /** SATUSEHAT client id and secret (one keychain item). */
  satusehat: z.boolean(),
  fabric: z.object({ RSMSP: z.boolean(), PuskesmasMSP: z.boolean(), BPJSMSP: z.boolean() }),
})
export type CredentialPresence = z.infer<typeof CredentialPresence>
/** The SATUSEHAT OAuth2 client credentials from the platform's onboarding (kept in the keychain only). */
export const SatusehatCredentialsInput = z.object({ clientId: z.string().trim().min(1).max(200), clientSecret: z.string().trim().min(1).max(500) }).strict()
/**
 * What the SATUSEHAT setup found or made (core/satusehat/setup.ts): the organization's name (credentials check), each
 * poli's Location id, each clinician's Practitioner IHS id looked up by NIK. Lines that failed carry the reason code
 * (contract/sync-errors.ts SATUSEHAT_*) and the platform's own words.
 */
export const SatusehatSetupResult = z.object({
  organizationName: z.string().nullable(),
  locations: z.array(z.object({ kdPoli: z.string(), nmPoli: z.string(), locationId: z.string().nullable(), code: z.string().nullable(), message: z.string().nullable() })),
  practitioners: z.array(z.object({ username: z.string(), ihsId: z.string().nullable(), code: z.string().nullable(), message: z.string().nullable() })),
})
export type SatusehatSetupResult = z.infer<typeof SatusehatSetupResult>
/** A PCare obat with its KFA mapping (core/satusehat/store.ts kfaMappings); nmObat null when no longer in the PCare list. */
export const SatusehatKfaRow = z.object({ kdObat: z.string(), nmObat: z.string().nullable(), kfaCode: z.string().nullable(), display: z.string().nullable() })
/** A KFA product code: virtual (92…) or actual (93…) product, 8 digits (reference §4). */
export const KfaCode = z.string().regex(/^9[23]\d{6}$/, 'v.kfaCode')
export const PcareCredentialsInput = z
  .object({
    consId: z.string().regex(/^\d{1,12}$/, 'v.consId'),
    secretKey: z.string().min(1),
    userKey: z.string().min(1),
    username: z.string().min(1),
    password: z.string().min(1),
    kdAplikasi: z.string().regex(/^\d{3}$/).default('095'),
    antreanUserKey: z.string().min(1).optional(),
  })
  .strict()

/** What "Daftarkan workstation" sends: the enrolment id and one-time secret, and where the key is made. */
export const LedgerEnrolInput = z
  .object({
    enrollmentId: z.string().trim().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'v.enrollmentId'),
    secret: z.string().min(1).max(200),
    signer: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('software') }).strict(),
        z
          .object({
            kind: z.literal('pkcs11'),
            library: z.string().trim().min(1).max(500),
            tokenLabel: z.string().trim().min(1).max(32),
            keyLabel: z.string().trim().min(1).max(64),
            pin: z.string().min(1).max(200),
          })
          .strict(),
      ])
      .default({ kind: 'software' }),
  })
  .strict()
export type LedgerEnrolInput = z.infer<typeof LedgerEnrolInput>

/**
 * Who serves a poli on a day (Antrean FKTP ref/dokter, cached), as the counter and the examination use it.
 * `source`: 'live' PCare answered now, 'cache' the last answer (possibly of an earlier day: see `tanggal`), 'none'
 * nothing known. `onDuty` is the one doctor whose jamPraktek covers the time asked about, or null when nobody or
 * several do (the counter then chooses), and always null for a schedule of another day.
 */
export const DoctorSchedule = z.object({
  kdPoli: z.string(),
  /** yyyy-MM-dd of the schedule shown (an older day only when offline and today was never fetched). */
  tanggal: z.string().nullable(),
  /** `jamPraktek` is PCare's "HH:MM-HH:MM" in the faskes's local time. */
  dokter: z.array(z.object({ kdDokter: z.string(), nmDokter: z.string(), jamPraktek: z.string(), kapasitas: z.number().nullable() })),
  onDuty: z.string().nullable(),
  source: z.enum(['live', 'cache', 'none']),
  fetchedAt: z.number().nullable(),
  /** Why the live answer is missing (PCare's or the network's words), null when live. */
  error: z.string().nullable(),
  /** True when a hub desk answered from its own copy because its hub is away (as PatientCheck.fromDesk). */
  fromDesk: z.boolean().optional(),
})
export type DoctorSchedule = z.infer<typeof DoctorSchedule>
const KdDokter = z.string().trim().regex(/^[0-9A-Za-z]{1,20}$/, 'v.kdDokter')

export const Role = z.enum(['counter', 'clinician', 'admin'])
export type Role = z.infer<typeof Role>
/**
 * What a sign-in must do before anything else (issue 13): 'password' = change the temporary password an admin set;
 * 'totp' = scan the authenticator secret core made for this user (an admin created or re-enrolled by another admin).
 * While one is pending the session answers only the channels that finish it (auth/users.ts refuseWhilePending).
 */
export const PendingStep = z.enum(['password', 'totp'])
export type PendingStep = z.infer<typeof PendingStep>
export const SessionUser = z.object({ username: z.string(), role: Role, pending: PendingStep.optional() })
export type SessionUser = z.infer<typeof SessionUser>
/**
 * One audited change to a user (auth/users.ts): who acted, when (ms since epoch), on which user, and what. The hub's
 * desk actions (issue 16) are audited with them: `deskPairingCode` (a one-time code was made; the code itself is never
 * written) and `deskRevoke`, whose `username` holds the revoked desk's name ('' for a code: no desk has it yet).
 */
export const UserAuditAction = z.enum(['create', 'disable', 'enable', 'resetPassword', 'resetEnrolment', 'changePassword', 'enrol', 'unlock', 'deskPairingCode', 'deskRevoke'])
export type UserAuditAction = z.infer<typeof UserAuditAction>
/** One user audit row; `desk` names the hub desk the change was made at (null on a standalone PC or at the hub itself). */
const UserAuditRow = z.object({ at: z.number(), actor: z.string(), username: z.string(), action: UserAuditAction, desk: z.string().nullable() })
const Username = z.string().trim().regex(/^[a-z0-9._-]{3,40}$/, 'v.username')
/** How an install runs (issue 16; docs/hub.md): alone, as the faskes's hub, or as a desk of a hub. */
export const DeploymentMode = z.enum(['standalone', 'hub', 'desk'])
export type DeploymentMode = z.infer<typeof DeploymentMode>
/** A paired desk as the admin sees it (epoch ms); its certificate fingerprint stays in core. */
const HubDesk = z.object({ id: z.string(), name: z.string(), pairedAt: z.number(), revokedAt: z.number().nullable() })
/**
 * The hub's last online backup (hub/backup.ts): when it ended (epoch ms), the backup folder, and whether a copy was
 * written; null before the first one (or when the hub runs without --backup-dir).
 */
const HubBackup = z.object({ at: z.number(), dir: z.string(), ok: z.boolean() })
/**
 * The hub as it describes itself, for the admin to read out at pairing: `fingerprint` is the SHA-256 of hub-tls.crt
 * (64 hex; null until `npm run hub` first started on this data folder and made it), `url` the address the hub's desk
 * endpoint last started on (null before that), `dataDir` the data folder `npm run hub --data-dir` must be given,
 * `running` whether the `npm run hub` process holding this data folder (its hub.pid file) is alive now: desks can
 * connect only then.
 */
const HubSelf = z.object({ fingerprint: z.string().nullable(), url: z.string().nullable(), dataDir: z.string(), backup: HubBackup.nullable(), running: z.boolean() })
/**
 * A desk's own pairing, from its desk.json (filled in by the desk shell, never by the hub): the hub address, the hub
 * certificate's SHA-256 it pinned (64 hex), the id the hub gave it, its name and when it paired (epoch ms). Keys stay out.
 */
const ThisDesk = z.object({ hubUrl: z.string(), hubFingerprint: z.string(), deskId: z.string(), deskName: z.string(), pairedAt: z.number() })
/**
 * The Pengaturan "Hub & meja" view: the mode of the PC the page runs on ('desk' with `deskName` when the call came
 * through a desk), and every desk ever paired when the answering install is a hub (null otherwise); `hub` when the
 * answering install is a hub; `thisDesk` at a desk (null elsewhere).
 */
const HubStatus = z.object({
  mode: DeploymentMode,
  deskName: z.string().nullable(),
  desks: z.array(HubDesk).nullable(),
  hub: HubSelf.nullable(),
  thisDesk: ThisDesk.nullable(),
})
/** The modes a first run can record in its own data folder: a desk is a different process (`npm run desk`). */
const FirstRunMode = z.enum(['standalone', 'hub'])
export type FirstRunMode = z.infer<typeof FirstRunMode>
const Password = z.string().min(10, 'v.password').max(200)
/** TOTP enrolment shown once to a new admin: the secret as text and as an otpauth:// URI. */
const Enrolment = z.object({ secret: z.string(), otpauthUri: z.string() })
export type TotpEnrolment = z.infer<typeof Enrolment>

export const contract = {
  'app.info': { input: Empty, output: AppInfo },
  'sync.status': { input: Empty, output: SyncStatus },
  'settings.get': { input: Empty, output: Settings },
  'settings.update': { input: SettingsPatch, output: Settings },
  'patient.check': { input: z.object({ query: z.string().max(40) }).strict(), output: PatientCheck },
  // ledger: false answers from SQLite alone, so the page can show local visits without waiting for the ledger read.
  'patient.history': { input: z.object({ noKartu: NoKartu, ledger: z.boolean().default(true) }).strict(), output: z.object({ local: z.array(HistoryEntry), ledger: z.array(LedgerHistoryEntry).nullable(), ledgerTotal: z.number().int().nullable(), ledgerError: z.string().nullable(), ledgerProblem: LedgerReadProblem.nullable() }) },
  'registration.create': { input: RegistrationInput, output: z.object({ noRawat: z.string(), tglDaftar: z.string() }) },
  'registration.today': { input: Empty, output: z.array(RegistrationRow) },
  /** Waits up to waitMs (at most 10 s, clinic/changes.ts) for a visit change after `cursor`, then answers the delta. */
  'registration.changes': {
    input: z.object({ cursor: z.string().max(40).nullable(), waitMs: z.number().int().min(0).max(10_000).default(0) }).strict(),
    output: RegistrationChanges,
  },
  'examination.save': {
    input: ExaminationInput,
    output: z.object({
      noRawat: z.string(),
      visitId: z.string(),
      referralId: z.string().nullable(),
      claimId: z.string().nullable(),
      /**
       * Set by a desk only (core/hub/desk-node.ts): 'hub' when the hub stored it, 'desk' when it waits in the desk's
       * outbox because the hub was away (that answer has only noRawat besides). Absent on a standalone PC or the hub.
       */
      savedAt: z.enum(['hub', 'desk']).optional(),
    }),
  },
  'print.slip': { input: z.object({ noRawat: z.string().min(1).max(40) }).strict(), output: PrintSlip },
  'print.rujukan': { input: z.object({ noRawat: z.string().min(1).max(40) }).strict(), output: PrintReferral },
  'reference.lists': { input: Empty, output: ReferenceLists },
  'reference.diagnosa': { input: z.object({ q: z.string().max(60), limit: z.number().int().min(1).max(50).default(20) }).strict(), output: z.array(DiagnosaHit) },
  'reference.tindakan': {
    input: z.object({ q: z.string().max(60), kdTkp: KdTkp.optional(), limit: z.number().int().min(1).max(50).default(10) }).strict(),
    output: z.array(TindakanHit),
  },
  'reference.obat': { input: z.object({ q: z.string().max(60), limit: z.number().int().min(1).max(50).default(10) }).strict(), output: z.array(ObatHit) },
  /** Per visit, every outbox job not done yet with its reason; from SQLite only. */
  'registration.unsent': {
    input: z.object({ noRawat: z.array(z.string().min(1).max(40)).min(1).max(200) }).strict(),
    output: z.array(z.object({ noRawat: z.string(), jobs: z.array(UnsentJob) })),
  },
  'referral.faskes': { input: FaskesRujukanQuery, output: FaskesRujukanAnswer },
  'reference.refresh': { input: Empty, output: z.object({ written: z.array(z.string()), skipped: z.array(z.string()) }) },
  'outbox.list': { input: OutboxFilter, output: z.array(OutboxRow) },
  'outbox.detail': { input: z.object({ id: z.number().int() }).strict(), output: OutboxDetail },
  'outbox.resend': { input: z.object({ ids: z.array(z.number().int()).min(1).max(500) }).strict(), output: z.object({ resent: z.array(z.number()), correlationId: z.string() }) },
  'outbox.cancel': { input: z.object({ ids: z.array(z.number().int()).min(1).max(500), reason: z.string().trim().min(3).max(300) }).strict(), output: z.object({ cancelled: z.array(z.number()) }) },
  'monitoring.summary': { input: z.object({ days: z.number().int().min(1).max(90).default(7) }).strict(), output: Monitoring },
  'credentials.status': { input: Empty, output: CredentialPresence },
  'credentials.setPcare': { input: PcareCredentialsInput, output: CredentialPresence },
  'credentials.setSatusehat': { input: SatusehatCredentialsInput, output: CredentialPresence },
  /** Checks the SATUSEHAT credentials and organization, then maps every poli to a Location and every clinician with a NIK to a Practitioner. */
  'satusehat.setup': { input: Empty, output: SatusehatSetupResult },
  /** Every PCare obat with its KFA mapping (MedicationRequests go out only for mapped obat). */
  'satusehat.kfa.list': { input: Empty, output: z.array(SatusehatKfaRow) },
  /** Maps (kfaCode null: unmaps) a PCare obat to a KFA product, checked with KFA first; answers the whole list. */
  'satusehat.kfa.set': { input: z.object({ kdObat: z.string().trim().min(1).max(40), kfaCode: KfaCode.nullable() }).strict(), output: z.array(SatusehatKfaRow) },
  /** Users' NIK (masked: last 4 digits) and their cached Practitioner IHS id, for the SATUSEHAT column of the user list. */
  'users.satusehat': { input: Empty, output: z.array(z.object({ username: z.string(), nikMasked: z.string().nullable(), ihsPractitionerId: z.string().nullable() })) },
  /** Sets (null clears) a clinician's NIK; the cached Practitioner IHS id is dropped and looked up again by the next setup or send. */
  'users.setNik': { input: z.object({ username: z.string().max(40), nik: Nik.nullable() }).strict(), output: z.object({ username: z.string(), nikMasked: z.string().nullable() }) },
  /**
   * "Daftarkan workstation": enrols at the CA in the saved ledger settings with the org admin's id and one-time
   * secret (never stored), the key made here (software: kept in the keychain; pkcs11: made in the token, PIN kept in
   * the keychain). Answers the new settings, whose ledger.identity shows the certificate's kdPPK, role, MSP and expiry.
   */
  'ledger.enrol': { input: LedgerEnrolInput, output: Settings },
  // kdDokter: the signed-in user's own PCare doctor code (the examination's default doctor).
  /**
   * Anonymous: who is signed in, whether the first admin is still to be made, whether this transport's first run asks
   * for the one-time setup code (the browser shell does; Electron's own window is its proof), and the locale the
   * sign-in screen speaks (app.info needs a signed-in user).
   */
  'auth.me': {
    input: Empty,
    output: z.object({ user: SessionUser.extend({ kdDokter: z.string().nullable().optional() }).nullable(), setupRequired: z.boolean(), setupCodeRequired: z.boolean(), locale: Locale }),
  },
  /**
   * Only while no user exists; `setupCode` is the browser shell's one-time code (printed on its console, file `setup-code` in the data folder);
   * `mode` is the first-run choice (standalone when absent), recorded with the first admin.
   */
  'auth.setup': {
    input: z.object({ username: Username, password: Password, setupCode: z.string().trim().max(40).optional(), mode: FirstRunMode.optional() }).strict(),
    output: SessionUser.extend(Enrolment.shape),
  },
  'auth.login': { input: z.object({ username: z.string().trim().min(1, 'v.required').max(40), password: z.string().max(200), totp: z.string().regex(/^\d{6}$/, 'Kode 6 digit').optional() }).strict(), output: SessionUser },
  'auth.logout': { input: Empty, output: z.object({ ok: z.literal(true) }) },
  /** The lock screen: the locked session's own user gives the password again (and the code for an admin); the session goes on. */
  'auth.unlock': { input: z.object({ password: z.string().max(200), totp: z.string().regex(/^\d{6}$/, 'Kode 6 digit').optional() }).strict(), output: SessionUser },
  /** User input in the page (throttled there to SESSION_TOUCH_MS): restarts the session's idle time. Polls never call it. */
  'session.touch': { input: Empty, output: z.object({ ok: z.literal(true) }) },
  /** An admin ends a user's sign-in lock (10 failures) at once; audited ('unlock'). NOT_FOUND for an unknown user. */
  'users.unlock': { input: z.object({ username: z.string().max(40) }).strict(), output: z.object({ username: z.string() }) },
  // enabled: may sign in; mustChangePassword / enrolPending: what the user's next sign-in must do first (issue 13).
  'users.list': { input: Empty, output: z.array(SessionUser.extend({ createdAt: z.number(), totp: z.boolean(), kdDokter: z.string().nullable(), lockedUntil: z.number().nullable() , enabled: z.boolean(), mustChangePassword: z.boolean(), enrolPending: z.boolean() })) },
  'users.setDokter': { input: z.object({ username: z.string().max(40), kdDokter: KdDokter.nullable() }).strict(), output: z.object({ username: z.string(), kdDokter: z.string().nullable() }) },
  'doctors.schedule': { input: z.object({ kdPoli: KdPoli, force: z.boolean().default(false) }).strict(), output: DoctorSchedule },
  'queue.call': { input: z.object({ noRawat: z.string().min(1).max(40) }).strict(), output: z.object({ calledAt: z.number(), callCount: z.number().int() }) },
  'queue.attendance': { input: z.object({ noRawat: z.string().min(1).max(40), attendance: Attendance }).strict(), output: z.object({ attendance: Attendance, queued: z.boolean() }) },
  'registration.cancel': { input: z.object({ noRawat: z.string().min(1).max(40), reason: CorrectionReason, version: VisitVersion }).strict(), output: CorrectionResult },
  /** A saved examination as the form reopens it, whether PCare has its kunjungan, and the visit's corrections. */
  'examination.get': {
    input: z.object({ noRawat: z.string().min(1).max(40) }).strict(),
    output: z.object({ input: ExaminationInput, noKunjungan: z.string().nullable(), deletedAt: z.number().nullable(), corrections: z.array(CorrectionRow), version: z.number().int() }),
  },
  'examination.edit': { input: z.object({ input: ExaminationInput, reason: CorrectionReason, version: VisitVersion }).strict(), output: CorrectionResult },
  'kunjungan.delete': { input: z.object({ noRawat: z.string().min(1).max(40), reason: CorrectionReason, version: VisitVersion }).strict(), output: CorrectionResult },
  /** An admin made here enrols their authenticator at their own first sign-in (enrolAtSignIn): no secret is returned. */
  'users.create': { input: z.object({ username: Username, password: Password, role: Role, kdDokter: KdDokter.optional() }).strict(), output: SessionUser.extend({ enrolAtSignIn: z.boolean() }) },
  /** Disabling also ends the user's sessions at once. Refused for oneself and for the last enabled admin. */
  'users.setEnabled': { input: z.object({ username: z.string().max(40), enabled: z.boolean() }).strict(), output: z.object({ username: z.string(), enabled: z.boolean() }) },
  /** The admin sets a temporary password; the user must change it at the next sign-in. Ends the user's sessions. */
  'users.resetPassword': { input: z.object({ username: z.string().max(40), password: Password }).strict(), output: z.object({ username: z.string() }) },
  /** Marks an admin for a new authenticator, scanned at their own next sign-in; the secret is never returned here. */
  'users.resetEnrolment': { input: z.object({ username: z.string().max(40) }).strict(), output: z.object({ username: z.string() }) },
  /** The audit of user changes, newest first. */
  'users.audit': { input: z.object({ limit: z.number().int().min(1).max(500).default(100) }).strict(), output: z.array(UserAuditRow) },
  /** The signed-in user's own password: the current one, then the new one (which must differ). Ends their other sessions. */
  'auth.changePassword': { input: z.object({ current: z.string().max(200), password: Password }).strict(), output: SessionUser },
  /** The signed-in user's own pending authenticator enrolment (FORBIDDEN when none is pending): shown to that user only. */
  'auth.enrolment': { input: Empty, output: Enrolment },
  /** Confirms the pending enrolment with a code from the newly scanned authenticator. */
  'auth.enrol': { input: z.object({ totp: z.string().regex(/^\d{6}$/, 'v.totp') }).strict(), output: SessionUser },
  /** The deployment mode and, on a hub, its paired desks (admin). */
  'hub.status': { input: Empty, output: HubStatus },
  /** A new one-time pairing code for one desk (admin, hub only; CONFLICT hub.notHub elsewhere): shown once, expires at `expiresAt` (epoch ms). */
  'hub.pairingCode': { input: Empty, output: z.object({ code: z.string(), expiresAt: z.number() }) },
  /** Revokes a desk at once (admin, hub only): its next call is refused. NOT_FOUND for an unknown id, CONFLICT for the desk the call came through. */
  'hub.revokeDesk': { input: z.object({ id: z.string().min(1).max(60) }).strict(), output: z.object({ id: z.string(), revokedAt: z.number() }) },
} as const

export type Contract = typeof contract
export type Channel = keyof Contract
export type Input<C extends Channel> = z.input<Contract[C]['input']>
export type Output<C extends Channel> = z.output<Contract[C]['output']>

export const ErrorCode = z.enum([
  'INVALID_INPUT',
  'UNKNOWN_CHANNEL',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'UNAVAILABLE',
  'INTERNAL',
])
export type ErrorCode = z.infer<typeof ErrorCode>
/**
 * `message` is Indonesian text (logs, CLI); `key` and `params` name the same message in `contract/messages.ts`,
 * so the page can show it in the user's language. A message without a key is shown as is.
 */
export interface FieldError {
  field: string
  message: string
  key?: string
  params?: Record<string, string | number>
}
/** What the page receives on failure: a code to branch on and a message a person can read (see FieldError for key). */
export interface ErrorShape {
  code: ErrorCode
  message: string
  key?: string
  params?: Record<string, string | number>
  fields?: FieldError[]
}
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorShape }

/** The object the preload (Electron) or the browser shell exposes as `window.faskes`. */
export interface FaskesApi {
  invoke<C extends Channel>(channel: C, input: Input<C>): Promise<Result<Output<C>>>
}

/** The sync error codes (outbox last_error_code / attempt error_code), in their own module for their docstrings. */
export * from './sync-errors'
