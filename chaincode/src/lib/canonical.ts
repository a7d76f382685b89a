import { createHash } from 'crypto';

/**
 * Canonical JSON: object keys sorted by UTF-16 code unit order at every level, no whitespace,
 * undefined object members dropped. Every endorser must produce byte-identical write sets,
 * and the idempotency hash must not depend on the key order a client happened to use.
 */
export function canonicalStringify(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error('canonical JSON cannot encode a non-finite number');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((v) => (v === undefined ? 'null' : canonicalStringify(v))).join(',')}]`;
      }
      const obj = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const key of Object.keys(obj).sort()) {
        if (obj[key] === undefined) continue;
        parts.push(`${JSON.stringify(key)}:${canonicalStringify(obj[key])}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new Error(`canonical JSON cannot encode a ${typeof value}`);
  }
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
