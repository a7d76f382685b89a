import { KDPPK_PATTERN, type RegisteredIdentity } from './ca'

/** A command-line value the admin got wrong: the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {}

/**
 * The `--kdppk` value as the CA, the chaincode and Pengaturan hold a faskes code: trimmed and upper-cased (the
 * certificate attribute is compared byte for byte with the settings' Kode PPK, which accepts capitals only), then
 * 8 digits or letters. Undefined when the option is absent; UsageError for anything else.
 */
export function kdppkArg(v: string | boolean | undefined): string | undefined {
  if (v === undefined) return undefined
  const code = String(v).trim().toUpperCase()
  if (!KDPPK_PATTERN.test(code)) throw new UsageError(`--kdppk must be 8 digits or letters, e.g. 0114U163 (got ${String(v)})`)
  return code
}

/** `ledger:list --kdppk/--id`: the identities with that faskes code and/or exactly that enrolment id. */
export function filterIdentities(ids: RegisteredIdentity[], f: { kdPPK?: string; id?: string }): RegisteredIdentity[] {
  return ids.filter((i) => (f.kdPPK === undefined || i.kdPPK === f.kdPPK) && (f.id === undefined || i.enrollmentId === f.id))
}
