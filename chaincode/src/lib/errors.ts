/**
 * Every chaincode error message starts with a machine prefix so that clients (the ledger worker,
 * integration tests) can classify failures without parsing prose. The peer wraps the message
 * (e.g. "chaincode response 500, INVALID: ..."), so clients should search for the prefix.
 */
export type ErrorKind = 'INVALID' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'STATE' | 'CLOCK';

class ChaincodeError extends Error {
  constructor(readonly kind: ErrorKind, detail: string) {
    super(`${kind}: ${detail}`);
    this.name = 'ChaincodeError';
  }
}

export function fail(kind: ErrorKind, detail: string): never {
  throw new ChaincodeError(kind, detail);
}
