import { fail } from './errors';

/**
 * Field kinds of the API intents. Ids end up inside composite keys, so they are restricted to a
 * safe character set (no U+0000, which delimits composite key parts).
 */
export type FieldKind =
  | 'id' // client-chosen id: idempotency key / entity id
  | 'noKartu' // BPJS card number, 13 digits
  | 'code' // PPK / provider code
  | 'sha256' // lowercase hex sha256
  | 'date' // yyyy-MM-dd, a real calendar date
  | 'text' // non-empty free text
  | 'textOrEmpty' // free text that may be empty
  | 'amount' // positive finite number (rupiah)
  | 'msp'; // one of the facility MSP ids

export interface FieldRule {
  kind: FieldKind;
  optional?: boolean;
  max?: number;
}

export type Schema = Record<string, FieldRule>;

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/;
const NOKARTU_RE = /^\d{13}$/;
const CODE_RE = /^[A-Za-z0-9][A-Za-z0-9.-]{0,19}$/;
const SHA256_RE = /^[0-9a-f]{64}$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DEFAULT_TEXT_MAX = 1000;

function isRealDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

export function checkField(name: string, value: unknown, rule: FieldRule, allowedMsps: readonly string[] = []): void {
  const bad = (why: string): never => fail('INVALID', `${name} ${why}`);
  if (rule.kind === 'amount') {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) bad('must be a positive number');
    if ((value as number) > 1e12) bad('is unreasonably large');
    return;
  }
  if (typeof value !== 'string') return bad('must be a string');
  const max = rule.max ?? DEFAULT_TEXT_MAX;
  switch (rule.kind) {
    case 'id':
      if (!ID_RE.test(value)) bad('must be 1-100 chars of [A-Za-z0-9._:/-], starting alphanumeric');
      return;
    case 'noKartu':
      if (!NOKARTU_RE.test(value)) bad('must be 13 digits');
      return;
    case 'code':
      if (!CODE_RE.test(value)) bad('must be 1-20 chars of [A-Za-z0-9.-]');
      return;
    case 'sha256':
      if (!SHA256_RE.test(value)) bad('must be a lowercase hex sha256 (64 chars)');
      return;
    case 'date':
      if (!isRealDate(value)) bad('must be a calendar date yyyy-MM-dd');
      return;
    case 'text':
      if (value.trim().length === 0) bad('must not be empty');
      if (value.length > max) bad(`must be at most ${max} chars`);
      return;
    case 'textOrEmpty':
      if (value.length > max) bad(`must be at most ${max} chars`);
      return;
    case 'msp':
      if (!allowedMsps.includes(value)) bad(`must be one of ${allowedMsps.join(', ')}`);
      return;
  }
}

/**
 * Parses one intent argument: a JSON object with exactly the schema's fields. Unknown fields are
 * rejected so a client cannot smuggle data onto the ledger or rely on fields that are ignored.
 */
export function parseIntent<T>(json: string, schema: Schema, allowedMsps: readonly string[] = []): T {
  if (typeof json !== 'string' || json.length === 0) fail('INVALID', 'intent must be a JSON string');
  if (json.length > 64 * 1024) fail('INVALID', 'intent is larger than 64 KiB');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return fail('INVALID', 'intent is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) fail('INVALID', 'intent must be a JSON object');
  const obj = parsed as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(key in schema)) fail('INVALID', `unknown field ${key}`);
  }
  for (const [name, rule] of Object.entries(schema)) {
    if (obj[name] === undefined || obj[name] === null) {
      if (rule.optional) {
        delete obj[name];
        continue;
      }
      fail('INVALID', `${name} is required`);
    }
    checkField(name, obj[name], rule, allowedMsps);
  }
  return obj as T;
}

/** Validates a plain string argument of an evaluate function. */
export function arg(name: string, value: string, kind: FieldKind): string {
  checkField(name, value, { kind });
  return value;
}
