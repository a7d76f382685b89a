import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { dirname } from 'node:path'
import { AsnConvert, OctetString } from '@peculiar/asn1-schema'
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_subjectAltName,
  id_kp_clientAuth,
  id_kp_serverAuth,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509'

const OID_CN = '2.5.4.3'
const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2'
/** Ten years: the certificate is pinned by fingerprint at pairing, so its expiry is not what keeps it honest. */
const VALIDITY_MS = 10 * 365 * 24 * 3600 * 1000

/** A P-256 key and its self-signed certificate, both PEM. */
export interface KeyAndCert {
  keyPem: string
  certPem: string
}

/**
 * A fresh P-256 key pair and a self-signed X.509 v3 certificate over it (ecdsa-with-SHA256), built with
 * @peculiar/asn1-x509 and signed by node:crypto. `names` go into subjectAltName (IP addresses as iPAddress, others as
 * dNSName); the hub's certificate is for serverAuth, a desk's for clientAuth (mTLS). Trust never comes from a CA here:
 * each side pins the other's exact certificate (hub: by pairing, desk: by its recorded fingerprint).
 */
export function selfSignedCertificate(commonName: string, names: readonly string[], usage: 'server' | 'client', now = Date.now()): KeyAndCert {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const subject = new Name([new RelativeDistinguishedName([new AttributeTypeAndValue({ type: OID_CN, value: new AttributeValue({ utf8String: commonName }) })])])
  const algorithm = new AlgorithmIdentifier({ algorithm: OID_ECDSA_SHA256 })
  const extensions: Extension[] = [
    new Extension({ extnID: id_ce_basicConstraints, critical: true, extnValue: asnOctets(new BasicConstraints({ cA: false })) }),
    new Extension({ extnID: id_ce_extKeyUsage, extnValue: asnOctets(new ExtendedKeyUsage([usage === 'server' ? id_kp_serverAuth : id_kp_clientAuth])) }),
  ]
  if (names.length > 0) {
    const san = new SubjectAlternativeName(names.map((n) => new GeneralName(isIP(n) ? { iPAddress: n } : { dNSName: n })))
    extensions.push(new Extension({ extnID: id_ce_subjectAltName, extnValue: asnOctets(san) }))
  }
  // A positive 16-byte serial, as RFC 5280 4.1.2.2 asks: high bit cleared (positive) and the next one set, so the first
  // byte is never 0 (a leading 0x00 before a byte < 0x80 is non-minimal DER, which OpenSSL refuses: 'illegal padding').
  const serial = randomBytes(16)
  serial[0] = (serial[0] & 0x7f) | 0x40
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serial.buffer.slice(serial.byteOffset, serial.byteOffset + serial.length),
    signature: algorithm,
    issuer: subject,
    validity: new Validity({ notBefore: new Date(now - 60_000), notAfter: new Date(now + VALIDITY_MS) }),
    subject,
    subjectPublicKeyInfo: AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo),
    extensions: new Extensions(extensions),
  })
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs))
  const signature = sign('sha256', tbsDer, { key: privateKey, dsaEncoding: 'der' })
  const cert = new Certificate({ tbsCertificate: tbs, signatureAlgorithm: algorithm, signatureValue: signature.buffer.slice(signature.byteOffset, signature.byteOffset + signature.length) })
  return { keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), certPem: pem('CERTIFICATE', AsnConvert.serialize(cert)) }
}

/** SHA-256 of a certificate's DER, lower-case hex without separators: what pairing authenticates and desks pin. */
export function certFingerprint(certPem: string): string {
  return createHash('sha256').update(new X509Certificate(certPem).raw).digest('hex')
}

/** SHA-256 of a certificate's DER as Node's TLS gives it (`getPeerCertificate().raw`), same form as certFingerprint. */
export function derFingerprint(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex')
}

/**
 * The hub's TLS key and certificate from `keyFile`/`certFile` (mode 0600), made once when missing. A certificate whose
 * key is not the stored key is an error, never silently replaced: every paired desk pins it, so a new one means
 * pairing all desks again (docs/hub.md).
 */
export function loadOrCreateHubCertificate(keyFile: string, certFile: string, names: readonly string[]): KeyAndCert {
  if (existsSync(keyFile) && existsSync(certFile)) {
    const keyPem = readFileSync(keyFile, 'utf8')
    const certPem = readFileSync(certFile, 'utf8')
    if (!new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem))) throw new Error(`${certFile} does not belong to ${keyFile}`)
    return { keyPem, certPem }
  }
  const made = selfSignedCertificate('Faskes hub', names, 'server')
  writePrivateFile(keyFile, made.keyPem)
  writePrivateFile(certFile, made.certPem)
  return made
}

/** Writes `text` owner-only (0600) through a temp file and rename, so a crash never leaves half a key. */
export function writePrivateFile(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, text, { mode: 0o600 })
  if (process.platform !== 'win32') chmodSync(tmp, 0o600)
  renameSync(tmp, file)
}

/** An extension's value: the DER of its ASN.1 structure inside an OCTET STRING. */
function asnOctets(value: object): OctetString {
  return new OctetString(AsnConvert.serialize(value))
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`
}
