import { createHash, randomBytes } from 'node:crypto'
import type { PendingStep, Role, SessionUser, TotpEnrolment } from '../../contract'
import { SESSION_IDLE_MS, SESSION_MAX_MS } from '../../contract/session'
import type { DB } from '../db'
import { writeTx } from '../db/tx'
import { AppError, fieldError, msg } from '../errors'
import { hashPassword, hashPasswordSync, verifyPassword } from './password'
import { open, seal, type SealKeySource } from './seal'
import { SignInThrottle, type ThrottleKey } from './throttle'
import { newTotpSecret, otpauthUri, verifyTotp } from './totp'

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex')

interface UserRow {
  username: string
  password_hash: string
  role: Role
  /** The TOTP seed sealed with the keychain key (auth/seal.ts), never the seed itself. */
  totp_secret: string | null
  totp_confirmed_at: number | null
  totp_last_step: number | null
  created_at: number
  /** Issue 13 (migration 0010): null while enabled; 1/0 flags for what the next sign-in must do first. */
  disabled_at: number | null
  must_change_password: number
  totp_enrol_pending: number
}

const ISSUER = 'Faskes Workstation'
// A hash of a random password: unknown users cost the same scrypt time as known ones. Made at the first sign-in,
// not at import (one hash at full cost takes most of a second).
let dummyHash: Promise<string> | null = null
const dummy = () => (dummyHash ??= hashPassword(randomBytes(16).toString('hex')))

/** A session as the transport's token finds it: `locked` after SESSION_IDLE_MS without user activity. */
export interface SessionState {
  user: SessionUser
  locked: boolean
}

export class AuthService {
  constructor(
    private readonly db: DB,
    /** Null when this process has no keychain: admins (who need a sealed TOTP seed) can then not be created or sign in. */
    private readonly sealKey: SealKeySource | null,
    private readonly now: () => number = Date.now,
  ) {
    this.throttle = new SignInThrottle(db)
  }

  /** Failed sign-ins per user and per source (auth/throttle.ts). */
  private readonly throttle: SignInThrottle

  /** Until when (epoch ms) the user's sign-in is locked after 10 failures, or null; for the admin's user list. */
  lockedUntil(username: string): number | null {
    return this.throttle.lockedUntil(username, this.now())
  }

  /** An admin ends a user's sign-in lock at once (the short delays after 5 failures go too). */
  unlockUser(username: string): { username: string } {
    this.throttle.unlockUser(username)
    return { username }
  }

  private async key(): Promise<Buffer> {
    if (!this.sealKey) throw new AppError('UNAVAILABLE', msg('auth.keychainRequired'))
    return this.sealKey()
  }

  hasUsers(): boolean {
    return this.db.prepare('SELECT 1 FROM users LIMIT 1').get() !== undefined
  }

  /**
   * First run: creates the first admin together with its TOTP enrolment (the sealed seed; the code is confirmed at
   * the admin's first sign-in). Only while no user exists, checked in the same transaction as the insert, so two
   * concurrent calls make one admin and the other is refused; it never deletes a user. Whether the caller sits at
   * this machine is the transport's proof (auth/session.ts setupFirstAdmin), checked before this.
   */
  async setupAdmin(username: string, password: string): Promise<TotpEnrolment & SessionUser> {
    if (this.hasUsers()) throw new AppError('FORBIDDEN', msg('auth.setupDone'))
    const key = await this.key()
    return writeTx(this.db, () => {
      if (this.hasUsers()) throw new AppError('FORBIDDEN', msg('auth.setupDone'))
      return this.insert(username, password, 'admin', key)
    })
  }

  /**
   * Makes a user. An admin gets a sealed TOTP seed: with `enrol` 'atSignIn' (an admin creating another admin, the
   * users.create channel) nobody sees it here and the new admin scans it at their own first sign-in (enrolment null);
   * 'now' returns it to the caller, for a person setting up this machine (test and seed helpers).
   */
  async createUser(username: string, password: string, role: Role, enrol: 'now' | 'atSignIn' = 'now'): Promise<SessionUser & { enrolment: TotpEnrolment | null }> {
    if (this.db.prepare('SELECT 1 FROM users WHERE username = ?').get(username)) {
      throw new AppError('CONFLICT', msg('auth.usernameTaken', { username }), [fieldError('username', msg('auth.usernameTakenField'))])
    }
    const key = role === 'admin' ? await this.key() : null
    const u = this.insert(username, password, role, key, enrol === 'atSignIn')
    return { username: u.username, role: u.role, enrolment: role === 'admin' && enrol === 'now' ? { secret: u.secret, otpauthUri: u.otpauthUri } : null }
  }

  private insert(username: string, password: string, role: Role, key: Buffer | null, enrolAtSignIn = false) {
    const secret = role === 'admin' ? newTotpSecret() : null
    if (secret && !key) throw new AppError('UNAVAILABLE', msg('auth.keychainRequired'))
    this.db
      .prepare('INSERT INTO users (username, password_hash, role, totp_secret, totp_enrol_pending, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(username, hashPasswordSync(password), role, secret && key ? seal(key, secret) : null, secret && enrolAtSignIn ? 1 : 0, this.now())
    return { username, role, secret: secret ?? '', otpauthUri: secret ? otpauthUri(ISSUER, username, secret) : '' }
  }

  list(): { username: string; role: Role; createdAt: number; totp: boolean }[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY created_at, username').all() as UserRow[]).map((u) => ({
      username: u.username,
      role: u.role,
      createdAt: u.created_at,
      totp: u.totp_confirmed_at !== null,
    }))
  }

  /**
   * Returns a new session token (only its hash is stored). Every failure (unknown user, wrong password, an admin's
   * missing, wrong or already used code) is the same UNAUTHENTICATED auth.badCredentials, so nothing tells a right
   * password apart or an admin from other users; while the user or `source` is throttled the answer is
   * auth.throttled, given before any check (auth/throttle.ts).
   */
  async login(username: string, password: string, totp: string | undefined, source: string, desk: string | null = null): Promise<{ token: string; user: SessionUser }> {
    const user = await this.checkCredentials(username, password, totp, source)
    const token = randomBytes(32).toString('base64url')
    const now = this.now()
    this.db.prepare('INSERT INTO sessions (token_hash, username, created_at, last_seen_at, desk_id) VALUES (?, ?, ?, ?, ?)').run(tokenHash(token), username, now, now, desk)
    return { token, user }
  }

  /**
   * The password (and an admin's code) checked through the throttle; the user on success. A right password stored at
   * an older scrypt cost is rehashed at SCRYPT_COST here, the one moment the password is known.
   */
  private async checkCredentials(username: string, password: string, totp: string | undefined, source: string): Promise<SessionUser> {
    const keys = throttleKeys(username, source)
    if (!this.throttle.begin(keys, this.now())) throw new AppError('UNAUTHENTICATED', msg('auth.throttled'))
    const bad = () => new AppError('UNAUTHENTICATED', msg('auth.badCredentials'))
    // A disabled user is looked up like an unknown one: the same hash time and the same answer.
    const row = this.db.prepare('SELECT * FROM users WHERE username = ? AND disabled_at IS NULL').get(username) as UserRow | undefined
    const pw = await verifyPassword(password, row?.password_hash ?? (await dummy()))
    if (!row) throw bad()
    let step: bigint | null = null
    // A pending enrolment's seed was never seen by its user: that sign-in has the password only and may only enrol.
    if (row.totp_secret && !row.totp_enrol_pending) {
      // The code is checked whether or not the password was right, so the keychain's time tells nothing either.
      if (!totp) throw bad()
      step = verifyTotp(open(await this.key(), row.totp_secret), totp, this.now())
      if (step === null) throw bad()
    }
    if (!pw.ok) throw bad()
    if (step !== null) {
      // Conditional in one statement: of two sign-ins with the same code, only the first write moves the step on.
      const spent = this.db
        .prepare('UPDATE users SET totp_last_step = ?, totp_confirmed_at = coalesce(totp_confirmed_at, ?) WHERE username = ? AND (totp_last_step IS NULL OR totp_last_step < ?)')
        .run(Number(step), this.now(), username, Number(step))
      if (spent.changes === 0) throw bad()
    }
    this.throttle.succeeded(keys)
    if (pw.upgrade) this.db.prepare('UPDATE users SET password_hash = ? WHERE username = ?').run(await hashPassword(password), username)
    return { username: row.username, role: row.role, ...pendingOf(row) }
  }

  /**
   * The session for a token, or null when unknown or past SESSION_MAX_MS since its sign-in (then deleted). Reading a
   * session never refreshes it: only touch() (user input in the page) and unlock() do, so polls do not keep it alive.
   * `desk` is the hub desk the call came through (CallContext.desk id; null off a desk): a session is bound to the
   * desk it was made at (login's `desk`), and one presented anywhere else (another desk, a desk paired again under a
   * new id, the hub's own window) is treated as leaked: null, and deleted so the copy works nowhere (docs/hub.md).
   */
  resolve(token: string | undefined | null, desk: string | null = null): SessionState | null {
    if (!token) return null
    const now = this.now()
    const hash = tokenHash(token)
    const row = this.db
      .prepare('SELECT u.username, u.role, s.created_at, s.last_seen_at, s.desk_id FROM sessions s JOIN users u ON u.username = s.username WHERE s.token_hash = ?')
      .get(hash) as { username: string; role: Role; created_at: number; last_seen_at: number; desk_id: string | null } | undefined
    if (!row) return null
    if (now - row.created_at >= SESSION_MAX_MS || row.desk_id !== desk) {
      this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hash)
      return null
    }
    return { user: { username: row.username, role: row.role }, locked: now - row.last_seen_at >= SESSION_IDLE_MS }
  }

  /** User activity in the page: restarts an unlocked session's idle time. A locked session stays locked (unlock()). */
  touch(token: string | undefined | null, desk: string | null = null): void {
    const s = this.resolve(token, desk)
    if (s && !s.locked && token) this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(this.now(), tokenHash(token))
  }

  /**
   * The lock screen: the session's own user signs in again (password, and the code for an admin, through the same
   * checks and throttle as login) and the same session goes on, its 12 h lifetime still counted from the sign-in.
   * UNAUTHENTICATED auth.signInFirst when the session has ended: then only a full sign-in helps.
   */
  async unlock(token: string | undefined | null, password: string, totp: string | undefined, source: string, desk: string | null = null): Promise<SessionUser> {
    const s = this.resolve(token, desk)
    if (!s || !token) throw new AppError('UNAUTHENTICATED', msg('auth.signInFirst'))
    const user = await this.checkCredentials(s.user.username, password, totp, source)
    this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(this.now(), tokenHash(token))
    return user
  }

  logout(token: string | undefined | null): void {
    if (token) this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash(token))
  }

  // --- A user's lifecycle (issue 13): the credential steps; auth/users.ts checks who may, audits and ends sessions.

  /** What the user's sign-in must do first, or null; NOT_FOUND-free: an unknown or disabled user has no state (null). */
  pendingStep(username: string): PendingStep | null {
    const row = this.db.prepare('SELECT must_change_password, totp_enrol_pending FROM users WHERE username = ? AND disabled_at IS NULL').get(username) as
      | Pick<UserRow, 'must_change_password' | 'totp_enrol_pending'>
      | undefined
    return row ? (pendingOf(row).pending ?? null) : null
  }

  /** Ends the user's sessions at once: all of them, or all but the one of `keepToken` (the caller's own). */
  endSessions(username: string, keepToken?: string | null): void {
    this.db.prepare('DELETE FROM sessions WHERE username = ? AND token_hash != ?').run(username, keepToken ? tokenHash(keepToken) : '')
  }

  /**
   * Whether `password` is the user's current one, counted by the sign-in throttle like a sign-in (the user and
   * `source`), so a session left open cannot be used to guess its own password at hash speed; null while throttled.
   */
  async passwordMatches(username: string, password: string, source: string): Promise<boolean | null> {
    const keys = throttleKeys(username, source)
    if (!this.throttle.begin(keys, this.now())) return null
    const row = this.db.prepare('SELECT password_hash FROM users WHERE username = ?').get(username) as { password_hash: string } | undefined
    const ok = (await verifyPassword(password, row?.password_hash ?? (await dummy()))).ok && row !== undefined
    if (ok) this.throttle.succeeded(keys)
    return ok
  }

  /** Stores a new password hash; `mustChange` makes the next sign-in change it first (a temporary one an admin set). */
  async setPassword(username: string, password: string, mustChange: boolean): Promise<void> {
    const hash = await hashPassword(password)
    this.db.prepare('UPDATE users SET password_hash = ?, must_change_password = ? WHERE username = ?').run(hash, mustChange ? 1 : 0, username)
  }

  /**
   * A new sealed TOTP seed that the user scans at their own next sign-in; the old authenticator stops working now. The
   * seed is not returned: no admin sees it. UNAVAILABLE without a keychain.
   */
  async renewEnrolment(username: string): Promise<void> {
    const sealed = seal(await this.key(), newTotpSecret())
    this.db
      .prepare('UPDATE users SET totp_secret = ?, totp_confirmed_at = NULL, totp_last_step = NULL, totp_enrol_pending = 1 WHERE username = ?')
      .run(sealed, username)
  }

  /** The user's own pending enrolment (secret and otpauth URI). FORBIDDEN user.noEnrolmentPending when none waits. */
  async pendingEnrolment(username: string): Promise<TotpEnrolment> {
    const row = this.db.prepare('SELECT totp_secret FROM users WHERE username = ? AND totp_enrol_pending = 1').get(username) as { totp_secret: string | null } | undefined
    if (!row?.totp_secret) throw new AppError('FORBIDDEN', msg('user.noEnrolmentPending'))
    const secret = open(await this.key(), row.totp_secret)
    return { secret, otpauthUri: otpauthUri(ISSUER, username, secret) }
  }

  /**
   * Confirms the pending enrolment with a code of the new seed; false for a wrong code. The step is spent like a
   * sign-in's, in one conditional statement, so the same code cannot confirm twice or then sign in.
   */
  async confirmEnrolment(username: string, code: string): Promise<boolean> {
    const { secret } = await this.pendingEnrolment(username)
    const step = verifyTotp(secret, code, this.now())
    if (step === null) return false
    const done = this.db
      .prepare('UPDATE users SET totp_enrol_pending = 0, totp_confirmed_at = ?, totp_last_step = ? WHERE username = ? AND totp_enrol_pending = 1')
      .run(this.now(), Number(step), username)
    return done.changes === 1
  }
}

/** A sign-in's first step from the user's row: the temporary password before a pending enrolment. */
function pendingOf(row: Pick<UserRow, 'must_change_password' | 'totp_enrol_pending'>): { pending?: PendingStep } {
  if (row.must_change_password) return { pending: 'password' }
  if (row.totp_enrol_pending) return { pending: 'totp' }
  return {}
}

/** The transport name Electron's IPC passes as the sign-in source (electron/core/security/ipc.ts). */
const IPC_SOURCE = 'ipc'

/**
 * What a sign-in attempt is counted against: always the user; the source only when it tells callers apart (the browser
 * shell's remote address). Electron's window is the one local caller of its PC, so a source count there would let ten
 * wrong passwords by anyone lock every user of that counter, admins included, for 15 minutes; the per-user count
 * still bounds guessing at each account.
 */
function throttleKeys(username: string, source: string): ThrottleKey[] {
  return source === IPC_SOURCE ? [{ scope: 'user', key: username }] : [{ scope: 'user', key: username }, { scope: 'source', key: source }]
}

/**
 * Ends every session made at the hub desks `deskIds` (their sign-ins, login's `desk`): a revoked desk, or the old
 * record of a desk paired again, keeps no signed-in user (docs/hub.md "Sessions at a desk"). Runs inside the caller's
 * transaction when there is one (hub/registry.ts revokes and re-pairs in one).
 */
export function endDeskSessions(db: DB, deskIds: readonly string[]): void {
  const del = db.prepare('DELETE FROM sessions WHERE desk_id = ?')
  for (const id of deskIds) del.run(id)
}
