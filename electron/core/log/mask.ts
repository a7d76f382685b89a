/**
 * Masking rules shared by the logger and by error messages that may end up on screen or in logs.
 *
 * - Card numbers (13 digits) and NIK (16 digits) keep their last 4 digits so an admin can still tell two patients
 *   apart, however they are written: `0009999000001`, `0001 2345 67890`, `3174-0123-4567-8901`.
 * - Secrets are removed by key name wherever they appear in a structure, and a `Basic …`/`Bearer …` credential is
 *   removed from any text, under any key.
 * - Patient names are removed by key name (`nama`, `nmPeserta`, `namaPasien`, `name`, … see `isNameKey`), and a name
 *   found that way is also removed from every other text of the same log record (its message, an error text), so
 *   `log.warn(\`gagal untuk ${nama}\`, { nama })` writes neither. A caller that knows a patient's name gives it as such a
 *   field (or as a child logger's field) and the whole record, or every record of that child, is masked for it.
 *   Names in free text with no such field cannot be recognised: log messages are constant strings with the
 *   variable parts as fields (security review finding 20).
 * - The `display` of a FHIR Reference (an object with a `display` text and a `reference` or `identifier`: `subject`,
 *   `participant[].individual`, `performer[]`, `requester`, `recorder`, …; also an IhsRef `{ id, display }`) is
 *   removed like a name: SATUSEHAT answers name the patient and the clinician there, not under a `name` key. A Coding's `display` (a diagnosis, a LOINC
 *   term) has neither key and stays readable. The display of a reference to a person (`Patient/…`, `Practitioner/…`,
 *   `RelatedPerson/…`, `Person/…`, `PractitionerRole/…`, or a logical reference with no `reference`) counts as a name
 *   found by key, so it is masked in the record's other texts too (a FHIR narrative, an error).
 */

const SECRET_KEYS = new Set([
  'xsignature',
  'xauthorization',
  'userkey',
  'authorization',
  'password',
  'secretkey',
  'secret',
  'conssecret',
  'antreanuserkey',
])

export const REDACTED = '[REDACTED]'

/** Key names compare without case, `-`, `_` or spaces, so `X-Signature`, `x_signature` and `userKey` all match. */
const normalKey = (key: string): string => key.toLowerCase().replace(/[-_\s]/g, '')

function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(normalKey(key))
}

const NAME_KEYS = new Set(['name', 'nama', 'fullname', 'namalengkap', 'patientname', 'pasien', 'namapasien', 'namapeserta'])

/**
 * Whether a key holds a person's name: `name`/`nama` themselves, PCare's and SIMRS's `nm…`/`nama…` fields (`nmPeserta`,
 * `nmPst`, `namaPasien`, also `nmDiag`, `nmDokter`: a diagnosis name is health data, a doctor's name is a person),
 * `…nama`, and a `…display` other than a bare `display` (the stored SATUSEHAT names `ihs_display`,
 * `ihs_practitioner_display`). Deliberately broad (a masked `nmPoli` costs little); `username`, `hostname`,
 * `faskesName` are not names of patients and stay readable.
 */
function isNameKey(key: string): boolean {
  const k = normalKey(key)
  return NAME_KEYS.has(k) || k.startsWith('nm') || k.startsWith('nama') || k.endsWith('nama') || (k.endsWith('display') && k !== 'display')
}

/**
 * Whether `value` is a FHIR Reference carrying a display text (FHIR R4 Reference: `reference`, `type`, `identifier`,
 * `display`), or the client's own `{ id, display }` of a Patient or Practitioner found by NIK (satusehat IhsRef). A
 * Coding (`system`, `code`, `display`) has neither `reference` nor `identifier`, and a `code` or `system` beside an
 * `id` keeps it a Coding.
 */
function isReferenceWithDisplay(value: object): value is { display: string; reference?: unknown } {
  const v = value as Record<string, unknown>
  if (typeof v.display !== 'string' || v.display === '') return false
  return typeof v.reference === 'string' || (v.identifier !== null && typeof v.identifier === 'object') || (typeof v.id === 'string' && !('code' in v) && !('system' in v))
}

/** Resource types whose display is a person's name (FHIR R4 Reference targets that are people). */
const PERSON_REFERENCE = /^(Patient|Practitioner|PractitionerRole|RelatedPerson|Person)\//

/** Whether a Reference's display names a person: a person resource, or one without a `reference` (a logical reference by NIK, an IhsRef). */
function isPersonReference(ref: { reference?: unknown }): boolean {
  return typeof ref.reference !== 'string' || PERSON_REFERENCE.test(ref.reference)
}

/**
 * Digit groups joined by single spaces or dashes (`0001 2345 67890`); a plain 13- or 16-digit run is the one-group
 * case. Bounded group count and length so the scan stays linear on any input.
 */
const DIGIT_GROUPS = /(?<!\d)\d{1,20}(?:[ -]\d{1,20}){0,7}(?!\d)/g
const CREDENTIAL = /\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{6,}/gi

/** Replaces all digits of `text` but the last 4 with `*`, separators kept. */
function keepLast4(text: string): string {
  let keep = 4
  let out = ''
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text[i]
    if (c >= '0' && c <= '9') {
      out = (keep > 0 ? c : '*') + out
      keep--
    } else out = c + out
  }
  return out
}

/**
 * Masks, within one run of digit groups, each span of consecutive groups that holds exactly 13 or 16 digits (a
 * card number or NIK however grouped), left to right, preferring 16. Two numbers written side by side are both found.
 */
function maskGroups(run: string): string {
  // Even indexes are digit groups, odd ones the separator between them.
  const parts = run.split(/([ -])/)
  const groups = (parts.length + 1) / 2
  let i = 0
  while (i < groups) {
    let sum = 0
    let end = -1
    for (let j = i; j < groups; j++) {
      sum += parts[2 * j].length
      if (sum === 13) end = j
      if (sum >= 16) {
        if (sum === 16) end = j
        break
      }
    }
    if (end < 0) {
      i++
      continue
    }
    // One span is one number, so "last 4" counts across its groups; keepLast4 keeps the length, so slice it back.
    const masked = keepLast4(parts.slice(2 * i, 2 * end + 1).join(''))
    let at = 0
    for (let k = 2 * i; k <= 2 * end; k++) {
      parts[k] = masked.slice(at, at + parts[k].length)
      at += parts[k].length
    }
    i = end + 1
  }
  return parts.join('')
}

/**
 * Masks card numbers and NIKs (13 or 16 digits, also written in groups with spaces or dashes; last 4 kept), `Basic`
 * and `Bearer` credentials, and each of `names` (compared without case) in free text.
 */
export function maskText(text: string, names: readonly string[] = []): string {
  let out = text.replace(CREDENTIAL, (_, scheme: string) => `${scheme} ${REDACTED}`).replace(DIGIT_GROUPS, maskGroups)
  for (const name of names) out = out.replace(new RegExp(escapeRegExp(name), 'gi'), REDACTED)
  return out
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * The names held under name keys anywhere in `value`, and the displays of FHIR References to people (strings of at
 * least 3 characters, trimmed), longest first so a full name is masked before a part of it. Bounded like `redact`.
 */
export function namesIn(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet(), found: Set<string> = new Set()): string[] {
  if (value !== null && typeof value === 'object' && depth <= 12 && !seen.has(value)) {
    seen.add(value)
    if (isReferenceWithDisplay(value) && isPersonReference(value) && value.display.trim().length >= 3) found.add(value.display.trim())
    const entries: [string, unknown][] =
      value instanceof Map ? [...value.entries()].map(([k, v]) => [String(k), v]) : Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value)
    for (const [k, v] of entries) {
      if (typeof v === 'string' && isNameKey(k) && v.trim().length >= 3) found.add(v.trim())
      else namesIn(v, depth + 1, seen, found)
    }
  }
  return [...found].sort((a, b) => b.length - a.length)
}

/**
 * Deep copy of `value` with secret and name keys and FHIR Reference displays redacted, identifiers masked, and each
 * of `names` masked in every string. Cycles and depth are bounded so a log call can never hang or blow the stack on an odd object.
 */
export function redact(value: unknown, names: readonly string[] = [], depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return maskText(value, names)
  if (typeof value === 'number') {
    return Number.isInteger(value) && /^(\d{13}|\d{16})$/.test(String(value)) ? maskText(String(value)) : value
  }
  if (typeof value === 'bigint') return maskText(value.toString())
  if (value === null || typeof value !== 'object') return value
  if (depth > 12) return '[depth]'
  if (seen.has(value)) return '[cycle]'
  seen.add(value)
  const field = (k: string, v: unknown): unknown =>
    isSecretKey(k) || (isNameKey(k) && v !== null && v !== undefined && v !== '') ? REDACTED : redact(v, names, depth + 1, seen)
  if (value instanceof Error) {
    // An error's `name` is its class (TypeError), not a person's.
    const out: Record<string, unknown> = { name: value.name, message: maskText(value.message, names) }
    for (const [k, v] of Object.entries(value)) out[k] = field(k, v)
    return out
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, names, depth + 1, seen))
  if (value instanceof Headers || value instanceof Map) {
    const out: Record<string, unknown> = {}
    value.forEach((v: unknown, k: unknown) => {
      out[String(k)] = field(String(k), v)
    })
    return out
  }
  const out: Record<string, unknown> = {}
  const reference = isReferenceWithDisplay(value)
  for (const [k, v] of Object.entries(value)) out[k] = reference && k === 'display' ? REDACTED : field(k, v)
  return out
}
