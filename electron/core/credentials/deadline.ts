import { AppError, msg } from '../errors'

/**
 * How long ONE keychain call (get, set or delete of one item) may take before core gives up on it, in ms.
 * Keychains do not always answer: keytar's getPassword took 10-15 s on Windows and macOS while the network adaptor
 * was unplugged (atom/node-keytar#128), and a Secret Service call can block for as long as an unlock prompt is open
 * or for ever when the prompt never appears (jaraco/keyring#40, mitya57/secretstorage#33). 20 s lets the slow
 * offline answer arrive and bounds the rest; a caller a person waits on (the counter's card check) sets its own,
 * shorter deadline on top and answers from its cache (clinic/eligibility.ts). Not in sync/backoff.ts: that file
 * holds retry and poll policies, per-call deadlines live beside their call (as `ledger/gateway.ts` does).
 */
export const KEYCHAIN_DEADLINE_MS = 20_000

/**
 * The keychain did not answer one call within its deadline. Code UNAVAILABLE like every keychain failure, with its
 * own message (err.keychainTimeout) so the admin knows to look for a waiting unlock prompt rather than a missing one.
 */
export class KeychainDeadlineError extends AppError {
  constructor(ms: number) {
    super('UNAVAILABLE', msg('err.keychainTimeout', { seconds: Math.ceil(ms / 1000) }))
  }
}

/**
 * `call` bounded by `ms`: resolves or rejects as `call` does if it settles first, else rejects with
 * KeychainDeadlineError. The abandoned call is left to settle on its own (a native keychain call cannot be
 * cancelled); its late result or error is dropped. Use it for every keychain call outside CredentialStore too
 * (e.g. the database key), so no keychain access anywhere can hang core.
 */
export function keychainDeadline<T>(call: Promise<T>, ms: number = KEYCHAIN_DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KeychainDeadlineError(ms)), ms)
  })
  // A late rejection of the abandoned call must not surface as an unhandled rejection.
  call.catch(() => {})
  return Promise.race([call, expired]).finally(() => clearTimeout(timer))
}
