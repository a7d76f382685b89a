import type { SessionCarrier } from '../ipc/dispatch'

const SESSION_COOKIE = 'faskes_session'

/**
 * The browser shell's session carrier: the token lives in an HttpOnly, SameSite=Strict cookie, so page
 * scripts can neither read nor send it elsewhere. No `Secure`: the shell is plain HTTP on 127.0.0.1.
 */
export function cookieSessionCarrier(cookieHeader: string | undefined, setCookie: (value: string) => void): SessionCarrier {
  let token = readCookie(cookieHeader, SESSION_COOKIE)
  return {
    token: () => token,
    set(next) {
      token = next ?? undefined
      setCookie(next ? `${SESSION_COOKIE}=${next}; HttpOnly; SameSite=Strict; Path=/` : `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`)
    },
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim()
      return /^[A-Za-z0-9_-]{1,100}$/.test(value) ? value : undefined
    }
  }
  return undefined
}

/** Electron's carrier: one token per webContents, kept in main-process memory only (gone when the window closes). */
export function memorySessionCarrier(store: Map<number, string>, webContentsId: number): SessionCarrier {
  return {
    token: () => store.get(webContentsId),
    set: (next) => void (next ? store.set(webContentsId, next) : store.delete(webContentsId)),
  }
}
