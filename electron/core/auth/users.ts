import type { Channel, Input, Output, SessionUser, UserAuditAction } from '../../contract'
import type { DB } from '../db'
import { writeTx } from '../db/tx'
import { AppError, fieldError, msg } from '../errors'
import type { CallContext } from '../ipc/dispatch'
import { checkUserDokter, setUserDokter, userDokterMap } from './doctor'
import type { AuthService } from './index'
import { channelPolicy } from './policy'

/** The admin's user list, each with the PCare doctor code linked to it (null when none) and its lifecycle state. */
export function listUsers(db: DB, auth: AuthService): Output<'users.list'> {
  const dokter = userDokterMap(db)
  const state = new Map(
    (db.prepare('SELECT username, disabled_at, must_change_password, totp_enrol_pending FROM users').all() as StateRow[]).map((r) => [r.username, r]),
  )
  return auth.list().map((u) => {
    const s = state.get(u.username)
    return {
      ...u,
      kdDokter: dokter.get(u.username) ?? null,
      lockedUntil: auth.lockedUntil(u.username),
      enabled: s?.disabled_at === null,
      mustChangePassword: s?.must_change_password === 1,
      enrolPending: s?.totp_enrol_pending === 1,
    }
  })
}

interface StateRow {
  username: string
  role: 'counter' | 'clinician' | 'admin'
  disabled_at: number | null
  must_change_password: number
  totp_enrol_pending: number
}

/** Who acts: the signed-in user the channel's policy admitted (never absent behind withAuth; 'workstation' otherwise). */
const actorOf = (ctx: Pick<CallContext, 'user'>) => ctx.user ?? 'workstation'

/** The context an audited call needs: who acts, and the hub desk the call came through (absent off a hub). */
type AuditCtx = Pick<CallContext, 'user' | 'desk'>

/**
 * Appends one row to the user audit (migrations 0010, 0015): who acted, on which user, what, when (ms since epoch),
 * and the name of the hub desk the call came through (null on a standalone PC and the hub's own window).
 */
function audit(db: DB, at: number, actor: string, username: string, action: UserAuditAction, desk: CallContext['desk']): void {
  db.prepare('INSERT INTO user_audit (at, actor, username, action, desk) VALUES (?, ?, ?, ?, ?)').run(at, actor, username, action, desk?.name ?? null)
}

/**
 * Audits a hub desk action of an admin (core/hub/admin.ts): `deskPairingCode` with no desk yet ('' in the user
 * column; the code itself is never written) or `deskRevoke` naming the revoked desk. The desk the call came through,
 * if any, goes in the desk column as for every audited action.
 */
export function auditDeskAction(db: DB, ctx: AuditCtx, action: 'deskPairingCode' | 'deskRevoke', deskName: string, at = Date.now()): void {
  audit(db, at, actorOf(ctx), deskName, action, ctx.desk)
}

function userRow(db: DB, username: string): StateRow {
  const row = db.prepare('SELECT username, role, disabled_at, must_change_password, totp_enrol_pending FROM users WHERE username = ?').get(username) as StateRow | undefined
  if (!row) throw new AppError('NOT_FOUND', msg('user.notFound', { username }))
  return row
}

/**
 * Creates a user, linked to a PCare doctor code when given. The code is checked first (checkUserDokter refuses a
 * counter with a code, and a code missing from a filled dokter list), so a refused code creates no user. An admin made
 * here enrols their authenticator at their own first sign-in: the creating admin never sees its secret.
 */
export async function createUser(db: DB, auth: AuthService, input: Input<'users.create'>, ctx: AuditCtx, now = Date.now): Promise<Output<'users.create'>> {
  checkUserDokter(db, input.role, input.kdDokter)
  const u = await auth.createUser(input.username, input.password, input.role, 'atSignIn')
  if (input.kdDokter) setUserDokter(db, input.username, input.kdDokter)
  audit(db, now(), actorOf(ctx), u.username, 'create', ctx.desk)
  return { username: u.username, role: u.role, enrolAtSignIn: u.role === 'admin' }
}

/**
 * Disables (sessions end in the same transaction, so the user's next call is refused) or enables a user. Refused with
 * CONFLICT for the caller's own account and for the last enabled admin, so an admin can never lock everyone out.
 * Setting the state it already has is a no-op without an audit row.
 */
export function setEnabled(db: DB, auth: AuthService, input: Input<'users.setEnabled'>, ctx: AuditCtx, now = Date.now): Output<'users.setEnabled'> {
  const actor = actorOf(ctx)
  return writeTx(db, () => {
    const row = userRow(db, input.username)
    if ((row.disabled_at === null) === input.enabled) return { username: row.username, enabled: input.enabled }
    if (!input.enabled) {
      if (row.username === actor) throw new AppError('CONFLICT', msg('user.cannotDisableSelf'))
      const { n } = db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL AND username != ?").get(row.username) as { n: number }
      if (row.role === 'admin' && n === 0) throw new AppError('CONFLICT', msg('user.lastAdmin'))
      db.prepare('UPDATE users SET disabled_at = ? WHERE username = ?').run(now(), row.username)
      auth.endSessions(row.username)
    } else {
      db.prepare('UPDATE users SET disabled_at = NULL WHERE username = ?').run(row.username)
    }
    audit(db, now(), actor, row.username, input.enabled ? 'enable' : 'disable', ctx.desk)
    return { username: row.username, enabled: input.enabled }
  })
}

/** The admin sets a temporary password; the user's sessions end and their next sign-in must change it first. */
export async function resetPassword(db: DB, auth: AuthService, input: Input<'users.resetPassword'>, ctx: AuditCtx, now = Date.now): Promise<Output<'users.resetPassword'>> {
  const row = userRow(db, input.username)
  await auth.setPassword(row.username, input.password, true)
  writeTx(db, () => {
    auth.endSessions(row.username)
    audit(db, now(), actorOf(ctx), row.username, 'resetPassword', ctx.desk)
  })
  return { username: row.username }
}

/**
 * Marks an admin for a new authenticator: core seals a new seed (the old authenticator stops working), the user's
 * sessions end, and the user scans the seed at their own next sign-in. The seed is never returned to the caller.
 * INVALID_INPUT for a role without an authenticator.
 */
export async function resetEnrolment(db: DB, auth: AuthService, input: Input<'users.resetEnrolment'>, ctx: AuditCtx, now = Date.now): Promise<Output<'users.resetEnrolment'>> {
  const row = userRow(db, input.username)
  if (row.role !== 'admin') throw new AppError('INVALID_INPUT', msg('user.noAuthenticator', { username: row.username }))
  await auth.renewEnrolment(row.username)
  writeTx(db, () => {
    auth.endSessions(row.username)
    audit(db, now(), actorOf(ctx), row.username, 'resetEnrolment', ctx.desk)
  })
  return { username: row.username }
}

/**
 * Ends a user's sign-in lock (10 failures) and the growing delays before it at once; the source's own count is left
 * to run out by time (auth/throttle.ts). Audited as 'unlock' even when no lock held: the admin's act is the fact.
 * NOT_FOUND for an unknown user.
 */
export function unlockUser(db: DB, auth: AuthService, input: Input<'users.unlock'>, ctx: AuditCtx, now = Date.now): Output<'users.unlock'> {
  return writeTx(db, () => {
    const row = userRow(db, input.username)
    auth.unlockUser(row.username)
    audit(db, now(), actorOf(ctx), row.username, 'unlock', ctx.desk)
    return { username: row.username }
  })
}

/** The user audit, newest first, at most `limit` rows; `desk` is the hub desk's name, null when not made at a desk. */
export function userAudit(db: DB, input: Input<'users.audit'>): Output<'users.audit'> {
  return db.prepare('SELECT at, actor, username, action, desk FROM user_audit ORDER BY at DESC, id DESC LIMIT ?').all(input.limit ?? 100) as Output<'users.audit'>
}

/** The signed-in user from the call context; UNAUTHENTICATED without one (the 'user' policy makes that unreachable). */
function signedIn(ctx: Pick<CallContext, 'user' | 'role'>): SessionUser {
  if (!ctx.user || !ctx.role) throw new AppError('UNAUTHENTICATED', msg('auth.signInFirst'))
  return { username: ctx.user, role: ctx.role }
}

/**
 * The signed-in user changes their own password (the temporary one after a reset, or any time): the current one must
 * match (INVALID_INPUT on `current`; wrong ones count in the sign-in throttle, auth.throttled while it holds), the new
 * one must differ (on `password`). Their other sessions end; this one goes
 * on, now with whatever step is still pending (a pending enrolment comes after the password).
 */
export async function changeOwnPassword(
  db: DB,
  auth: AuthService,
  input: Input<'auth.changePassword'>,
  ctx: Pick<CallContext, 'user' | 'role' | 'session' | 'transport' | 'source' | 'desk'>,
  now = Date.now,
): Promise<Output<'auth.changePassword'>> {
  const me = signedIn(ctx)
  const matches = await auth.passwordMatches(me.username, input.current, ctx.source ?? ctx.transport)
  if (matches === null) throw new AppError('INVALID_INPUT', msg('auth.throttled'), [fieldError('current', msg('auth.throttled'))])
  if (!matches) throw new AppError('INVALID_INPUT', msg('user.currentPasswordWrong'), [fieldError('current', msg('user.currentPasswordWrong'))])
  if (input.password === input.current) throw new AppError('INVALID_INPUT', msg('user.passwordSame'), [fieldError('password', msg('user.passwordSame'))])
  await auth.setPassword(me.username, input.password, false)
  writeTx(db, () => {
    auth.endSessions(me.username, ctx.session?.token())
    audit(db, now(), me.username, me.username, 'changePassword', ctx.desk)
  })
  return withPending(auth, me)
}

/** The signed-in user's own pending enrolment, to scan now (FORBIDDEN when none is pending, and while a password change comes first). */
export async function ownEnrolment(auth: AuthService, ctx: Pick<CallContext, 'user' | 'role'>): Promise<Output<'auth.enrolment'>> {
  const me = signedIn(ctx)
  if (auth.pendingStep(me.username) !== 'totp') throw new AppError('FORBIDDEN', msg('user.noEnrolmentPending'))
  return auth.pendingEnrolment(me.username)
}

/** Confirms the signed-in user's pending enrolment with a code from the new authenticator (INVALID_INPUT on `totp` when wrong). */
export async function confirmOwnEnrolment(db: DB, auth: AuthService, input: Input<'auth.enrol'>, ctx: Pick<CallContext, 'user' | 'role' | 'desk'>, now = Date.now): Promise<Output<'auth.enrol'>> {
  const me = signedIn(ctx)
  if (auth.pendingStep(me.username) !== 'totp') throw new AppError('FORBIDDEN', msg('user.noEnrolmentPending'))
  if (!(await auth.confirmEnrolment(me.username, input.totp))) {
    throw new AppError('INVALID_INPUT', msg('user.enrolCodeWrong'), [fieldError('totp', msg('user.enrolCodeWrong'))])
  }
  audit(db, now(), me.username, me.username, 'enrol', ctx.desk)
  return withPending(auth, me)
}

function withPending(auth: AuthService, me: SessionUser): SessionUser {
  const pending = auth.pendingStep(me.username)
  return pending ? { ...me, pending } : me
}

/**
 * The channels a sign-in with a pending step may call: the steps themselves, who am I (and app.info, the facility's
 * name and locale the page needs to show the step), the page's activity report (session.touch: typing the step is
 * user activity), and signing out.
 */
const PENDING_ALLOWED: ReadonlySet<Channel> = new Set<Channel>([
  'auth.me',
  'app.info',
  'session.touch',
  'auth.logout',
  'auth.login',
  'auth.changePassword',
  'auth.enrolment',
  'auth.enrol',
])

/**
 * Refuses (FORBIDDEN, keyed by the step) every other channel while the signed-in user must first change a temporary
 * password or enrol an authenticator; public channels answer as they do for anyone. Called for every call, after the
 * channel policy (ipc/handlers.ts withAuth).
 */
export function refuseWhilePending(auth: AuthService, channel: Channel, user: Pick<SessionUser, 'username'> | null): void {
  if (!user || PENDING_ALLOWED.has(channel) || channelPolicy[channel] === 'public') return
  const step = auth.pendingStep(user.username)
  if (step) throw new AppError('FORBIDDEN', msg(step === 'password' ? 'user.passwordPending' : 'user.enrolPending'))
}
