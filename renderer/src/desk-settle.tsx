import { createContext, useContext, useEffect, useRef, useState } from 'react'
import type { SyncStatus } from '../../electron/contract'

/**
 * At a hub desk (issue 16): what the page knows of the desk's own work from its `hub` status lane (hub/offline.ts
 * deskHubStatus). 'outstanding': the hub is away, or jobs wait or are in flight in the desk's outbox; 'settled': the
 * hub answers and nothing waits; null: no hub lane (a standalone PC, the hub itself) or not known yet.
 */
export function deskWork(status: SyncStatus | undefined): 'outstanding' | 'settled' | null {
  const lane = status?.targets.find((t) => t.target === 'hub')
  if (!lane) return null
  if (lane.online === false || lane.pending + lane.inFlight > 0) return 'outstanding'
  return lane.online === true ? 'settled' : null
}

type DeskWork = ReturnType<typeof deskWork>

/**
 * One status read after another: the verdict to remember (a read with none keeps the last) and whether the desk's
 * offline work has just settled at the hub (the last verdict 'outstanding', this one 'settled').
 */
export function settleStep(last: DeskWork, now: DeskWork): { last: DeskWork; settled: boolean } {
  if (now === null) return { last, settled: false }
  return { last: now, settled: last === 'outstanding' && now === 'settled' }
}

/**
 * How many times the desk's offline work has settled at the hub since the page started (settleStep over each status
 * read). The Shell feeds it the status bar's own poll and hands it down in DeskSettleContext.
 */
export function useDeskSettleCount(status: SyncStatus | undefined): number {
  const [count, setCount] = useState(0)
  const last = useRef<DeskWork>(null)
  const now = deskWork(status)
  useEffect(() => {
    const step = settleStep(last.current, now)
    last.current = step.last
    if (step.settled) setCount((c) => c + 1)
  }, [now])
  return count
}

/** The Shell's useDeskSettleCount, for the workspaces (0 outside a desk, and until the first settle). */
export const DeskSettleContext = createContext(0)

/**
 * Runs `onSettled` each time the desk's offline work has settled at the hub (DeskSettleContext moved): the page then
 * re-reads what it shows under the hub's numbers and drops its offline notices (a local `desk-N` visit number, "saved
 * at this desk", "hub not connected"), which would otherwise stay until the next action. Never at the first render.
 */
export function useOnDeskSettled(onSettled: () => void): void {
  const count = useContext(DeskSettleContext)
  const seen = useRef(count)
  const latest = useRef(onSettled)
  latest.current = onSettled
  useEffect(() => {
    if (count === seen.current) return
    seen.current = count
    latest.current()
  }, [count])
}
