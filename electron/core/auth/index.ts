import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto'
import type { Role, SessionUser, TotpEnrolment } from '../../contract'
import type { DB } from '../db'
import { AppError, fieldError, msg } from '../errors'
import { open, seal, type SealKeySource } from './seal'
import { newTotpSecret, otpauthUri, verifyTotp } from './totp'

/** scrypt cost: about 50 ms per hash on the 2-core workstation, fine for a sign-in, slow for guessing. */
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 }
/** A session ends after this long without a call (the page polls every 2 s, so an open screen stays signed in). */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000

export function hashPassword(password: string): string {
  const salt = randomBytes(16)
  const hash = scryptSync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p })
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`
}

export function verifyPassword(password: string, stored: string): boolean {
  const [kind, n, r, p, salt, hash] = stored.split('$')
  if (kind !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64')
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) })
  return timingSafeEqual(actual, expected)
}

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
}

const ISSUER = 'Faskes Workstation'
// A hash of a random password: unknown users cost the same scrypt time as known ones.
const DUMMY_HASH = hashPassword(randomBytes(16).toString('hex'))

export class AuthService {
  constructor(
    private readonly db: DB,
    /** Null when this process has no keychain: admins (who need a sealed TOTP seed) can then not be created or sign in. */
    private readonly sealKey: SealKeySource | null,
    private readonly now: () => number = Date.now,
  ) {}

  private async key(): Promise<Buffer> {
    if (!this.sealKey) throw new AppError('UNAVAILABLE', msg('auth.keychainRequired'))
    return this.sealKey()
  }

  hasUsers(): boolean {
    return this.db.prepare('SELECT 1 FROM users LIMIT 1').get() !== undefined
  }

  /**
   * First run is open while no admin has completed a sign-in with a code: the person setting up the
   * workstation may redo the enrolment (e.g. the secret was not saved) but nobody can once it is in use.
   */
  setupOpen(): boolean {
    return this.db.prepare("SELECT 1 FROM users WHERE role = 'admin' AND totp_confirmed_at IS NOT NULL LIMIT 1").get() === undefined
  }

  async setupAdmin(username: string, password: string): Promise<TotpEnrolment & SessionUser> {
    if (!this.setupOpen()) throw new AppError('FORBIDDEN', msg('auth.setupDone'))
    const key = await this.key()
    return this.db.transaction(() => {
      // Any unconfirmed first-run attempt is replaced, never left as a second admin.
      this.db.prepare('DELETE FROM users').run()
      return this.insert(username, password, 'admin', key)
    })()
  }

  async createUser(username: string, password: string, role: Role): Promise<SessionUser & { enrolment: TotpEnrolment | null }> {
    if (this.db.prepare('SELECT 1 FROM users WHERE username = ?').get(username)) {
      throw new AppError('CONFLICT', msg('auth.usernameTaken', { username }), [fieldError('username', msg('auth.usernameTakenField'))])
    }
    const key = role === 'admin' ? await this.key() : null
    const u = this.insert(username, password, role, key)
    return { username: u.username, role: u.role, enrolment: role === 'admin' ? { secret: u.secret, otpauthUri: u.otpauthUri } : null }
  }

  private insert(username: string, password: string, role: Role, key: Buffer | null) {
    const secret = role === 'admin' ? newTotpSecret() : null
    if (secret && !key) throw new AppError('UNAVAILABLE', msg('auth.keychainRequired'))
    this.db
      .prepare('INSERT INTO users (username, password_hash, role, totp_secret, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(username, hashPassword(password), role, secret && key ? seal(key, secret) : null, this.now())
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

  /** Returns a new session token (only its hash is stored). One message for every failure: nothing to enumerate. */
  async login(username: string, password: string, totp: string | undefined): Promise<{ token: string; user: SessionUser }> {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined
    const passwordOk = verifyPassword(password, row?.password_hash ?? DUMMY_HASH)
    if (!row || !passwordOk) throw new AppError('UNAUTHENTICATED', msg('auth.badCredentials'))
    if (row.totp_secret) {
      if (!totp) throw new AppError('UNAUTHENTICATED', msg('auth.totpNeeded'), [fieldError('totp', msg('auth.totpRequired'))])
      const step = verifyTotp(open(await this.key(), row.totp_secret), totp, this.now())
      if (step === null || (row.totp_last_step !== null && step <= BigInt(row.totp_last_step))) {
        throw new AppError('UNAUTHENTICATED', msg('auth.totpWrong'), [fieldError('totp', msg('auth.totpWrongField'))])
      }
      this.db.prepare('UPDATE users SET totp_last_step = ?, totp_confirmed_at = coalesce(totp_confirmed_at, ?) WHERE username = ?').run(Number(step), this.now(), username)
    }
    const token = randomBytes(32).toString('base64url')
    const now = this.now()
    this.db.prepare('INSERT INTO sessions (token_hash, username, created_at, last_seen_at) VALUES (?, ?, ?, ?)').run(tokenHash(token), username, now, now)
    return { token, user: { username: row.username, role: row.role } }
  }

  /** The signed-in user for a token, refreshing its idle timer; null when unknown or expired. */
  resolve(token: string | undefined | null): SessionUser | null {
    if (!token) return null
    const now = this.now()
    const hash = tokenHash(token)
    const row = this.db
      .prepare('SELECT u.username, u.role, s.last_seen_at FROM sessions s JOIN users u ON u.username = s.username WHERE s.token_hash = ?')
      .get(hash) as { username: string; role: Role; last_seen_at: number } | undefined
    if (!row) return null
    if (now - row.last_seen_at > SESSION_IDLE_MS) {
      this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hash)
      return null
    }
    // Writing on every poll would churn the WAL; a minute of resolution is plenty for a 12 h idle limit.
    if (now - row.last_seen_at > 60_000) this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(now, hash)
    return { username: row.username, role: row.role }
  }

  logout(token: string | undefined | null): void {
    if (token) this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash(token))
  }
}
