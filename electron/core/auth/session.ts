import type { AppInfo, FirstRunMode, Output, PendingStep } from '../../contract'
import type { DB } from '../db'
import { AppError, fieldError, msg } from '../errors'
import { setDeploymentMode } from '../hub/registry'
import type { CallContext, SessionCarrier } from '../ipc/dispatch'
import { userDokter } from './doctor'
import type { AuthService } from './index'

/** The transport's session carrier; UNAVAILABLE when the transport has none (sign-in needs somewhere to keep it). */
function needSession(ctx: Pick<CallContext, 'session'>): SessionCarrier {
  if (!ctx.session) throw new AppError('UNAVAILABLE', msg('err.noSession'))
  return ctx.session
}

/**
 * Who is signed in on this transport (with their own PCare doctor code), whether the first admin is still to be made
 * and, for that, whether this transport asks for the one-time setup code; `locale` is what the sign-in screen speaks.
 */
export function whoAmI(db: DB, auth: AuthService, locale: AppInfo['locale'], ctx: Pick<CallContext, 'user' | 'role' | 'setupGate'>): Output<'auth.me'> {
  return {
    user: ctx.user && ctx.role ? { username: ctx.user, role: ctx.role, kdDokter: userDokter(db, ctx.user), ...pendingOf(auth, ctx.user) } : null,
    ...firstRun(auth, ctx),
    locale,
  }
}

/** Whether the first admin is still to be made and, only then, whether this transport asks for its setup code. */
function firstRun(auth: AuthService, ctx: Pick<CallContext, 'setupGate'>) {
  const setupRequired = !auth.hasUsers()
  return { setupRequired, setupCodeRequired: setupRequired && (ctx.setupGate?.needsCode ?? false) }
}

/**
 * First run: makes the first admin and returns its TOTP enrolment; the caller is signed out and signs in with a code.
 * Refused (FORBIDDEN) once any user exists, and unless the transport's setup gate admits the caller: Electron's own
 * window, or the browser shell's one-time code (spent once the admin exists). A transport without a gate cannot set up.
 * The first-run mode choice (`mode`; absent leaves the recorded one) is recorded once the admin exists, so a refused setup
 * changes no mode, and a later one cannot turn a standalone PC into a hub (docs/hub.md).
 */
export async function setupFirstAdmin(
  db: DB,
  auth: AuthService,
  input: { username: string; password: string; setupCode?: string; mode?: FirstRunMode },
  ctx: Pick<CallContext, 'session' | 'setupGate'>,
): Promise<Output<'auth.setup'>> {
  const session = needSession(ctx)
  // "Already done" first: a wrong code must not tell anything once setup is closed.
  if (auth.hasUsers()) throw new AppError('FORBIDDEN', msg('auth.setupDone'))
  const gate = ctx.setupGate
  if (!gate) throw new AppError('FORBIDDEN', msg('auth.setupNoProof'))
  if (!gate.admits(input.setupCode)) {
    throw new AppError('FORBIDDEN', msg('auth.setupCodeWrong'), [fieldError('setupCode', msg('auth.setupCodeField'))])
  }
  const admin = await auth.setupAdmin(input.username, input.password)
  // Absent: the mode stays as recorded (standalone, or hub when `npm run hub` already ran on this data folder).
  if (input.mode) setDeploymentMode(db, input.mode)
  gate.spend()
  session.set(null)
  return admin
}

/** The signed-in user's pending first step (issue 13), as the optional `pending` field of SessionUser. */
function pendingOf(auth: AuthService, username: string): { pending?: PendingStep } {
  const pending = auth.pendingStep(username)
  return pending ? { pending } : {}
}

/** Where a sign-in comes from, for throttling: the browser shell's remote address, else the transport ("ipc"). */
const sourceOf = (ctx: Pick<CallContext, 'transport' | 'source'>) => ctx.source ?? ctx.transport

/** The hub desk a session is bound to: the paired desk the call came through, null off a desk. */
export const deskOf = (ctx: Pick<CallContext, 'desk'>): string | null => ctx.desk?.id ?? null

/** Signs in (AuthService.login checks password and TOTP) and replaces the transport's session with the new one. */
export async function signIn(
  auth: AuthService,
  input: { username: string; password: string; totp?: string },
  ctx: Pick<CallContext, 'session' | 'transport' | 'source' | 'desk'>,
): Promise<Output<'auth.login'>> {
  const session = needSession(ctx)
  // Bound to the desk it is made at (AuthService.resolve): another desk cannot present it.
  const { token, user } = await auth.login(input.username, input.password, input.totp, sourceOf(ctx), deskOf(ctx))
  auth.logout(session.token())
  session.set(token)
  return user
}

/** Ends the transport's session, if any; never fails. */
export function signOut(auth: AuthService, ctx: Pick<CallContext, 'session'>): Output<'auth.logout'> {
  auth.logout(ctx.session?.token())
  ctx.session?.set(null)
  return { ok: true }
}

/** The lock screen: the transport's locked session goes on once its own user has given the password (and code) again. */
export function unlockSession(auth: AuthService, input: { password: string; totp?: string }, ctx: Pick<CallContext, 'session' | 'transport' | 'source' | 'desk'>): Promise<Output<'auth.unlock'>> {
  return auth.unlock(needSession(ctx).token(), input.password, input.totp, sourceOf(ctx), deskOf(ctx))
}

/** User input in the page: restarts the idle time of the transport's session (a locked one stays locked). */
export function touchSession(auth: AuthService, ctx: Pick<CallContext, 'session' | 'desk'>): Output<'session.touch'> {
  auth.touch(ctx.session?.token(), deskOf(ctx))
  return { ok: true }
}
