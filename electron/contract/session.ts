/**
 * Session lifetimes (issue 13, Deliver 3), shared by core (which enforces them) and the page (which locks its screen
 * on the same idle time without waiting for a refused call).
 */

/** A session locks after this long without user activity (input in the page, reported by session.touch). */
export const SESSION_IDLE_MS = 15 * 60 * 1000
/** A session ends this long after its sign-in, whatever the activity: then only a full sign-in helps. */
export const SESSION_MAX_MS = 12 * 60 * 60 * 1000
/** The page reports input at most this often (session.touch); the idle timer is therefore this precise. */
export const SESSION_TOUCH_MS = 30 * 1000
