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
