/**
 * Channel names without the schemas, for the preload: it only forwards, so it needs no zod.
 * contract.test.ts keeps this list equal to the contract's keys.
 */
export const channelNames = [
  'app.info',
  'sync.status',
  'settings.get',
  'settings.update',
  'patient.check',
  'patient.history',
  'registration.create',
  'registration.today',
  'examination.save',
  'reference.lists',
  'reference.diagnosa',
  'reference.refresh',
  'referral.faskes',
  'outbox.list',
  'outbox.detail',
  'outbox.resend',
  'outbox.cancel',
  'monitoring.summary',
  'credentials.status',
  'credentials.setPcare',
  'auth.me',
  'auth.setup',
  'auth.login',
  'auth.logout',
  'users.list',
  'users.create',
] as const
