import type { CredentialPresence, Input } from '../../contract'
import { AppError, msg } from '../errors'
import type { SyncEngine } from '../sync/engine'
import type { CredentialStore } from './index'

const NONE = { pcare: false, antrean: false, satusehat: false, fabric: { RSMSP: false, PuskesmasMSP: false, BPJSMSP: false } }

/**
 * Which secrets the keychain holds, for the settings page (never the secrets). An unreachable keychain is not an
 * error here: `available` is false and `error` says why, so the page can show it beside the form.
 */
export async function credentialPresence(store: CredentialStore | null): Promise<CredentialPresence> {
  if (!store) return { available: false, error: 'no keychain in this session', ...NONE }
  try {
    return { available: true, error: null, ...(await store.presence()) }
  } catch (err) {
    return { available: false, error: err instanceof Error ? err.message : String(err), ...NONE }
  }
}

/**
 * Saves the PCare credentials (and, with `antreanUserKey`, Antrean FKTP's, which share the cons-id and secret) in the
 * keychain, then asks the reference refresher to run, so a newly configured PCare fills the lists at once.
 * Throws UNAVAILABLE when this process has no keychain; the store's own errors otherwise.
 */
export async function savePcareCredentials(
  store: CredentialStore | null,
  engine: SyncEngine | null,
  { antreanUserKey, ...pcare }: Input<'credentials.setPcare'>,
): Promise<CredentialPresence> {
  if (!store) throw new AppError('UNAVAILABLE', msg('err.noKeychain'))
  await store.setPcare(pcare)
  if (antreanUserKey) await store.setAntrean({ ...pcare, userKey: antreanUserKey })
  engine?.reference?.kick()
  return credentialPresence(store)
}

/**
 * Saves SATUSEHAT's client id and secret in the keychain; the next send builds its client with them (engine
 * satusehatClient). Throws UNAVAILABLE when this process has no keychain.
 */
export async function saveSatusehatCredentials(store: CredentialStore | null, engine: SyncEngine | null, input: Input<'credentials.setSatusehat'>): Promise<CredentialPresence> {
  if (!store) throw new AppError('UNAVAILABLE', msg('err.noKeychain'))
  await store.setSatusehat(input)
  await engine?.refreshSatusehatCredentials()
  engine?.kick()
  return credentialPresence(store)
}
