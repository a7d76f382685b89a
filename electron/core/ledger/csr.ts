import { createHash, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto'
import { CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr'
import { AsnConvert } from '@peculiar/asn1-schema'
import { AlgorithmIdentifier, AttributeTypeAndValue, AttributeValue, Certificate, Name, RelativeDistinguishedName, SubjectPublicKeyInfo } from '@peculiar/asn1-x509'

/**
 * Signs a SHA-256 digest and answers the ECDSA signature DER-encoded (SEQUENCE { r, s }), as fabric-gateway's
 * signers do (`signers.newPrivateKeySigner`, `newHSMSignerFactory().newSigner`): the same function signs the CSR,
 * the CA's re-enrolment token and the ledger's proposals.
 */
export type DigestSigner = (digest: Uint8Array) => Promise<Uint8Array>

const OID_CN = '2.5.4.3'
const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2'
/** Fabric CA's attribute extension: its value is JSON `{"attrs":{"name":"value",…}}` (fabric-ca lib/attrmgr AttrOID). */
const OID_FABRIC_ATTRS = '1.2.3.4.5.6.7.8.1'

const pem = (label: string, der: ArrayBuffer | Uint8Array) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END ${label}-----\n`

/** SubjectPublicKeyInfo DER of a P-256 public key given as its uncompressed point (0x04 || X || Y, 65 bytes). */
export function p256Spki(point: Uint8Array): Buffer {
  if (point.length !== 65 || point[0] !== 4) throw new Error('expected an uncompressed P-256 point (65 bytes)')
  const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64url')
  const jwk = { kty: 'EC', crv: 'P-256', x: b64(point.subarray(1, 33)), y: b64(point.subarray(33)) }
  return createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'der' })
}

/**
 * A PKCS#10 certificate request (PEM) for `commonName` over `spkiDer`, signed ecdsa-with-SHA256 by `sign`. Fabric CA
 * requires the subject CN to equal the enrolment id (fabric-ca lib/serverenroll.go processSignRequest); the request
 * carries no extensions or attributes: the CA adds the identity's attributes itself (attr_reqs).
 */
export async function buildCsr(commonName: string, spkiDer: Uint8Array, sign: DigestSigner): Promise<string> {
  const subject = new Name([new RelativeDistinguishedName([new AttributeTypeAndValue({ type: OID_CN, value: new AttributeValue({ utf8String: commonName }) })])])
  const info = new CertificationRequestInfo({ version: 0, subject, subjectPKInfo: AsnConvert.parse(spkiDer, SubjectPublicKeyInfo) })
  const infoDer = Buffer.from(AsnConvert.serialize(info))
  const signature = await sign(createHash('sha256').update(infoDer).digest())
  const req = new CertificationRequest({
    certificationRequestInfo: info,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: OID_ECDSA_SHA256 }),
    signature: signature.slice().buffer,
  })
  return pem('CERTIFICATE REQUEST', AsnConvert.serialize(req))
}

/** Splits PEM text into its certificates (a chain file, Fabric CA's CAChain). Non-certificate blocks are ignored. */
export function splitPemCertificates(text: string): string[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => `${m[0]}\n`)
}

/** What the workstation reads from its enrolment certificate. Times are ms since the epoch. */
export interface CertFacts {
  subjectCN: string | null
  /** Fabric CA attributes (ecert=true ones the enrolment asked for): e.g. { kdPPK: '0114U163', role: 'workstation' }. */
  attrs: Record<string, string>
  notBefore: number
  notAfter: number
  serialNumber: string
  /** SubjectPublicKeyInfo DER of the certified key. */
  spki: Buffer
}

/** Reads the facts the enrolment checks from one PEM certificate. Throws on text that is not a certificate. */
export function certFacts(certPem: string): CertFacts {
  const x = new X509Certificate(certPem)
  const parsed = AsnConvert.parse(x.raw, Certificate)
  let attrs: Record<string, string> = {}
  const ext = parsed.tbsCertificate.extensions?.find((e) => e.extnID === OID_FABRIC_ATTRS)
  if (ext) {
    const json = JSON.parse(Buffer.from(ext.extnValue.buffer).toString('utf8')) as { attrs?: Record<string, unknown> }
    attrs = Object.fromEntries(Object.entries(json.attrs ?? {}).map(([k, v]) => [k, String(v)]))
  }
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(x.subject)?.[1] ?? null
  return {
    subjectCN: cn,
    attrs,
    notBefore: Date.parse(x.validFrom),
    notAfter: Date.parse(x.validTo),
    serialNumber: x.serialNumber,
    spki: x.publicKey.export({ type: 'spki', format: 'der' }),
  }
}

/** SPKI DER of a Node key (private or public). */
export function spkiOf(key: KeyObject): Buffer {
  return createPublicKey(key).export({ type: 'spki', format: 'der' })
}
