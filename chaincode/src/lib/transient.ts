import { Context } from 'fabric-contract-api';
import { sha256Hex } from './canonical';
import { fail } from './errors';
import { checkField, type Schema } from './validate';

const decoder = new TextDecoder();
const SALT_RE = /^[0-9a-f]{32,128}$/;

/**
 * A salted private value of a write: the transient map's `key` (e.g. `detail`) holds a JSON object with exactly the
 * `fields` of `schema` (checked like intent fields) plus `salt`, 32-128 lowercase hex chars (>= 16 random bytes), and
 * its sha256 hex must equal `hash`, the intent's `detailHash`. The intent (a function argument) is in every org's
 * blocks, so free text travels only here; the salt keeps its public sha256 (the intent's, and the one Fabric writes
 * into the block for every private value) from being matched against guessed texts. At most `maxBytes`.
 * Returns the bytes verbatim, for the private write (Fabric's private-data hash then equals `hash`). INVALID otherwise.
 */
export function saltedTransient(ctx: Context, key: string, hash: string, schema: Schema, maxBytes = 8192): Uint8Array {
  const bytes = ctx.stub.getTransient().get(key);
  if (!bytes || bytes.length === 0) fail('INVALID', `transient map key "${key}" is required`);
  if (bytes.length > maxBytes) fail('INVALID', `transient ${key} is larger than ${maxBytes / 1024} KiB`);
  if (sha256Hex(bytes) !== hash) fail('INVALID', `sha256(${key}) does not match detailHash`);
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    fail('INVALID', `transient ${key} is not valid JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('INVALID', `transient ${key} must be a JSON object`);
  const { salt, ...fields } = value as Record<string, unknown>;
  const unknown = Object.keys(fields).find((f) => !(f in schema));
  if (unknown !== undefined) fail('INVALID', `unknown field ${key}.${unknown}`);
  for (const [name, rule] of Object.entries(schema)) {
    if (fields[name] === undefined && rule.optional) continue;
    checkField(`${key}.${name}`, fields[name], rule);
  }
  checkSalt(salt, key);
  return bytes;
}

/**
 * The `salt` of a private value whose sha256 is public: 32-128 lowercase hex chars (>= 16 random bytes), INVALID
 * naming `${name}.salt` otherwise. Every private value a write takes carries one (saltedTransient's fields, the visit's
 * clinical detail, a correction's detail): Fabric writes the plain SHA-256 of each private value into the block.
 */
export function checkSalt(salt: unknown, name: string): void {
  if (typeof salt !== 'string' || !SALT_RE.test(salt)) fail('INVALID', `${name}.salt must be 32-128 lowercase hex chars`);
}
