import { execFileSync } from 'node:child_process'
import { createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { signers } from '@hyperledger/fabric-gateway'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../../test/helpers/tmp'
import { caFailure, caToken, EnrolmentError, transportFailure } from './ca-client'
import { buildCsr, certFacts, spkiOf } from './csr'
import { checkEnrolment, renewalDue, type EnrolledIdentity } from './enrolment'
import { ecPointFromDer } from './pkcs11'

const tmp = tempDir('faskes-enrol-unit-')
afterAll(() => tmp.cleanup())
const file = (name: string, text?: string) => {
  const p = path.join(tmp.dir, name)
  if (text !== undefined) writeFileSync(p, text)
  return p
}
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: tmp.dir, stdio: 'pipe' }).toString()
const ecKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
const pemKey = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }).toString()

/** A self-signed root like Fabric CA's (cryptogen's org CA), made with openssl. */
function rootCa(name: string): { cert: string; keyFile: string; certFile: string } {
  const keyFile = file(`${name}.key`, pemKey(ecKey()))
  const certFile = file(`${name}.pem`)
  openssl('req', '-x509', '-new', '-key', keyFile, '-subj', `/CN=${name}`, '-days', '30', '-out', certFile)
  return { cert: readFileSync(certFile, 'utf8'), keyFile, certFile }
}

/**
 * A certificate for `csrPem` signed by `ca`, with Fabric CA's attribute extension (OID 1.2.3.4.5.6.7.8.1, JSON
 * `{"attrs":{…}}` as the raw extension value: fabric-ca lib/attrmgr) when attrs are given.
 */
function issue(ca: { keyFile: string; certFile: string }, csrPem: string, attrs: Record<string, string> | null, days = 30): string {
  const csr = file('req.csr', csrPem)
  const ext = file('ext.cnf', attrs ? `1.2.3.4.5.6.7.8.1=DER:${Buffer.from(JSON.stringify({ attrs })).toString('hex')}\n` : 'basicConstraints=CA:FALSE\n')
  const out = file('leaf.pem')
  openssl('x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial', '-days', String(days), '-extfile', ext, '-out', out)
  return readFileSync(out, 'utf8')
}

describe('CSR', () => {
  it('is a PKCS#10 request for the enrolment id over our key, with a signature openssl verifies', async () => {
    const key = ecKey()
    const csr = await buildCsr('ws-0114u163-abcdef', spkiOf(key), signers.newPrivateKeySigner(key))
    const text = openssl('req', '-in', file('a.csr', csr), '-noout', '-verify', '-subject', '-pubkey')
    expect(text).toContain('CN = ws-0114u163-abcdef')
    expect(text).toContain(createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString().trim())
    // The same request signed by another key than the one it names fails openssl's check.
    const forged = await buildCsr('ws-0114u163-abcdef', spkiOf(key), signers.newPrivateKeySigner(ecKey()))
    const check = (() => {
      try {
        return openssl('req', '-in', file('b.csr', forged), '-noout', '-verify')
      } catch (err) {
        return String((err as { stderr?: Buffer }).stderr ?? err)
      }
    })()
    expect(check).not.toMatch(/verify OK/)
  })
})

describe('checkEnrolment', () => {
  const root = rootCa('ca-puskesmas')
  const other = rootCa('ca-other')
  const expect0 = { enrollmentId: 'ws-0114u163-abcdef', kdPPK: '0114U163', role: 'workstation' }
  // openssl's notBefore is the second of signing: check a moment later, as a real enrolment does.
  const now = () => Date.now() + 2000

  it('accepts a certificate for our key with the attributes, chained to the CA chain, and reads its facts', async () => {
    const key = ecKey()
    const cert = issue(root, await buildCsr(expect0.enrollmentId, spkiOf(key), signers.newPrivateKeySigner(key)), { kdPPK: '0114U163', role: 'workstation', 'hf.EnrollmentID': expect0.enrollmentId })
    const facts = checkEnrolment({ certPem: cert, chainPem: root.cert }, spkiOf(key), expect0, now())
    expect(facts.attrs).toMatchObject({ kdPPK: '0114U163', role: 'workstation' })
    expect(facts.subjectCN).toBe(expect0.enrollmentId)
    expect(facts.notAfter - facts.notBefore).toBeGreaterThan(29 * 86_400_000)
  })

  it.each([
    ['another public key', async () => {
      const stranger = ecKey()
      return { cert: issue(root, await buildCsr(expect0.enrollmentId, spkiOf(stranger), signers.newPrivateKeySigner(stranger)), { kdPPK: '0114U163', role: 'workstation' }), chain: root.cert }
    }, /another public key/],
    ['no attributes', async (key: KeyObject) => ({ cert: issue(root, await buildCsr(expect0.enrollmentId, spkiOf(key), signers.newPrivateKeySigner(key)), null), chain: root.cert }), /no kdPPK/],
    ['another faskes code', async (key: KeyObject) => ({ cert: issue(root, await buildCsr(expect0.enrollmentId, spkiOf(key), signers.newPrivateKeySigner(key)), { kdPPK: '0101R001', role: 'workstation' }), chain: root.cert }), /0101R001, settings say 0114U163/],
    ['the bpjs role', async (key: KeyObject) => ({ cert: issue(root, await buildCsr(expect0.enrollmentId, spkiOf(key), signers.newPrivateKeySigner(key)), { kdPPK: '0114U163', role: 'bpjs' }), chain: root.cert }), /role is bpjs/],
    ['another enrolment id', async (key: KeyObject) => ({ cert: issue(root, await buildCsr('ws-someone-else', spkiOf(key), signers.newPrivateKeySigner(key)), { kdPPK: '0114U163', role: 'workstation' }), chain: root.cert }), /names ws-someone-else/],
    ['a chain of another CA', async (key: KeyObject) => ({ cert: issue(root, await buildCsr(expect0.enrollmentId, spkiOf(key), signers.newPrivateKeySigner(key)), { kdPPK: '0114U163', role: 'workstation' }), chain: other.cert }), /no certificate in the CA chain/],
    ['no chain', async (key: KeyObject) => ({ cert: issue(root, await buildCsr(expect0.enrollmentId, spkiOf(key), signers.newPrivateKeySigner(key)), { kdPPK: '0114U163', role: 'workstation' }), chain: '' }), /no certificate chain/],
  ])('refuses a certificate with %s (badCert, nothing to store)', async (_name, make, message) => {
    const key = ecKey()
    const { cert, chain } = await make(key)
    let caught: unknown
    try {
      checkEnrolment({ certPem: cert, chainPem: chain }, spkiOf(key), expect0, now())
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(EnrolmentError)
    expect(caught).toMatchObject({ failure: 'badCert', code: 'CONFLICT', key: 'ledger.certRefused' })
    expect((caught as EnrolmentError).detail).toMatch(message)
  })

  it('refuses a certificate that is not valid at this computer’s time', async () => {
    const key = ecKey()
    const cert = issue(root, await buildCsr(expect0.enrollmentId, spkiOf(key), signers.newPrivateKeySigner(key)), { kdPPK: '0114U163', role: 'workstation' })
    expect(() => checkEnrolment({ certPem: cert, chainPem: root.cert }, spkiOf(key), expect0, now() + 40 * 86_400_000)).toThrow(/not valid now/)
  })
})

describe('re-enrolment timing', () => {
  const id = (notBefore: number, notAfter: number) => ({ kind: 'software', notBefore, notAfter }) as EnrolledIdentity
  it('is due once less than a third of the validity is left', () => {
    const day = 86_400_000
    // A 300-day certificate: due from day 200 on.
    expect(renewalDue(id(0, 300 * day), 199 * day)).toBe(false)
    expect(renewalDue(id(0, 300 * day), 201 * day)).toBe(true)
    expect(renewalDue(id(0, 300 * day), 400 * day)).toBe(true)
  })
})

describe('Fabric CA answers in staff words', () => {
  it('maps the generic authentication failure (wrong, unknown or used secret) to one sentence', () => {
    const e = caFailure(401, [{ code: 20, message: 'Authentication failure' }])
    expect(e).toMatchObject({ failure: 'auth', code: 'FORBIDDEN', key: 'ledger.caAuth' })
    expect(e.message).toMatch(/sudah pernah dipakai/)
    expect(e.message).toContain('20: Authentication failure')
  })
  it('tells a locked identity, a registration without attributes and any other refusal apart', () => {
    expect(caFailure(401, [{ code: 73, message: 'Incorrect password entered 10 times' }]).failure).toBe('locked')
    expect(caFailure(500, [{ code: 0, message: 'Failed to find requested attributes: The following required attributes are missing: [kdPPK]' }]).failure).toBe('missingAttr')
    expect(caFailure(403, [{ code: 62, message: 'The CSR subject common name must equal the enrollment ID' }]).failure).toBe('refused')
  })
  it('says TLS for a certificate mismatch and unreachable for a closed port or a timeout', () => {
    expect(transportFailure(Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }))).toMatchObject({ failure: 'tls', key: 'ledger.caTls' })
    expect(transportFailure(Object.assign(new Error("Hostname/IP does not match certificate's altnames"), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' })).failure).toBe('tls')
    expect(transportFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toMatchObject({ failure: 'unreachable', code: 'UNAVAILABLE' })
    expect(transportFailure(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })).failure).toBe('unreachable')
  })
})

describe('the re-enrolment token', () => {
  it('is base64(cert) "." base64(signature over method.b64(uri).b64(body).b64(cert)) by the current key', async () => {
    const key = ecKey()
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
    const token = await caToken('POST', '/api/v1/reenroll', '{"a":1}', cert, signers.newPrivateKeySigner(key))
    const [b64cert, b64sig] = token.split('.')
    expect(Buffer.from(b64cert, 'base64').toString()).toBe(cert)
    const b64 = (s: string) => Buffer.from(s).toString('base64')
    const payload = `POST.${b64('/api/v1/reenroll')}.${b64('{"a":1}')}.${b64(cert)}`
    expect(verify('sha256', Buffer.from(payload), createPublicKey(key), Buffer.from(b64sig, 'base64'))).toBe(true)
    expect(verify('sha256', Buffer.from(payload.replace('POST', 'GET')), createPublicKey(key), Buffer.from(b64sig, 'base64'))).toBe(false)
  })
})

describe('CKA_EC_POINT', () => {
  it('accepts the DER OCTET STRING a token answers and the raw point, and refuses anything else', () => {
    const point = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)])
    expect(Buffer.from(ecPointFromDer(Buffer.concat([Buffer.from([4, 65]), point])))).toEqual(point)
    expect(Buffer.from(ecPointFromDer(point))).toEqual(point)
    expect(() => ecPointFromDer(Buffer.alloc(33, 2))).toThrow(/unexpected/)
  })
  it('facts of a certificate give the SPKI of its key', () => {
    const root = rootCa('ca-facts')
    expect(certFacts(root.cert).spki.equals(createPublicKey(readFileSync(root.keyFile)).export({ type: 'spki', format: 'der' }))).toBe(true)
  })
})
