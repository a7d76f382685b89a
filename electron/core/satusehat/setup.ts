import type { Output, Role, SatusehatSetupResult } from '../../contract'
import type { DB } from '../db'
import { AppError, fieldError, msg } from '../errors'
import { SatusehatError } from './errors'
import type { SatusehatClient } from './client'
import { cliniciansWithNik, kfaMappings, maskNik, storeKfa, storeLocation, storePractitionerIhs } from './store'

/** A line's failure as the page shows it: the sync error code (reason text) and the platform's own words. */
function failure(err: unknown): { code: string; message: string } {
  if (err instanceof SatusehatError) return { code: `SATUSEHAT_${err.reason.toUpperCase()}`, message: err.describe() }
  return { code: 'UNEXPECTED', message: err instanceof Error ? err.message : String(err) }
}

/**
 * The one-time SATUSEHAT setup of Pengaturan (reference §2.4, §2.3): checks the credentials and the organization
 * (`ping`: a token, then `GET Organization/{orgId}`; a failure here throws, nothing else is tried), then maps every
 * poli of the cached PCare list to a Location (found by its `sys-ids…/location/{orgId}|kdPoli` identifier, created
 * when absent) and looks up every clinician's NIK as a Practitioner (the IHS id, or none, is stored on the user). A
 * poli or clinician that fails is reported on its line; the others go on. Safe to run again: nothing is created twice.
 * `engine`: the sync engine, whose SATUSEHAT client is used (UNAVAILABLE without an engine or when not configured).
 */
export async function runSatusehatSetup(db: DB, engine: { satusehatClient(): Promise<SatusehatClient> } | null, now = Date.now): Promise<SatusehatSetupResult> {
  if (!engine) throw new AppError('UNAVAILABLE', msg('remote.satusehatUnconfigured'))
  const c = await engine.satusehatClient()
  let organizationName: string | null
  try {
    organizationName = (await c.ping()).organizationName
  } catch (err) {
    const f = failure(err)
    throw new AppError('UNAVAILABLE', msg('satusehat.setupFailed', { message: f.message }))
  }
  const polies = db.prepare('SELECT kd_poli, nm_poli FROM ref_poli ORDER BY kd_poli').all() as { kd_poli: string; nm_poli: string }[]
  const locations: SatusehatSetupResult['locations'] = []
  for (const p of polies) {
    try {
      const locationId = await c.ensureLocation({ code: p.kd_poli, name: p.nm_poli })
      storeLocation(db, p.kd_poli, locationId, p.nm_poli, now())
      locations.push({ kdPoli: p.kd_poli, nmPoli: p.nm_poli, locationId, code: null, message: null })
    } catch (err) {
      locations.push({ kdPoli: p.kd_poli, nmPoli: p.nm_poli, locationId: null, ...failure(err) })
    }
  }
  const practitioners: SatusehatSetupResult['practitioners'] = []
  for (const u of cliniciansWithNik(db)) {
    try {
      const ref = await c.practitionerByNik(u.nik!)
      storePractitionerIhs(db, u.username, ref)
      practitioners.push(ref ? { username: u.username, ihsId: ref.id, code: null, message: null } : { username: u.username, ihsId: null, code: 'SATUSEHAT_UNMAPPED', message: null })
    } catch (err) {
      practitioners.push({ username: u.username, ihsId: null, ...failure(err) })
    }
  }
  return { organizationName, locations, practitioners }
}

/**
 * Sets (null clears) a clinician's or admin's NIK for the Practitioner lookup; a changed NIK drops the cached IHS id
 * (the next setup or send looks it up again). NOT_FOUND for an unknown user, INVALID_INPUT for a counter user.
 */
export function setUserNik(db: DB, username: string, nik: string | null): Output<'users.setNik'> {
  const u = db.prepare('SELECT role, nik FROM users WHERE username = ?').get(username) as { role: Role; nik: string | null } | undefined
  if (!u) throw new AppError('NOT_FOUND', msg('user.notFound', { username }))
  if (nik && u.role === 'counter') throw new AppError('INVALID_INPUT', msg('satusehat.notNik', { username }), [fieldError('nik', msg('satusehat.notNik', { username }))])
  if (u.nik !== nik) db.prepare('UPDATE users SET nik = ?, ihs_practitioner_id = NULL, ihs_practitioner_display = NULL WHERE username = ?').run(nik, username)
  return { username, nikMasked: maskNik(nik) }
}

/**
 * Maps a PCare obat to a KFA product for its MedicationRequests (null removes the mapping: that obat is no longer
 * sent). The code is checked with KFA first (reference §4, `kfaProduct`) and its product name stored as the display:
 * a code KFA does not know is INVALID_INPUT on `kfaCode`; KFA not reachable or refusing is UNAVAILABLE, and nothing is
 * stored. Applies to visits sent from now on (a visit already sent is not re-sent for it). Returns every mapping.
 */
export async function setKfaMapping(
  db: DB,
  engine: { satusehatClient(): Promise<SatusehatClient> } | null,
  input: { kdObat: string; kfaCode: string | null },
  by: string,
  now = Date.now,
): Promise<Output<'satusehat.kfa.list'>> {
  if (input.kfaCode === null) {
    storeKfa(db, input.kdObat, null, by, now())
    return kfaMappings(db)
  }
  if (!engine) throw new AppError('UNAVAILABLE', msg('remote.satusehatUnconfigured'))
  const c = await engine.satusehatClient()
  let product: Awaited<ReturnType<SatusehatClient['kfaProduct']>>
  try {
    product = await c.kfaProduct(input.kfaCode)
  } catch (err) {
    throw new AppError('UNAVAILABLE', msg('satusehat.kfaCheckFailed', { message: failure(err).message }))
  }
  if (!product || !product.active) {
    const m = msg('satusehat.kfaUnknown', { code: input.kfaCode })
    throw new AppError('INVALID_INPUT', m, [fieldError('kfaCode', m)])
  }
  storeKfa(db, input.kdObat, { code: product.code, display: product.name }, by, now())
  return kfaMappings(db)
}
