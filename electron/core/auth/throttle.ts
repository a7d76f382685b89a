import type { DB } from '../db'
import { writeTx } from '../db/tx'

/**
 * Sign-in throttling (issue 13): failures are counted per user name and per source (the browser shell's remote
 * address, "ipc" for Electron's own window). From the 5th failure in a row a key waits a growing delay before its next
 * attempt is checked at all; from the 10th it is locked for 15 minutes (an admin can unlock a user earlier).
 * Counts live in SQLite (table auth_throttle), so a restart does not reset them.
 */
export const THROTTLE = {
  /** Failures after which each further attempt first waits. */
  delayAfter: 5,
  /** Failures after which the key is locked for lockMs. */
  lockAfter: 10,
  lockMs: 15 * 60 * 1000,
  /** Delay after the 5th failure; it doubles with each further one (2, 4, 8, 16, 32 s). */
  firstDelayMs: 2000,
} as const

/** A user name key and a source key; the same counting applies to both. */
export type ThrottleKey = { scope: 'user' | 'source'; key: string }

/** Until when a key with `failures` consecutive failures, the last at `lastAt` (epoch ms), may not try again. */
function blockedUntil(failures: number, lastAt: number): number {
  if (failures >= THROTTLE.lockAfter) return lastAt + THROTTLE.lockMs
  if (failures >= THROTTLE.delayAfter) return lastAt + THROTTLE.firstDelayMs * 2 ** (failures - THROTTLE.delayAfter)
  return 0
}

interface Row {
  failures: number
  last_failure_at: number
}

export class SignInThrottle {
  constructor(private readonly db: DB) {}

  private row(k: ThrottleKey): Row | undefined {
    return this.db.prepare('SELECT failures, last_failure_at FROM auth_throttle WHERE scope = ? AND key = ?').get(k.scope, k.key) as Row | undefined
  }

  /** Failures still counting at `now`: a key whose last failure is older than the lock time starts again from zero. */
  private live(k: ThrottleKey, now: number): Row | null {
    const r = this.row(k)
    return r && now - r.last_failure_at < THROTTLE.lockMs ? r : null
  }

  /**
   * Called before a password is checked. Refuses (returns false) while any key is delayed or locked; otherwise counts
   * the attempt as a failure at once and returns true. Counting before the slow hash means attempts sent in parallel
   * are counted too; `succeeded` takes the count back. Synchronous, so two sign-ins cannot interleave here.
   */
  begin(keys: readonly ThrottleKey[], now: number): boolean {
    return writeTx(this.db, () => {
      if (keys.some((k) => this.blocked(k, now))) return false
      for (const k of keys) {
        const failures = (this.live(k, now)?.failures ?? 0) + 1
        this.db
          .prepare('INSERT INTO auth_throttle (scope, key, failures, last_failure_at) VALUES (?, ?, ?, ?) ON CONFLICT (scope, key) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at')
          .run(k.scope, k.key, failures, now)
      }
      return true
    })
  }

  /** True while `k` may not try (a delay after 5 failures, the lock after 10). */
  blocked(k: ThrottleKey, now: number): boolean {
    const r = this.live(k, now)
    return r !== null && now < blockedUntil(r.failures, r.last_failure_at)
  }

  /** Until when a user is locked (the 15-minute lock, not the short delays), or null. For the admin's user list. */
  lockedUntil(username: string, now: number): number | null {
    const r = this.live({ scope: 'user', key: username }, now)
    return r && r.failures >= THROTTLE.lockAfter ? blockedUntil(r.failures, r.last_failure_at) : null
  }

  /**
   * A sign-in passed: the user's count is cleared; the source gets back the attempt `begin` counted but keeps earlier
   * failures (one valid account must not reset a source that is guessing at others).
   */
  succeeded(keys: readonly ThrottleKey[]): void {
    writeTx(this.db, () => {
      for (const k of keys) {
        if (k.scope === 'user') this.db.prepare('DELETE FROM auth_throttle WHERE scope = ? AND key = ?').run(k.scope, k.key)
        else this.db.prepare('UPDATE auth_throttle SET failures = max(failures - 1, 0) WHERE scope = ? AND key = ?').run(k.scope, k.key)
      }
    })
  }

  /** An admin unlocks a user at once: the user's count is cleared (sources keep theirs and unlock by time). */
  unlockUser(username: string): void {
    this.db.prepare("DELETE FROM auth_throttle WHERE scope = 'user' AND key = ?").run(username)
  }
}
