/**
 * A non-negative number flag of a tool's command line (values from node:util parseArgs): the fallback when the
 * flag is absent, a clear error when it is not such a number.
 */
export function numberFlag(values: Record<string, string | boolean | undefined>, name: string, fallback: number): number {
  const v = values[name]
  if (v === undefined) return fallback
  const n = Number(v)
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`)
  return n
}
