import type { SyncErrorCode } from '../../contract'
import type { DB } from '../db'
import type { OutboxJob, Target } from './outbox'

export interface SendSuccess {
  result: unknown
  httpStatus?: number
  metaCode?: number
  /** Sanitized copies for the admin's detail panel: never headers, never credentials. */
  request?: unknown
  response?: unknown
}

/**
 * A failed send, already classified by the target's own rules (PCare's classifier, the gateway error kinds).
 * `ambiguous` means the remote may have applied it (timeout after sending): reconcile before sending again.
 * `offline` means the remote could not be reached at all: the worker pauses and probes.
 */
export class SendError extends Error {
  constructor(
    readonly kind: 'transient' | 'permanent',
    /** What went wrong, from the contract's one list (the page words it in the user's language). */
    readonly code: SyncErrorCode,
    /** The remote's own words, a library's technical text or the code's parameter; never a sentence of ours. */
    message: string,
    readonly extra: {
      ambiguous?: boolean
      offline?: boolean
      httpStatus?: number
      metaCode?: number
      fields?: { field: string; message: string }[]
      retryAfterMs?: number
      request?: unknown
      response?: unknown
    } = {},
  ) {
    super(message)
    this.name = 'SendError'
  }
}

/** How one target performs, checks and records a job. The worker owns order, retries and bookkeeping. */
export interface Executor {
  readonly target: Target
  send(job: OutboxJob): Promise<SendSuccess>
  /** After an ambiguous failure: the remote's record of this job if it exists, else null (safe to send). */
  reconcile(job: OutboxJob): Promise<SendSuccess | null>
  /** Writes remote results (noUrut, noKunjungan, tx id) back to the local record; runs inside the done transaction. */
  apply(db: DB, job: OutboxJob, result: unknown): void
  /** A cheap call that tells whether the remote is reachable. */
  probe(): Promise<boolean>
}
