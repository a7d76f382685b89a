import { useEffect, useSyncExternalStore } from 'react'
import type { MessageKey } from './i18n'

/** The four workspaces, in the order of their Alt+1..4 shortcuts. */
export const workspaces = ['pendaftaran', 'pemeriksaan', 'admin', 'pengaturan'] as const
export type Workspace = (typeof workspaces)[number]
const defaultWorkspace: Workspace = 'pendaftaran'

export const workspaceLabel: Record<Workspace, MessageKey> = {
  pendaftaran: 'ws.pendaftaran',
  pemeriksaan: 'ws.pemeriksaan',
  admin: 'ws.admin',
  pengaturan: 'ws.pengaturan',
}

type Role = 'counter' | 'clinician' | 'admin'
/** Who may open each workspace; the handlers check the same roles on every call. */
export const workspaceRoles: Record<Workspace, readonly Role[]> = {
  pendaftaran: ['counter', 'admin'],
  pemeriksaan: ['clinician', 'admin'],
  admin: ['admin'],
  pengaturan: ['admin'],
}
export const allowedWorkspaces = (role: Role) => workspaces.filter((ws) => workspaceRoles[ws].includes(role))

export function hrefOf(ws: Workspace): string {
  return `#/${ws}`
}

/** `#/pemeriksaan` → pemeriksaan; anything unknown → the counter, the default workspace. */
export function parseHash(hash: string): Workspace {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0]
  return (workspaces as readonly string[]).includes(name) ? (name as Workspace) : defaultWorkspace
}

function subscribe(onChange: () => void) {
  window.addEventListener('hashchange', onChange)
  return () => window.removeEventListener('hashchange', onChange)
}

/** The current workspace from location.hash. Hash routing needs nothing from the server or file:// loading. */
export function useWorkspace(): Workspace {
  return useSyncExternalStore(subscribe, () => parseHash(window.location.hash))
}

function navigate(ws: Workspace) {
  window.location.hash = hrefOf(ws)
}

/** Alt+1..4 switch workspaces from anywhere, including from inside a form field. */
export function useWorkspaceShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return
      // e.code, not e.key: Alt+digit produces other characters on some layouts.
      const match = /^Digit([1-9])$/.exec(e.code)
      const ws = match ? workspaces[Number(match[1]) - 1] : undefined
      if (!ws) return
      e.preventDefault()
      navigate(ws)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}
