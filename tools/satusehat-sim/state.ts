import type { Resource } from '@medplum/fhirtypes'

/** A token the simulator issued: bound to one client and its org, refused after expiresAtMs. */
export interface IssuedToken {
  token: string
  clientId: string
  orgId: string
  expiresAtMs: number
}

export interface SimState {
  /** Stored resources by type then id, each with the org whose token created it. */
  resources: Record<string, Record<string, { resource: Resource; orgId: string; version: number }>>
  tokens: IssuedToken[]
  /** Last failed token attempt per client id (the one-per-minute rule). */
  tokenFailedAt: Record<string, number>
  /** Counters that tests read to prove "no second resource": creates, updates and refused duplicates by type. */
  counts: { tokenCalls: number; created: Record<string, number>; updated: Record<string, number>; duplicatesRejected: Record<string, number> }
}

export function emptyState(): SimState {
  return { resources: {}, tokens: [], tokenFailedAt: {}, counts: { tokenCalls: 0, created: {}, updated: {}, duplicatesRejected: {} } }
}
