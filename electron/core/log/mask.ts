/**
 * Masking rules shared by the logger and by error messages that may end up on screen or in logs.
 * Card numbers (13 digits) and NIK (16 digits) keep their last 4 digits so an admin can still tell two
 * patients apart; header secrets are removed by key name wherever they appear in a structure.
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

/** Key names compare without case, `-` or `_`, so `X-Signature`, `x_signature` and `userKey` all match. */
function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase().replace(/[-_\s]/g, ''))
}

const NIK = /(?<!\d)\d{16}(?!\d)/g
const CARD = /(?<!\d)\d{13}(?!\d)/g

function keepLast4(digits: string): string {
  return '*'.repeat(digits.length - 4) + digits.slice(-4)
}

/** Masks every standalone 16-digit (NIK) and 13-digit (noKartu) run in free text. */
export function maskText(text: string): string {
  return text.replace(NIK, keepLast4).replace(CARD, keepLast4)
}

/**
 * Deep copy of `value` with secret keys redacted and identifiers masked. Cycles and depth are bounded so a
 * log call can never hang or blow the stack on an odd object.
 */
export function redact(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return maskText(value)
  if (typeof value === 'number') {
    return Number.isInteger(value) && /^(\d{13}|\d{16})$/.test(String(value)) ? maskText(String(value)) : value
  }
  if (typeof value === 'bigint') return maskText(value.toString())
  if (value === null || typeof value !== 'object') return value
  if (depth > 12) return '[depth]'
  if (seen.has(value)) return '[cycle]'
  seen.add(value)
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: maskText(value.message) }
    for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : redact(v, depth + 1, seen)
    return out
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen))
  if (value instanceof Headers || value instanceof Map) {
    const out: Record<string, unknown> = {}
    value.forEach((v: unknown, k: unknown) => {
      out[String(k)] = isSecretKey(String(k)) ? REDACTED : redact(v, depth + 1, seen)
    })
    return out
  }
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : redact(v, depth + 1, seen)
  return out
}
