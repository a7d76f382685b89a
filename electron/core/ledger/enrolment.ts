import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { signers } from '@hyperledger/fabric-gateway'
import type { LedgerEnrolInput, LedgerIdentity, Settings } from '../../contract'
import type { FabricMsp } from '../credentials'
import { AppError, fieldError, msg } from '../errors'
import type { SettingsStore } from '../settings'
import { enrol, EnrolmentError, reenrol, register, type CaEndpoint, type Enrolled } from './ca-client'
import { buildCsr, certFacts, splitPemCertificates, spkiOf, type CertFacts, type DigestSigner } from './csr'
import { destroyTokenKey, generateTokenKey, tokenSigner, type TokenKeyRef } from './pkcs11'

/** An enrolled identity as settings hold it (LedgerIdentity without 'none'). */
export type EnrolledIdentity = Exclude<LedgerIdentity, { kind: 'none' }>

/**
 * The keychain items of the ledger identity (CredentialStore implements it; tests pass a map). The software key and
 * its certificate are ONE item (`fabric-key:<msp>`: key PEM then certificate PEM), written in one call, so a crash
 * between "new key" and "new certificate" can never leave a key without its certificate.
 */
export interface LedgerKeychain {
  fabricKey(msp: FabricMsp): Promise<string | null>
  setFabricIdentity(msp: FabricMsp, keyPem: string, certPem: string): Promise<void>
  fabricPin(msp: FabricMsp): Promise<string | null>
  setFabricPin(msp: FabricMsp, pin: string): Promise<void>
}

/** How the new key is made: in memory (then kept in the keychain) or inside a PKCS#11 token (PIN kept in the keychain). */
export type SignerChoice = { kind: 'software' } | ({ kind: 'pkcs11'; pin: string } & TokenKeyRef)

/** The keychain account suffix of an org's identity: `<org>MSP` (one workstation identity per org and install). */
const keychainMsp = (org: Settings['ledger']['org']): FabricMsp => `${org}MSP`

/** The MSP id the workstation signs as: the settings' own, else the local network's `<org>MSP`. */
export const effectiveMspId = (l: Settings['ledger']): string => l.mspId ?? `${l.org}MSP`

/**
 * Whether the faskes code in the settings is not the one in this workstation's certificate, against a real peer
 * (`peerEndpoint` set): the chaincode takes every write's kdPPK from the certificate, so nothing may be sent
 * (IDENTITY_KDPPK_MISMATCH) until the workstation is enrolled again for the settings' code. The demo network's identity
 * re-enrols by itself, and a BPJS officer's client carries no faskes code: neither is a mismatch.
 */
export function kdppkMismatch(settings: Settings): boolean {
  const { identity, peerEndpoint } = settings.ledger
  return peerEndpoint !== null && identity.kind !== 'none' && identity.role === 'workstation' && identity.kdPPK !== settings.kdPPK
}

/** Re-enrol once less than this share of the certificate's validity is left (checked at start and daily). */
const RENEW_FRACTION = 1 / 3

/** True when `identity` has less than a third of its validity left at `now` (ms). */
export function renewalDue(identity: EnrolledIdentity, now: number): boolean {
  return identity.notAfter - now < (identity.notAfter - identity.notBefore) * RENEW_FRACTION
}

/**
 * Checks what the CA answered before anything is stored: the certificate certifies OUR public key, names the
 * enrolment id, carries the `kdPPK` and `role` attributes (kdPPK equal to the faskes code in settings when one is
 * expected), is valid now, and chains to the CA chain the server returned (each link's signature verified, ending in
 * a self-signed root). Throws EnrolmentError('badCert') with what did not fit.
 */
export function checkEnrolment(got: Enrolled, spki: Buffer, expect: { enrollmentId: string; kdPPK: string | null; role: string }, now: number): CertFacts {
  const bad = (detail: string) => new EnrolmentError('badCert', detail)
  let facts: CertFacts
  try {
    facts = certFacts(got.certPem)
  } catch (err) {
    throw bad(`not a certificate (${(err as Error).message})`)
  }
  if (!facts.spki.equals(spki)) throw bad('the certificate is for another public key')
  if (facts.subjectCN !== expect.enrollmentId) throw bad(`the certificate names ${facts.subjectCN}, not ${expect.enrollmentId}`)
  if (!facts.attrs.kdPPK && expect.role === 'workstation') throw bad('the certificate has no kdPPK attribute')
  if (facts.attrs.role !== expect.role) throw bad(`the certificate's role is ${facts.attrs.role ?? 'missing'}, expected ${expect.role}`)
  if (expect.kdPPK !== null && facts.attrs.kdPPK !== expect.kdPPK) throw bad(`the certificate's faskes code is ${facts.attrs.kdPPK}, settings say ${expect.kdPPK}`)
  if (now < facts.notBefore || now > facts.notAfter) throw bad('the certificate is not valid now (check this computer\u2019s clock)')
  const chain = splitPemCertificates(got.chainPem).map((p) => new X509Certificate(p))
  if (chain.length === 0) throw bad('the CA sent no certificate chain')
  let child = new X509Certificate(got.certPem)
  for (let i = 0; i < chain.length + 1; i++) {
    const issuer = chain.find((c) => child.checkIssued(c) && child.verify(c.publicKey))
    if (!issuer) throw bad(`no certificate in the CA chain signed ${child.subject.replace(/\n/g, ', ')}`)
    if (issuer.checkIssued(issuer) && issuer.verify(issuer.publicKey)) return facts
    child = issuer
  }
  throw bad('the CA chain does not end in a root certificate')
}

/** A fresh key and what the CSR and the signatures need from it. `keep` stores it once the certificate checked out. */
interface NewKey {
  spki: Buffer
  sign: DigestSigner
  /** Stores the key (keychain or token PIN) with its certificate and answers the identity's key fields. */
  keep(certPem: string): Promise<Pick<Extract<EnrolledIdentity, { kind: 'pkcs11' }>, 'library' | 'tokenLabel' | 'keyLabel' | 'keyId'> | null>
  close(): void
}

async function newKey(choice: SignerChoice, msp: FabricMsp, keychain: LedgerKeychain): Promise<NewKey> {
  if (choice.kind === 'software') {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    return {
      spki: spkiOf(privateKey),
      sign: signers.newPrivateKeySigner(privateKey),
      keep: async (certPem) => (await keychain.setFabricIdentity(msp, keyPem, certPem), null),
      close: () => {},
    }
  }
  const ref: TokenKeyRef = { library: choice.library, tokenLabel: choice.tokenLabel, keyLabel: choice.keyLabel }
  let key: { keyId: string; spki: Buffer }
  let signer: { sign: DigestSigner; close(): void }
  try {
    key = await generateTokenKey(ref, choice.pin)
    signer = tokenSigner(ref, choice.pin, key.keyId)
  } catch (err) {
    throw new EnrolmentError('token', err instanceof Error ? err.message : String(err))
  }
  return {
    spki: key.spki,
    sign: signer.sign,
    keep: async () => (await keychain.setFabricPin(msp, choice.pin), { ...ref, keyId: key.keyId }),
    close: signer.close,
  }
}

/** Dependencies of the enrolment flows: the settings (where the identity is recorded) and the keychain. */
export interface EnrolmentDeps {
  settings: SettingsStore
  keychain: LedgerKeychain
  now?: () => number
}

/** The CA the settings name; INVALID_INPUT with the fields to fill when they are missing. */
export function settingsCa(l: Settings['ledger']): CaEndpoint {
  const missing = [!l.caUrl && 'ledger.caUrl', !l.caTlsCaPem && 'ledger.caTlsCaPem'].filter((f): f is string => !!f)
  if (missing.length) throw new AppError('INVALID_INPUT', msg('ledger.caUnset'), missing.map((f) => fieldError(f, msg('v.required'))))
  return { url: l.caUrl!, caName: null, tlsCaPem: l.caTlsCaPem! }
}

/**
 * Makes the key (in memory or in the token), its CSR, enrols with the one-time secret, checks the answer
 * (checkEnrolment) and only then stores the key (keychain / PIN) and the identity (settings). Nothing is stored when
 * any step fails. Errors: EnrolmentError (staff sentence per failure), AppError ledger.kdPPKUnset.
 */
async function enrolWith(deps: EnrolmentDeps, ca: CaEndpoint, input: { enrollmentId: string; secret: string; signer: SignerChoice; demo: boolean }): Promise<EnrolledIdentity> {
  const now = deps.now ?? Date.now
  const s = deps.settings.get()
  if (!s.kdPPK) throw new AppError('INVALID_INPUT', msg('ledger.kdPPKUnset'), [fieldError('kdPPK', msg('v.required'))])
  const msp = keychainMsp(s.ledger.org)
  const key = await newKey(input.signer, msp, deps.keychain)
  try {
    const csrPem = await buildCsr(input.enrollmentId, key.spki, key.sign)
    const got = await enrol(ca, { enrollmentId: input.enrollmentId, secret: input.secret, csrPem })
    const facts = checkEnrolment(got, key.spki, { enrollmentId: input.enrollmentId, kdPPK: s.kdPPK, role: 'workstation' }, now())
    const token = await key.keep(got.certPem)
    const identity = toIdentity(got, facts, { enrollmentId: input.enrollmentId, mspId: effectiveMspId(s.ledger), demo: input.demo, now: now() }, token)
    deps.settings.setLedgerIdentity(identity)
    return identity
  } finally {
    key.close()
  }
}

function toIdentity(
  got: Enrolled,
  facts: CertFacts,
  meta: { enrollmentId: string; mspId: string; demo: boolean; now: number },
  token: Awaited<ReturnType<NewKey['keep']>>,
): EnrolledIdentity {
  const base = {
    enrollmentId: meta.enrollmentId,
    mspId: meta.mspId,
    kdPPK: facts.attrs.kdPPK ?? null,
    role: facts.attrs.role === 'bpjs' ? ('bpjs' as const) : ('workstation' as const),
    certPem: got.certPem,
    chainPem: got.chainPem,
    notBefore: facts.notBefore,
    notAfter: facts.notAfter,
    enrolledAt: meta.now,
    demo: meta.demo,
  }
  return token ? { kind: 'pkcs11', ...base, ...token } : { kind: 'software', ...base }
}

/**
 * "Daftarkan workstation": enrols against the CA in the settings with the id and one-time secret the org admin gave.
 * See enrolWith for the checks and what is stored.
 */
export async function enrolWorkstation(deps: EnrolmentDeps, input: { enrollmentId: string; secret: string; signer: SignerChoice }): Promise<EnrolledIdentity> {
  const l = deps.settings.get().ledger
  return enrolWith(deps, settingsCa(l), { ...input, demo: false })
}

/**
 * The "Daftarkan workstation" action (channel ledger.enrol): enrolWorkstation with the process's keychain, answering
 * the new settings. UNAVAILABLE err.noKeychain when this process has none (the key would have nowhere to go).
 */
export async function enrolFromPage(settings: SettingsStore, keychain: LedgerKeychain | null, input: LedgerEnrolInput): Promise<Settings> {
  if (!keychain) throw new AppError('UNAVAILABLE', msg('err.noKeychain'))
  await enrolWorkstation({ settings, keychain }, input)
  return settings.get()
}

/** A signer for the stored identity and the certificate that goes with it. Null when the keychain lacks the key. */
export async function identitySigner(identity: EnrolledIdentity, org: Settings['ledger']['org'], keychain: LedgerKeychain): Promise<{ certPem: string; sign: DigestSigner; close(): void } | null> {
  const msp = keychainMsp(org)
  if (identity.kind === 'pkcs11') {
    const pin = await keychain.fabricPin(msp)
    if (!pin) return null
    try {
      return { certPem: identity.certPem, ...tokenSigner(identity, pin, identity.keyId) }
    } catch (err) {
      throw new EnrolmentError('token', err instanceof Error ? err.message : String(err))
    }
  }
  const item = await keychain.fabricKey(msp)
  const keyPem = item && /-----BEGIN (?:EC )?PRIVATE KEY-----[\s\S]+?-----END (?:EC )?PRIVATE KEY-----/.exec(item)?.[0]
  if (!keyPem) return null
  // The keychain item pairs the key with its own certificate (see LedgerKeychain); settings hold a copy for display.
  const certPem = splitPemCertificates(item)[0] ?? identity.certPem
  return { certPem, sign: signers.newPrivateKeySigner(createPrivateKey(keyPem)), close: () => {} }
}

/**
 * Re-enrols the stored identity when less than a third of its validity is left (renewalDue): a new key (in the
 * token for PKCS#11), a CSR, POST /reenroll authorised by the current key, the same checks as an enrolment, then
 * the new key and identity are stored; a superseded token key is removed. Answers the new identity, or null when
 * nothing was due. `ca` is the CA that enrolled it (settings or the demo CA).
 */
export async function renewIfDue(deps: EnrolmentDeps, ca: CaEndpoint): Promise<EnrolledIdentity | null> {
  const now = deps.now ?? Date.now
  const s = deps.settings.get()
  const current = s.ledger.identity
  if (current.kind === 'none' || !renewalDue(current, now())) return null
  const msp = keychainMsp(s.ledger.org)
  const old = await identitySigner(current, s.ledger.org, deps.keychain)
  if (!old) return null
  let key: NewKey
  try {
    const choice: SignerChoice =
      current.kind === 'pkcs11' ? { kind: 'pkcs11', library: current.library, tokenLabel: current.tokenLabel, keyLabel: current.keyLabel, pin: (await deps.keychain.fabricPin(msp))! } : { kind: 'software' }
    key = await newKey(choice, msp, deps.keychain)
  } catch (err) {
    old.close()
    throw err
  }
  try {
    const csrPem = await buildCsr(current.enrollmentId, key.spki, key.sign)
    const got = await reenrol(ca, { certPem: old.certPem, sign: old.sign, csrPem })
    const facts = checkEnrolment(got, key.spki, { enrollmentId: current.enrollmentId, kdPPK: current.kdPPK, role: current.role }, now())
    const token = await key.keep(got.certPem)
    const identity = toIdentity(got, facts, { enrollmentId: current.enrollmentId, mspId: current.mspId, demo: current.demo, now: now() }, token)
    deps.settings.setLedgerIdentity(identity)
    if (current.kind === 'pkcs11') {
      const pin = await deps.keychain.fabricPin(msp)
      if (pin) await destroyTokenKey(current, pin, current.keyId).catch(() => {})
    }
    return identity
  } finally {
    key.close()
    old.close()
  }
}

/** `network/.runtime/ca/<o>/registrar.json` as network:up writes it (the org admin's registrar for the demo CA). */
interface RegistrarFile {
  url: string
  caName: string
  enrollmentId: string
  secret: string
}

/** The demo CA of `org` in the local network's runtime folder: endpoint and registrar. Throws ledger.demoCaMissing. */
function demoCa(runtimeDir: string, org: Settings['ledger']['org']): { ca: CaEndpoint; registrar: RegistrarFile } {
  const dir = path.join(runtimeDir, 'ca', org.toLowerCase())
  const file = path.join(dir, 'registrar.json')
  const tls = path.join(dir, 'tls-cert.pem')
  if (!existsSync(file) || !existsSync(tls)) throw new AppError('UNAVAILABLE', msg('ledger.demoCaMissing', { detail: file }))
  const registrar = JSON.parse(readFileSync(file, 'utf8')) as RegistrarFile
  return { ca: { url: registrar.url, caName: registrar.caName, tlsCaPem: readFileSync(tls, 'utf8') }, registrar }
}

/** `ws-<kdppk lowercase>-<6 random base32>` (the design's enrolment id for a workstation). */
export function workstationEnrollmentId(kdPPK: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
  const tail = [...randomBytes(6)].map((b) => alphabet[b & 31]).join('')
  return `ws-${kdPPK.toLowerCase()}-${tail}`
}

/**
 * Registers a fresh identity at `ca` as its registrar (enrolled for this call only: its key never leaves memory)
 * and answers the new id and one-time secret. For the demo path and tests; an org admin uses ledger:register.
 */
export async function registerWithRegistrar(
  ca: CaEndpoint,
  registrar: { enrollmentId: string; secret: string },
  r: { id: string; attrs: Record<string, string>; maxEnrollments?: number },
): Promise<{ enrollmentId: string; secret: string }> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const sign = signers.newPrivateKeySigner(privateKey)
  const admin = await enrol(ca, { enrollmentId: registrar.enrollmentId, secret: registrar.secret, csrPem: await buildCsr(registrar.enrollmentId, spkiOf(privateKey), sign), attrs: [] })
  const secret = await register(ca, { certPem: admin.certPem, sign }, { id: r.id, type: 'client', maxEnrollments: r.maxEnrollments ?? 1, attrs: r.attrs })
  return { enrollmentId: r.id, secret }
}

/**
 * The demo path (peerEndpoint null): the identity stored for the demo is kept while it is for this org, MSP and
 * faskes code and its key is in the keychain; otherwise a new workstation is registered at the org's local CA with
 * the network's registrar and enrolled exactly like a real one (software key in the keychain, identity in settings).
 * No cryptogen user key is involved.
 */
export async function ensureDemoIdentity(deps: EnrolmentDeps, runtimeDir: string): Promise<{ identity: EnrolledIdentity; ca: CaEndpoint }> {
  const s = deps.settings.get()
  const { ca, registrar } = demoCa(runtimeDir, s.ledger.org)
  const id = s.ledger.identity
  if (id.kind !== 'none' && id.demo && id.mspId === effectiveMspId(s.ledger) && id.kdPPK === s.kdPPK && (await identitySigner(id, s.ledger.org, deps.keychain))) {
    return { identity: (await renewIfDue(deps, ca)) ?? id, ca }
  }
  if (!s.kdPPK) throw new AppError('UNAVAILABLE', msg('ledger.kdPPKUnset'))
  const reg = await registerWithRegistrar(ca, registrar, { id: workstationEnrollmentId(s.kdPPK), attrs: { kdPPK: s.kdPPK, role: 'workstation' } })
  return { identity: await enrolWith(deps, ca, { ...reg, signer: { kind: 'software' }, demo: true }), ca }
}
