import type { Channel, Role, SessionUser } from '../../contract'
import { AppError, msg } from '../errors'

/**
 * 'public' = answers anonymous callers: only the sign-in and first-run channels (auth.setup then checks that no user
 * exists and the transport's proof itself); 'user' = any signed-in role; otherwise the roles allowed. Every channel
 * must be listed.
 */
type Rule = 'public' | 'user' | readonly Role[]

const ADMIN = ['admin'] as const
export const channelPolicy: Record<Channel, Rule> = {
  // The facility's name and kdPPK, and the outbox counts, are for staff; the sign-in screen takes its locale from auth.me.
  'app.info': 'user',
  'sync.status': 'user',
  'auth.me': 'public',
  'auth.setup': 'public',
  'auth.login': 'public',
  'auth.logout': 'public',
  // The lock screen: the transport's locked session names the user, so the caller does not (AuthService.unlock).
  'auth.unlock': 'public',
  'session.touch': 'user',
  'settings.get': 'user',
  'reference.lists': 'user',
  'reference.diagnosa': 'user',
  'reference.tindakan': 'user',
  'reference.obat': 'user',
  'registration.unsent': ['counter', 'clinician', 'admin'],
  'patient.check': ['counter', 'clinician', 'admin'],
  'patient.history': ['counter', 'clinician', 'admin'],
  'registration.today': ['counter', 'clinician', 'admin'],
  'registration.changes': ['counter', 'clinician', 'admin'],
  'registration.create': ['counter', 'admin'],
  'examination.save': ['clinician', 'admin'],
  'referral.faskes': ['clinician', 'admin'],
  'print.slip': ['counter', 'clinician', 'admin'],
  'print.rujukan': ['clinician', 'admin'],
  'settings.update': ADMIN,
  'reference.refresh': ADMIN,
  'outbox.list': ADMIN,
  'outbox.detail': ADMIN,
  'outbox.resend': ADMIN,
  'outbox.cancel': ADMIN,
  'monitoring.summary': ADMIN,
  'credentials.status': ADMIN,
  'credentials.setPcare': ADMIN,
  'credentials.setSatusehat': ADMIN,
  'satusehat.setup': ADMIN,
  'users.satusehat': ADMIN,
  'satusehat.kfa.list': ADMIN,
  'satusehat.kfa.set': ADMIN,
  'users.setNik': ADMIN,
  'ledger.enrol': ADMIN,
  'users.list': ADMIN,
  'users.create': ADMIN,
  'users.setDokter': ADMIN,
  'users.setEnabled': ADMIN,
  'users.resetPassword': ADMIN,
  'users.resetEnrolment': ADMIN,
  'users.audit': ADMIN,
  // A user's own password and pending authenticator (auth/users.ts); the only channels a pending sign-in may call.
  'auth.changePassword': 'user',
  'auth.enrolment': 'user',
  'auth.enrol': 'user',
  // Pairing and revoking desks decide which PCs reach the faskes's records (issue 16).
  'hub.status': ADMIN,
  'hub.pairingCode': ADMIN,
  'hub.revokeDesk': ADMIN,
  'users.unlock': ADMIN,
  'doctors.schedule': ['counter', 'clinician', 'admin'],
  'queue.call': ['clinician', 'admin'],
  'queue.attendance': ['clinician', 'admin'],
  'registration.cancel': ['counter', 'admin'],
  'examination.get': ['clinician', 'admin'],
  'examination.edit': ['clinician', 'admin'],
  'kunjungan.delete': ['clinician', 'admin'],
}

/**
 * Throws unless `user` may call `channel`: UNAUTHENTICATED for an anonymous caller at a non-public channel (also on
 * first run, before any user exists: then only the first-run and sign-in channels answer), FORBIDDEN for a role the
 * channel does not allow.
 */
export function authorize(channel: Channel, user: SessionUser | null): void {
  const rule = channelPolicy[channel]
  if (rule === 'public') return
  if (!user) throw new AppError('UNAUTHENTICATED', msg('auth.signInFirst'))
  if (rule !== 'user' && !rule.includes(user.role)) throw new AppError('FORBIDDEN', msg('auth.forbidden'))
}

/** Roles that see diagnoses (clinical data): not the counter, which registers visits and needs none. */
const DIAGNOSIS_ROLES: readonly Role[] = ['clinician', 'admin']

/** Whether `role` may see a patient's diagnoses; channels that return them (patient.history) drop them otherwise. */
export function seesDiagnoses(role: Role | undefined): boolean {
  return role !== undefined && DIAGNOSIS_ROLES.includes(role)
}
