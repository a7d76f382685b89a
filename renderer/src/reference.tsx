import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react'
import type { Output } from '../../electron/contract'
import { useCall } from './hooks'

export type ReferenceLists = Output<'reference.lists'>

/** The reference cache's change stamp from `sync.status` (undefined until the first status arrives). */
const ReferenceStamp = createContext<number | null | undefined>(undefined)

/** Hands the stamp the shell already polls (`sync.status.referenceAt`) to every page below it. */
export function ReferenceStampProvider({ stamp, children }: { stamp: number | null | undefined; children: ReactNode }) {
  return <ReferenceStamp.Provider value={stamp}>{children}</ReferenceStamp.Provider>
}

/**
 * The cached PCare lists (poli, dokter, kesadaran…), read once and again whenever core fetched new ones (the first
 * automatic fetch on a new install, a daily refresh, an admin's refresh): the counter's poli list fills without a
 * reload. Null until the first answer; a failed read keeps the last lists.
 */
export function useReferenceLists(): ReferenceLists | null {
  const stamp = useContext(ReferenceStamp)
  const { value, reload } = useCall('reference.lists', {})
  // Mounting asked already; each later stamp means core holds newer lists.
  const seen = useRef(stamp)
  useEffect(() => {
    if (seen.current === stamp) return
    seen.current = stamp
    reload()
  }, [stamp, reload])
  return value ?? null
}
