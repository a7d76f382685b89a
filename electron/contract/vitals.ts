/**
 * Vital-sign rules, in one place for core (the authority, through the contract's schema and the examination save)
 * and the page (validation while typing, so a message clears as soon as the value is right). Plain data and pure
 * functions with no imports, so the renderer may import it as a value (like `contract/messages.ts`).
 *
 * PCare takes sistole, diastole, tinggiBadan, respRate, heartRate and lingkarPerut as JSON integers, beratBadan as a
 * JSON number with decimals (a 3.2 kg baby, `pcareBeratBadan`) and suhu as a string like "36.5"; it documents no
 * plausibility limits (docs/pcare.md#field-formats), so the ranges here are clinical ones.
 */

export type VitalKey = 'sistole' | 'diastole' | 'beratBadan' | 'tinggiBadan' | 'lingkarPerut' | 'respRate' | 'heartRate' | 'suhu'
/** The form's order. */
export const VITAL_KEYS: readonly VitalKey[] = ['sistole', 'diastole', 'beratBadan', 'tinggiBadan', 'lingkarPerut', 'respRate', 'heartRate', 'suhu']

/**
 * Which ranges apply: `kia` for the mother-and-child polis (KIA, imunisasi), where newborns and infants are weighed
 * (small height and weight, fast heart and breathing) and pregnant women checked; `umum` elsewhere; `any` (the widest
 * of both) where the poli is not known yet, as in the contract's schema.
 */
export type VitalProfile = 'umum' | 'kia' | 'any'

/** Inclusive bounds in the field's unit (mmHg, kg, cm, /minute, °C) and the decimals allowed (0: whole numbers). */
export interface VitalRange {
  min: number
  max: number
  decimals: 0 | 1
}

// Children from about a year old and adults (an infant is seen at KIA or MTBS).
const UMUM: Record<VitalKey, VitalRange> = {
  sistole: { min: 70, max: 260, decimals: 0 },
  diastole: { min: 40, max: 150, decimals: 0 },
  beratBadan: { min: 5, max: 300, decimals: 1 },
  tinggiBadan: { min: 60, max: 250, decimals: 0 },
  lingkarPerut: { min: 30, max: 250, decimals: 0 },
  respRate: { min: 8, max: 50, decimals: 0 },
  heartRate: { min: 35, max: 180, decimals: 0 },
  suhu: { min: 34, max: 42, decimals: 1 },
}
// A newborn: about 50 cm, 2.5-4 kg, heart 100-180 and breathing 30-60 per minute (up to 100 when ill), blood
// pressure around 65/40; the poli also sees pregnant women, so the adult upper bounds stay.
const KIA: Record<VitalKey, VitalRange> = {
  sistole: { min: 50, max: 260, decimals: 0 },
  diastole: { min: 20, max: 150, decimals: 0 },
  beratBadan: { min: 1, max: 200, decimals: 1 },
  tinggiBadan: { min: 25, max: 200, decimals: 0 },
  lingkarPerut: { min: 20, max: 200, decimals: 0 },
  respRate: { min: 10, max: 100, decimals: 0 },
  heartRate: { min: 50, max: 240, decimals: 0 },
  suhu: { min: 34, max: 42, decimals: 1 },
}
const ANY = Object.fromEntries(
  VITAL_KEYS.map((k) => [k, { min: Math.min(UMUM[k].min, KIA[k].min), max: Math.max(UMUM[k].max, KIA[k].max), decimals: Math.max(UMUM[k].decimals, KIA[k].decimals) }]),
) as Record<VitalKey, VitalRange>

export const VITAL_RANGES: Readonly<Record<VitalProfile, Readonly<Record<VitalKey, VitalRange>>>> = { umum: UMUM, kia: KIA, any: ANY }

/** PCare poli codes of the mother-and-child polis: 003 KIA, 020 imunisasi (003 from docs/pcare.md#field-formats, 020 the simulator's). */
const KIA_POLI = new Set(['003', '020'])

/** The profile for a poli, by PCare code or, for a faskes with its own codes, by name (KIA, MTBS, imunisasi, anak). */
export function vitalProfile(kdPoli: string, nmPoli?: string | null): 'umum' | 'kia' {
  return KIA_POLI.has(kdPoli) || /\b(KIA|MTBS|IMUNISASI|ANAK|BAYI|BALITA)\b/i.test(nmPoli ?? '') ? 'kia' : 'umum'
}

/**
 * A typed value as a number: `60,5` and `60.5` alike (a comma is the Indonesian decimal mark), spaces ignored.
 * Empty: undefined. Not a plain decimal number (letters, two separators, `1e3`): NaN.
 */
export function parseVital(raw: string): number | undefined {
  const s = raw.replace(/\s+/g, '')
  if (s === '') return undefined
  return /^\d+([.,]\d+)?$/.test(s) ? Number(s.replace(',', '.')) : NaN
}

/** The message keys of `contract/messages.ts` these rules use; each names its field. */
export type VitalMessageKey = `v.vital.${VitalKey}` | 'v.vital.sistoleDiastole'

/** One broken rule: the field (`vitals.<field>` in a form), a message key and its parameters. */
export interface VitalIssue {
  field: VitalKey
  key: VitalMessageKey
  params?: { min: number; max: number }
}

/**
 * Every broken rule in `values` for `profile`: a value out of range, with too many decimals, or not a number
 * (a string is parsed with `parseVital`); missing values when `required`; and sistole not above diastole
 * (reported on diastole, once both are valid). Empty when all is well.
 */
export function checkVitals(values: Partial<Record<VitalKey, number | string | null | undefined>>, profile: VitalProfile, opts: { required?: boolean } = {}): VitalIssue[] {
  const ranges = VITAL_RANGES[profile]
  const issues: VitalIssue[] = []
  const ok: Partial<Record<VitalKey, number>> = {}
  for (const k of VITAL_KEYS) {
    const raw = values[k]
    const n = typeof raw === 'string' ? parseVital(raw) : raw ?? undefined
    if (n === undefined) {
      if (opts.required) issues.push(rangeIssue(k, ranges[k]))
      continue
    }
    const r = ranges[k]
    if (!Number.isFinite(n) || n < r.min || n > r.max || !hasDecimals(n, r.decimals)) issues.push(rangeIssue(k, r))
    else ok[k] = n
  }
  if (ok.sistole !== undefined && ok.diastole !== undefined && ok.sistole <= ok.diastole) issues.push({ field: 'diastole', key: 'v.vital.sistoleDiastole' })
  return issues
}

function rangeIssue(k: VitalKey, r: VitalRange): VitalIssue {
  return { field: k, key: `v.vital.${k}`, params: { min: r.min, max: r.max } }
}

function hasDecimals(n: number, decimals: 0 | 1): boolean {
  const scaled = n * 10 ** decimals
  return Math.abs(scaled - Math.round(scaled)) < 1e-9
}

/** Suhu as PCare takes it: a string with a point and one decimal, e.g. `36,5` -> "36.5", `37` -> "37.0". */
export function pcareSuhu(suhu: string | number): string {
  const n = typeof suhu === 'number' ? suhu : parseVital(suhu)
  return n === undefined || !Number.isFinite(n) ? String(suhu) : n.toFixed(1)
}

/**
 * Weight as PCare takes it: kilograms as a JSON number with at most one decimal, as weighed (3.2 for a newborn;
 * `3,2` as typed is parsed to 3.2 before it gets here). PCare takes the decimals (issue 12 g, docs/pcare.md#field-formats);
 * 0 stays PCare's "not measured". A value with more decimals is rounded to one, like the form's rule.
 */
export function pcareBeratBadan(kg: number): number {
  return kg > 0 ? Math.round(kg * 10) / 10 : 0
}
