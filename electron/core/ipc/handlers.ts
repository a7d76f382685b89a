import type { Channel } from '../../contract'
import type { Core } from '../app'
import { AuthService } from '../auth'
import { AppError, msg } from '../errors'
import { setUserDokter } from '../auth/doctor'
import { authorize, channelPolicy, seesDiagnoses } from '../auth/policy'
import { keychainSealKey } from '../auth/seal'
import { deskOf, setupFirstAdmin, signIn, signOut, touchSession, unlockSession, whoAmI } from '../auth/session'
import { changeOwnPassword, confirmOwnEnrolment, createUser, listUsers, ownEnrolment, refuseWhilePending, resetEnrolment, resetPassword, setEnabled, unlockUser, userAudit } from '../auth/users'
import { recordExamination, registerVisit } from '../clinic'
import { cancelRegistration, deleteKunjungan, editExamination, examinationForEdit } from '../clinic/corrections'
import { checkPatient } from '../clinic/eligibility'
import { patientHistory } from '../clinic/history'
import { callPatient, markAttendance } from '../clinic/queue'
import { todayRegistrations } from '../clinic/registrations'
import { changedVisit, registrationChanges, VISIT_WRITES, type ChangeFeed } from '../clinic/changes'
import { withVisitVersion } from '../clinic/version'
import { hubStatus, pairingCodeForAdmin, revokeDeskForAdmin } from '../hub/admin'
import { interactiveRemotes, poliSchedule } from '../clinic/remotes'
import { findFaskesRujukan } from '../clinic/rujukan'
import { credentialPresence, savePcareCredentials, saveSatusehatCredentials } from '../credentials/presence'
import { runSatusehatSetup, setKfaMapping, setUserNik } from '../satusehat/setup'
import { kfaMappings, usersSatusehat } from '../satusehat/store'
import { enrolFromPage } from '../ledger/enrolment'
import { referralLetter, registrationSlip } from '../print'
import { searchObat, searchTindakan } from '../reference/items'
import { diagnosaHits, referenceLists, refreshNow } from '../reference/queries'
import { appInfo, updateSettings } from '../settings/service'
import { cancel, listOutbox, monitoring, outboxDetail, resend } from '../sync/admin'
import { syncStatus } from '../sync/status'
import { unsentForVisits } from '../sync/unsent'
import type { CallContext, Handler, HandlerTable } from './dispatch'

/**
 * The handler table: one function per contract channel, each a thin call into core.
 * Electron's ipcMain and the browser shell both dispatch into this same table.
 */
export function createHandlers(core: Core, options: { now?: () => number } = {}): HandlerTable {
  const auth = new AuthService(core.db, keychainSealKey(core.db, core.credentials), options.now)
  return withAuth(auth, withChangeFeed(core.changes, createTable(core, auth)))
}

/**
 * Every successful visit write (VISIT_WRITES) records its visit in the change feed, so today's lists at this PC and
 * at every desk of a hub re-read that one row at once (registration.changes). Inside withAuth: refused calls record
 * nothing.
 */
function withChangeFeed(feed: ChangeFeed, table: HandlerTable): HandlerTable {
  const wrapped = { ...table } as Record<Channel, Handler<Channel>>
  for (const channel of VISIT_WRITES) {
    const handler = table[channel] as Handler<Channel>
    wrapped[channel] = async (input, ctx) => {
      const output = await handler(input, ctx)
      const noRawat = changedVisit(input, output)
      if (noRawat) feed.record(noRawat)
      return output
    }
  }
  return wrapped as HandlerTable
}

/**
 * Every call: the transport's session token becomes ctx.user/ctx.role, then the channel's role rule is checked
 * before the handler runs. The page never names its own user. A locked session (idle, AuthService.resolve) counts as
 * no user, and a channel that needs one answers UNAUTHENTICATED auth.locked, so the page shows its lock screen.
 */
function withAuth(auth: AuthService, table: HandlerTable): HandlerTable {
  const guarded = {} as Record<Channel, Handler<Channel>>
  for (const channel of Object.keys(table) as Channel[]) {
    const handler = table[channel] as Handler<Channel>
    guarded[channel] = (input, ctx) => {
      const token = ctx.session?.token()
      const session = auth.resolve(token, deskOf(ctx))
      const user = session && !session.locked ? session.user : null
      try {
        // At a desk, a token the hub does not honour (made at another desk, before this desk was paired again, or
        // ended) is dropped from the desk's cookie, and the page is told why it must sign in (docs/hub.md).
        if (ctx.desk && token && !session) {
          ctx.session?.set(null)
          if (channelPolicy[channel] !== 'public') throw new AppError('UNAUTHENTICATED', msg('auth.deskSessionEnded'))
        }
        authorize(channel, user)
        refuseWhilePending(auth, channel, user)
      } catch (err) {
        throw session?.locked && err instanceof AppError && err.code === 'UNAUTHENTICATED' ? new AppError('UNAUTHENTICATED', msg('auth.locked')) : err
      }
      return handler(input, user ? { ...ctx, user: user.username, role: user.role } : { ...ctx, user: undefined, role: undefined })
    }
  }
  return guarded as HandlerTable
}

/** The user a local record or a resend is recorded against: the signed-in user, else the workstation itself. */
const actor = (ctx: CallContext) => ({ userId: ctx.user ?? 'workstation' })

/** A write that queued outbox jobs wakes the workers at once (when `wake` says it did) instead of at their next tick. */
function thenKick<T>(core: Core, result: T, wake: (r: T) => boolean = () => true): T {
  if (wake(result)) core.engine?.kick()
  return result
}

/** Each channel is one call into the core module that owns it; no SQL and no remote reads here (lint enforces it). */
function createTable(core: Core, auth: AuthService): HandlerTable {
  const remotes = interactiveRemotes(core.engine)
  return {
    'app.info': () => appInfo(core),
    'sync.status': () => syncStatus(core.db, core.connectivity()),
    'settings.get': () => core.settings.get(),
    'settings.update': (patch) => updateSettings(core.settings, core.engine, patch),

    'patient.check': ({ query }) => checkPatient(core.db, remotes, query),
    'patient.history': (input, ctx) => patientHistory(core.db, remotes, input, seesDiagnoses(ctx.role)),
    'registration.create': (input, ctx) => thenKick(core, registerVisit(core.db, core.settings.get(), input, actor(ctx))),
    'registration.today': () => todayRegistrations(core.db),
    'registration.changes': (input) => registrationChanges(core.db, core.changes, input),
    'examination.save': (input, ctx) => thenKick(core, withVisitVersion(core.db, input.noRawat, undefined, () => recordExamination(core.db, core.settings.get(), input, actor(ctx)))),
    'print.slip': ({ noRawat }) => registrationSlip(core.db, core.settings.get(), noRawat),
    'print.rujukan': ({ noRawat }) => referralLetter(core.db, core.settings.get(), noRawat),

    'reference.lists': () => referenceLists(core.db),
    'reference.diagnosa': (input, ctx) => diagnosaHits(core.db, input, ctx.user),
    'reference.tindakan': ({ q, kdTkp, limit }) => searchTindakan(core.db, q, { kdTkp, limit }),
    'reference.obat': ({ q, limit }) => searchObat(core.db, q, limit),
    'registration.unsent': ({ noRawat }) => unsentForVisits(core.db, noRawat),
    'referral.faskes': (q) => findFaskesRujukan(core.db, remotes, q),
    'reference.refresh': () => refreshNow(core.db, core.engine),

    'outbox.list': (filter) => listOutbox(core.db, filter),
    'outbox.detail': ({ id }) => outboxDetail(core.db, id),
    'outbox.resend': ({ ids }, ctx) => thenKick(core, resend(core.db, ids, actor(ctx).userId)),
    'outbox.cancel': ({ ids, reason }, ctx) => cancel(core.db, ids, actor(ctx).userId, reason),
    'monitoring.summary': ({ days }) => monitoring(core.db, days),

    'credentials.status': () => credentialPresence(core.credentials),
    'credentials.setPcare': (input) => savePcareCredentials(core.credentials, core.engine, input),
    'credentials.setSatusehat': (input) => saveSatusehatCredentials(core.credentials, core.engine, input),
    'satusehat.setup': () => runSatusehatSetup(core.db, core.engine),
    'users.satusehat': () => usersSatusehat(core.db),
    'satusehat.kfa.list': () => kfaMappings(core.db),
    'satusehat.kfa.set': (input, ctx) => setKfaMapping(core.db, core.engine, input, actor(ctx).userId),
    'users.setNik': ({ username, nik }) => setUserNik(core.db, username, nik),
    'ledger.enrol': (input) => enrolFromPage(core.settings, core.credentials, input),

    'auth.me': (_input, ctx) => whoAmI(core.db, auth, core.settings.get().locale, ctx),
    'auth.setup': (input, ctx) => setupFirstAdmin(core.db, auth, input, ctx),
    'auth.login': (input, ctx) => signIn(auth, input, ctx),
    'auth.logout': (_input, ctx) => signOut(auth, ctx),
    'auth.unlock': (input, ctx) => unlockSession(auth, input, ctx),
    'session.touch': (_input, ctx) => touchSession(auth, ctx),
    'users.unlock': (input, ctx) => unlockUser(core.db, auth, input, ctx),
    'users.list': () => listUsers(core.db, auth),
    'users.create': (input, ctx) => createUser(core.db, auth, input, ctx),
    'users.setEnabled': (input, ctx) => setEnabled(core.db, auth, input, ctx),
    'users.resetPassword': (input, ctx) => resetPassword(core.db, auth, input, ctx),
    'users.resetEnrolment': (input, ctx) => resetEnrolment(core.db, auth, input, ctx),
    'users.audit': (input) => userAudit(core.db, input),
    'auth.changePassword': (input, ctx) => changeOwnPassword(core.db, auth, input, ctx),
    'auth.enrolment': (_input, ctx) => ownEnrolment(auth, ctx),
    'auth.enrol': (input, ctx) => confirmOwnEnrolment(core.db, auth, input, ctx),
    'hub.status': (_input, ctx) => hubStatus(core, ctx),
    'hub.pairingCode': (_input, ctx) => pairingCodeForAdmin(core, ctx),
    'hub.revokeDesk': ({ id }, ctx) => revokeDeskForAdmin(core.db, id, ctx),
    'users.setDokter': ({ username, kdDokter }) => setUserDokter(core.db, username, kdDokter),
    'doctors.schedule': (input) => poliSchedule(core.db, core.engine, input),
    'queue.call': ({ noRawat }) => callPatient(core.db, noRawat),
    'queue.attendance': ({ noRawat, attendance }) => thenKick(core, markAttendance(core.db, noRawat, attendance), (r) => r.queued),
    'registration.cancel': ({ noRawat, reason, version }, ctx) =>
      thenKick(core, withVisitVersion(core.db, noRawat, version, () => cancelRegistration(core.db, noRawat, reason, actor(ctx))), (r) => r.effect === 'queued'),
    'examination.get': ({ noRawat }) => examinationForEdit(core.db, noRawat),
    'examination.edit': ({ input, reason, version }, ctx) => thenKick(core, withVisitVersion(core.db, input.noRawat, version, () => editExamination(core.db, input, reason, actor(ctx)))),
    'kunjungan.delete': ({ noRawat, reason, version }, ctx) =>
      thenKick(core, withVisitVersion(core.db, noRawat, version, () => deleteKunjungan(core.db, noRawat, reason, actor(ctx))), (r) => r.effect === 'queued'),
  }
}
