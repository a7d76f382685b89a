/**
 * The one way into the main process: channel names with zod schemas for input and output.
 * Main validates every input against these before core sees it; the renderer imports TYPES only
 * (enforced by lint), so no schema code or Node module reaches the page through this file.
 */
import { z } from 'zod'

export const Locale = z.enum(['id', 'en'])
export const Target = z.enum(['ledger', 'pcare', 'antrean'])
export const FabricOrg = z.enum(['RS', 'Puskesmas'])
const Empty = z.object({}).strict()
const Url = z.url({ protocol: /^https?$/ })

export const Settings = z.object({
  faskesName: z.string().trim().max(120),
  /** PCare provider code of this faskes, e.g. 0199B001. */
  kdPPK: z.string().regex(/^[0-9A-Z]{8}$/, 'kdPPK harus 8 karakter huruf besar/angka').nullable(),
  locale: Locale,
  ledger: z.object({
    org: FabricOrg,
    /** host:port of the organisation's peer gateway; null = the local demo network. */
    peerEndpoint: z.string().regex(/^[A-Za-z0-9.-]+:\d{2,5}$/, 'format host:port').nullable(),
    channel: z.string().regex(/^[a-z][a-z0-9.-]{0,48}$/),
  }),
  pcare: z.object({
    /** null = the local PCare simulator (demo). */
    baseUrl: Url.nullable(),
    antreanBaseUrl: Url.nullable(),
    kunjunganPath: z.string().regex(/^[A-Za-z0-9/]+$/),
    postContentType: z.enum(['text/plain', 'application/json', 'Application/x-www-form-urlencoded']),
    timeoutMs: z.number().int().min(1000).max(120_000),
  }),
  updater: z.object({
    /** Generic-provider feed URL (latest.yml lives there); null disables update checks. */
    url: Url.nullable(),
  }),
})
export type Settings = z.infer<typeof Settings>

export const SettingsPatch = z
  .object({
    faskesName: Settings.shape.faskesName,
    kdPPK: Settings.shape.kdPPK,
    locale: Locale,
    ledger: Settings.shape.ledger.partial(),
    pcare: Settings.shape.pcare.partial(),
    updater: Settings.shape.updater.partial(),
  })
  .partial()
  .strict()
export type SettingsPatch = z.infer<typeof SettingsPatch>

export const TargetStatus = z.object({
  target: Target,
  /** null until the first call or probe tells. */
  online: z.boolean().nullable(),
  pending: z.number().int().nonnegative(),
  inFlight: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  lastSuccessAt: z.number().int().nullable(),
})
export const SyncStatus = z.object({ targets: z.array(TargetStatus) })
export type SyncStatus = z.infer<typeof SyncStatus>

export const AppInfo = z.object({
  version: z.string(),
  schemaVersion: z.number().int(),
  faskesName: z.string(),
  kdPPK: z.string().nullable(),
  locale: Locale,
  /** Which remotes are stand-ins: the UI says so on screen. */
  demo: z.object({ ledger: z.boolean(), pcare: z.boolean() }),
})
export type AppInfo = z.infer<typeof AppInfo>

/** 13 digits, leading zeros kept: the printed and QR form of a BPJS card number. */
export const NoKartu = z.string().regex(/^\d{13}$/, 'Nomor kartu BPJS harus 13 digit angka')
/** 16 digits: Nomor Induk Kependudukan. */
export const Nik = z.string().regex(/^\d{16}$/, 'NIK harus 16 digit angka')
const KdPoli = z.string().regex(/^[0-9A-Z]{3}$/, 'Kode poli 3 karakter')
const Int = (min: number, max: number, label: string) =>
  z.number().int(`${label} harus bilangan bulat`).min(min, `${label} minimal ${min}`).max(max, `${label} maksimal ${max}`)

export const Vitals = z.object({
  sistole: Int(40, 300, 'Sistole'),
  diastole: Int(20, 200, 'Diastole'),
  beratBadan: Int(1, 400, 'Berat badan'),
  tinggiBadan: Int(20, 250, 'Tinggi badan'),
  lingkarPerut: Int(10, 250, 'Lingkar perut'),
  respRate: Int(5, 80, 'Frekuensi napas'),
  heartRate: Int(20, 250, 'Denyut nadi'),
  suhu: z.string().regex(/^\d{2}(\.\d)?$/, 'Suhu seperti 36.5'),
})
export type Vitals = z.infer<typeof Vitals>

export const RegistrationInput = z.object({
  noKartu: NoKartu,
  kdPoli: KdPoli,
  nmPoli: z.string().max(80).optional(),
  kdDokter: z.string().max(20).optional(),
  kunjSakit: z.boolean(),
  keluhan: z.string().trim().max(500).default(''),
  kdTkp: z.enum(['10', '20', '50']).default('10'),
  vitals: Vitals.partial().optional(),
  /** Also take a Mobile JKN (Antrean FKTP) queue number. */
  antrean: z.boolean().default(false),
})
export type RegistrationInput = z.infer<typeof RegistrationInput>

const Diagnosis = z.object({ kdDiag: z.string().regex(/^[A-Z]\d{2}(\.\d{1,2})?$/, 'Kode ICD-10 seperti J06.9'), nmDiag: z.string().max(200) })
export const Referral = z.object({
  kdppk: z.string().regex(/^[0-9A-Z]{8}$/, 'Kode PPK tujuan 8 karakter'),
  nmppk: z.string().max(120),
  kdSpesialis: z.string().max(10).optional(),
  kdSubSpesialis: z.string().max(10).optional(),
  kdSarana: z.string().max(10).optional(),
  tglEstRujuk: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  alasan: z.string().trim().min(3).max(500),
  dokter: z.string().trim().min(1).max(120),
})
export const ExaminationInput = z.object({
  noRawat: z.string().min(1).max(40),
  keluhan: z.string().trim().min(1, 'Keluhan wajib diisi').max(500),
  anamnesa: z.string().max(2000).default(''),
  vitals: Vitals,
  kdSadar: z.string().regex(/^\d{2}$/),
  diagnoses: z.array(Diagnosis).min(1, 'Minimal satu diagnosa').max(3, 'Maksimal tiga diagnosa'),
  kdDokter: z.string().min(1).max(20),
  terapiObat: z.string().max(2000).default(''),
  terapiNonObat: z.string().max(2000).default(''),
  kdStatusPulang: z.string().regex(/^\d{1,2}$/),
  tindakan: z.array(z.object({ kdTindakan: z.string().min(1).max(20), nmTindakan: z.string().max(200).optional(), biaya: z.number().int().min(0), keterangan: z.string().max(200).optional() })).max(10).default([]),
  obat: z.array(z.object({ kdObat: z.string().min(1).max(20), nmObat: z.string().max(200), signa1: z.number().int().min(1).max(10), signa2: z.number().int().min(1).max(10), jmlObat: z.number().int().min(1).max(1000) })).max(20).default([]),
  rujukan: Referral.optional(),
  /** Claim amount in rupiah; a claim goes to the ledger when set. */
  claimAmount: z.number().int().positive().optional(),
})
export type ExaminationInput = z.infer<typeof ExaminationInput>

export const contract = {
  'app.info': { input: Empty, output: AppInfo },
  'sync.status': { input: Empty, output: SyncStatus },
  'settings.get': { input: Empty, output: Settings },
  'settings.update': { input: SettingsPatch, output: Settings },
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
export interface FieldError {
  field: string
  message: string
}
/** What the page receives on failure: a code to branch on and a message a person can read. */
export interface ErrorShape {
  code: ErrorCode
  message: string
  fields?: FieldError[]
}
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorShape }

/** The object the preload (Electron) or the browser shell exposes as `window.faskes`. */
export interface FaskesApi {
  invoke<C extends Channel>(channel: C, input: Input<C>): Promise<Result<Output<C>>>
}
