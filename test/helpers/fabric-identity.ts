import { enrolClient, registerClient, type ClientRole } from '../../tools/ledger/ca'

/** An org of the local network a test acts as. */
export type TestOrg = 'BPJS' | 'RS' | 'Puskesmas'

/** A client identity enrolled at its org's Fabric CA for one test run (the key never leaves the process). */
export interface TestIdentity {
  mspId: string
  /** Enrolment certificate (PEM) with the `kdPPK` and `role` attributes. */
  certPem: string
  /** PKCS#8 private key (PEM). */
  keyPem: string
  enrollmentId: string
}

/** The faskes code a workstation of each facility org gets unless a test names another. */
export const DEFAULT_KDPPK: Record<Exclude<TestOrg, 'BPJS'>, string> = { RS: '0101R001', Puskesmas: '0114U163' }

/**
 * Registers a fresh client identity at `org`'s CA with the network's registrar (maxEnrollments 1) and enrols it,
 * asking for the attributes it carries, the way an org admin and a workstation do (tools/ledger/ca.ts,
 * fabric-ca-client). Defaults: RS `0101R001` and Puskesmas `0114U163` workstations, a BPJS client with role `bpjs` and
 * no faskes code. Any combination is allowed (an RS `bpjs`, a BPJS `workstation`), so tests can check the chaincode
 * refuses what it must. Needs the network up (throws with the network:up hint otherwise).
 */
export async function enrolTestIdentity(org: TestOrg, opts: { kdPPK?: string; role?: ClientRole } = {}): Promise<TestIdentity> {
  const role = opts.role ?? (org === 'BPJS' ? 'bpjs' : 'workstation')
  const kdPPK = opts.kdPPK ?? (role === 'workstation' && org !== 'BPJS' ? DEFAULT_KDPPK[org] : undefined)
  const reg = await registerClient(org, { kdPPK, role, unchecked: true })
  const { certPem, keyPem } = await enrolClient(org, reg.enrollmentId, reg.secret, kdPPK ? ['kdPPK', 'role'] : ['role'])
  return { mspId: `${org}MSP`, certPem, keyPem, enrollmentId: reg.enrollmentId }
}
