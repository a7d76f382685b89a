/**
 * The sync error codes: every code core stores in `outbox.last_error_code` and `outbox_attempts.error_code`, so the
 * page can word each one in its locale (renderer/src/reasons.ts maps every code to a sentence; a code added here
 * without one does not compile). Re-exported by `contract/index.ts`.
 *
 * What the stored message (`last_error_message`, `error_message`) holds beside a code: the remote's own words (PCare's
 * metaData.message, the chaincode's answer), a library's technical text (gRPC, fetch), a parameter of the code's
 * sentence (the Fabric transaction id, the operation name), or an admin's note; never a sentence of ours, which the
 * page builds from the code in the user's language.
 */
import { z } from 'zod'

/**
 * PCare and Antrean FKTP failures as `core/pcare/errors.ts` classifies them (`PcareErrorReason`, upper-cased by
 * `syncCodeOf`; docs/pcare.md#metadata-codes-and-what-we-do-with-each for the statuses and metaData codes behind each).
 */
export const PCARE_SYNC_CODES = [
  'NETWORK',
  'TIMEOUT',
  'HTTP5XX',
  'RATE_LIMITED',
  'GATEWAY_HTML',
  'BAD_BODY',
  'GARBAGE_CIPHERTEXT',
  'UNAUTHORIZED',
  'CLOCK_SKEW',
  'NOT_REGISTERED',
  'NOT_FOUND',
  'VALIDATION',
  'PRECONDITION',
  'JVALUE',
  'START_INDEX',
  'DUPLICATE',
  'SCREENING_REQUIRED',
  'BAD_REQUEST',
  'REJECTED',
  'HTTP4XX',
] as const

/**
 * Ledger failures from `core/sync/ledger-executor.ts`: the gateway phases (endorse, submit, commit status, commit),
 * and `CHAINCODE_<kind>` for a chaincode's own refusal, one per `ChaincodeErrorKind` of `core/ledger/gateway.ts`
 * (the prefix of the chaincode's error text; chaincode/README.md). A commit that fails validation is the family
 * `COMMIT_INVALID_<n>`, n being Fabric's TxValidationCode (see CommitInvalidCode). The workstation's own identity:
 * IDENTITY_REFUSED, the peer refused the signing certificate (revoked at the CA, expired, or not of the MSP the
 * settings name; permanent until an admin enrols again and resends), and IDENTITY_KDPPK_MISMATCH, the faskes code in
 * the settings is not the one in the enrolled certificate (nothing is sent until the workstation is enrolled again).
 */
export const LEDGER_SYNC_CODES = [
  'PEER_UNREACHABLE',
  'ENDORSE_FAILED',
  'SUBMIT_FAILED',
  'COMMIT_STATUS_UNKNOWN',
  'MVCC_CONFLICT',
  'LEDGER_ERROR',
  'CHAINCODE_INVALID',
  'CHAINCODE_FORBIDDEN',
  'CHAINCODE_NOT_FOUND',
  'CHAINCODE_CONFLICT',
  'CHAINCODE_STATE',
  'CHAINCODE_CLOCK',
  'IDENTITY_REFUSED',
  'IDENTITY_KDPPK_MISMATCH',
] as const

/**
 * SATUSEHAT failures: `SATUSEHAT_<REASON>` for each `SatusehatReason` of `core/satusehat/errors.ts` (its one
 * classifier; docs/satusehat.md), and the SATUSEHAT executor's local preconditions (`core/sync/satusehat-executor.ts`):
 * the patient's NIK unknown to the MPI or missing (PATIENT_NOT_IN_MPI, NO_NIK), a poli or doctor not mapped yet
 * (UNMAPPED), a time the platform would refuse (TIME_NOT_SENDABLE).
 */
export const SATUSEHAT_SYNC_CODES = [
  'SATUSEHAT_NETWORK',
  'SATUSEHAT_TIMEOUT',
  'SATUSEHAT_HTTP5XX',
  'SATUSEHAT_RATE_LIMITED',
  'SATUSEHAT_TOKEN_WAIT',
  'SATUSEHAT_BAD_CREDENTIALS',
  'SATUSEHAT_UNAUTHORIZED',
  'SATUSEHAT_WRONG_ORG',
  'SATUSEHAT_DUPLICATE',
  'SATUSEHAT_INVALID',
  'SATUSEHAT_NOT_FOUND',
  'SATUSEHAT_BAD_BODY',
  'SATUSEHAT_HTTP4XX',
  'SATUSEHAT_PATIENT_NOT_IN_MPI',
  'SATUSEHAT_NO_NIK',
  'SATUSEHAT_UNMAPPED',
  'SATUSEHAT_TIME_NOT_SENDABLE',
] as const

/**
 * Codes of our own: a stored job this version cannot run (`core/sync/operations.ts`: UNKNOWN_OPERATION, BAD_PAYLOAD),
 * the PCare/Antrean executors' local preconditions (`core/sync/pcare-executor.ts`), the worker
 * (`core/sync/worker.ts`: no client could be built, an unclassified throw, the transient retry budget spent), the
 * re-check of a card registered offline (VERIFY_REJECTED), a job withdrawn before it was sent because the visit was
 * corrected (`core/clinic/corrections.ts`: WITHDRAWN), an admin's cancel or resend (`core/sync/admin.ts`,
 * attempt markers only), and a desk's replay to its hub (`core/hub/offline.ts`: HUB_UNREACHABLE; HUB_REFUSED, whose
 * stored message is the hub's catalogue key).
 */
export const LOCAL_SYNC_CODES = [
  'NO_KUNJUNGAN',
  'WAITING_NO_URUT',
  'NO_SCHEDULE_DOCTOR',
  'UNKNOWN_OPERATION',
  'BAD_PAYLOAD',
  'RECONCILE_INCOMPLETE',
  'UNCONFIGURED',
  'UNEXPECTED',
  'RETRY_LIMIT',
  'VERIFY_REJECTED',
  'WITHDRAWN',
  'CANCELLED',
  'RESEND_REQUESTED',
  'HUB_UNREACHABLE',
  'HUB_REFUSED',
] as const

/** Every sync error code with a fixed name (everything but the COMMIT_INVALID_<n> family). */
export const NamedSyncErrorCode = z.enum([...PCARE_SYNC_CODES, ...LEDGER_SYNC_CODES, ...SATUSEHAT_SYNC_CODES, ...LOCAL_SYNC_CODES])
export type NamedSyncErrorCode = z.infer<typeof NamedSyncErrorCode>

/** A ledger transaction that failed commit validation: n is Fabric's TxValidationCode (fabric-protos), e.g. 10 ENDORSEMENT_POLICY_FAILURE. */
export const CommitInvalidCode = z.templateLiteral(['COMMIT_INVALID_', z.number().int().nonnegative()])
export type CommitInvalidCode = z.infer<typeof CommitInvalidCode>

/** Every code core can store for a failed or cancelled outbox job. */
export const SyncErrorCode = z.union([NamedSyncErrorCode, CommitInvalidCode])
export type SyncErrorCode = z.infer<typeof SyncErrorCode>

/**
 * A code as read back from a database: one of SyncErrorCode, or a code an older version wrote (old databases
 * exist), which the page shows by its stored message. Typed so that known codes still autocomplete.
 */
export const StoredSyncErrorCode = z.string() as unknown as z.ZodType<SyncErrorCode | (string & Record<never, never>)>
