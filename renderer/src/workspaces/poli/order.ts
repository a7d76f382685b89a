import type { Output } from '../../../../electron/contract'

type Row = Output<'registration.today'>[number]

/** PCare's noUrut as a number for ordering ("A7" → 7); a visit without one yet sorts after those with one. */
const urut = (r: Row) => (r.noUrut ? Number(r.noUrut.replace(/\D/g, '')) || Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER)

/** Waiting first, then those marked tidak hadir (they may be called again), then those already in the room. */
const RANK = { waiting: 0, tidak_hadir: 1, hadir: 2 } as const

/**
 * The order of one poli's queue: not yet examined, grouped by RANK, each group by PCare's noUrut then registration time.
 */
export function queueOrder(rows: Row[], kdPoli: string): Row[] {
  return rows
    .filter((r) => r.kdPoli === kdPoli && r.status === 'registered')
    .sort((a, b) => RANK[a.attendance ?? 'waiting'] - RANK[b.attendance ?? 'waiting'] || urut(a) - urut(b) || a.createdAt - b.createdAt)
}
