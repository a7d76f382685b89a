import { expect, it } from 'vitest'
import { DeadlineError, ledgerReadFailure } from './remote-code'

/** A gateway error as @hyperledger/fabric-gateway throws it: gRPC code, message, and the peers' details. */
function gatewayError(code: number, message: string, details: string[] = []): Error {
  return Object.assign(new Error(message), { code, details: details.map((m) => ({ address: 'peer0:7051', mspId: 'PuskesmasMSP', message: m })) })
}

// The card check reports the ledger reachable exactly when the problem is not UNREACHABLE, and shows NOT_RECORDED
// for notFound: both read from this one classification.
it.each([
  { name: 'our deadline passed', err: new DeadlineError('Ledger: no answer in 4 s'), problem: 'UNREACHABLE', notFound: false },
  { name: 'no connection (grpc-js UNAVAILABLE, no answer)', err: gatewayError(14, '14 UNAVAILABLE: No connection established'), problem: 'UNREACHABLE', notFound: false },
  { name: 'the card is not on the ledger', err: gatewayError(2, 'evaluate failed', ['chaincode response 500, NOT_FOUND: card 0001']), problem: 'OTHER', notFound: true },
  { name: 'the chaincode forbids the read', err: gatewayError(2, 'evaluate failed', ['chaincode response 500, FORBIDDEN: not a member']), problem: 'FORBIDDEN', notFound: false },
  {
    name: 'the peer refuses the certificate',
    err: gatewayError(9, '9 FAILED_PRECONDITION: evaluate', ['error validating proposal: access denied: channel [bpjs-main] creator org [PuskesmasMSP]']),
    problem: 'IDENTITY_REFUSED',
    notFound: false,
  },
])('$name: $problem, notFound $notFound', ({ err, problem, notFound }) => {
  expect(ledgerReadFailure(err)).toEqual({ problem, notFound })
})
