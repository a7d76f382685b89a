import { randomBytes } from 'node:crypto'
import { signers, type HSMSignerFactory } from '@hyperledger/fabric-gateway'
import type * as Pkcs11Module from 'pkcs11js'
import { p256Spki, type DigestSigner } from './csr'

/** Where a workstation's key lives in a PKCS#11 token: the module (.so/.dll), the token's label and the key's label. */
export interface TokenKeyRef {
  library: string
  tokenLabel: string
  keyLabel: string
}

/** DER of the P-256 curve's OID (1.2.840.10045.3.1.7), the CKA_EC_PARAMS of a P-256 key. */
const P256_PARAMS = Buffer.from('06082a8648ce3d030107', 'hex')

/**
 * One fabric-gateway HSM signer factory per PKCS#11 module and process: the factory calls C_Initialize, and a module
 * may be initialised only once per process (a second call answers CKR_CRYPTOKI_ALREADY_INITIALIZED).
 */
const factories = new Map<string, HSMSignerFactory>()
function factory(library: string): HSMSignerFactory {
  let f = factories.get(library)
  if (!f) {
    f = signers.newHSMSignerFactory(library)
    factories.set(library, f)
  }
  return f
}

/** pkcs11js, loaded on first use so a workstation without a token never loads the native module. */
async function pkcs11js(): Promise<typeof Pkcs11Module> {
  const mod = (await import('pkcs11js')) as typeof Pkcs11Module & { default?: typeof Pkcs11Module }
  return mod.default && 'PKCS11' in mod.default ? mod.default : mod
}

/**
 * Runs `work` in a logged-in read/write session of the token named `tokenLabel`. The module is initialised through
 * the process-wide signer factory first (see `factory`), so this never initialises or finalises it itself.
 */
async function withSession<T>(ref: TokenKeyRef, pin: string, work: (p: Pkcs11Module.PKCS11, session: Buffer, P: typeof Pkcs11Module) => T): Promise<T> {
  factory(ref.library)
  const P = await pkcs11js()
  const p = new P.PKCS11()
  p.load(ref.library)
  try {
    p.C_Initialize()
  } catch (err) {
    if ((err as { code?: number }).code !== P.CKR_CRYPTOKI_ALREADY_INITIALIZED) throw err
  }
  const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trim() === ref.tokenLabel)
  if (!slot) throw new Error(`PKCS#11 token "${ref.tokenLabel}" not found in ${ref.library}`)
  const session = p.C_OpenSession(slot, P.CKF_SERIAL_SESSION | P.CKF_RW_SESSION)
  try {
    try {
      p.C_Login(session, P.CKU_USER, pin)
    } catch (err) {
      if ((err as { code?: number }).code !== P.CKR_USER_ALREADY_LOGGED_IN) throw err
    }
    return work(p, session, P)
  } finally {
    p.C_CloseSession(session)
  }
}

/** A key pair made inside the token: its CKA_ID (hex, what the signer finds it by) and its public key as SPKI DER. */
export interface TokenKey {
  keyId: string
  spki: Buffer
}

/**
 * Generates a P-256 key pair inside the token (CKM_EC_KEY_PAIR_GEN): the private key is a token object, sensitive
 * and not extractable, labelled `keyLabel` with a fresh random CKA_ID. Throws the module's error (e.g. CKR_PIN_INCORRECT).
 */
export async function generateTokenKey(ref: TokenKeyRef, pin: string): Promise<TokenKey> {
  const id = randomBytes(16)
  return withSession(ref, pin, (p, session, P) => {
    const common = [
      { type: P.CKA_TOKEN, value: true },
      { type: P.CKA_KEY_TYPE, value: P.CKK_EC },
      { type: P.CKA_ID, value: id },
      { type: P.CKA_LABEL, value: ref.keyLabel },
    ]
    const keys = p.C_GenerateKeyPair(
      session,
      { mechanism: P.CKM_EC_KEY_PAIR_GEN },
      [...common, { type: P.CKA_CLASS, value: P.CKO_PUBLIC_KEY }, { type: P.CKA_EC_PARAMS, value: P256_PARAMS }, { type: P.CKA_VERIFY, value: true }],
      [
        ...common,
        { type: P.CKA_CLASS, value: P.CKO_PRIVATE_KEY },
        { type: P.CKA_PRIVATE, value: true },
        { type: P.CKA_SENSITIVE, value: true },
        { type: P.CKA_EXTRACTABLE, value: false },
        { type: P.CKA_SIGN, value: true },
      ],
    )
    const [attr] = p.C_GetAttributeValue(session, keys.publicKey, [{ type: P.CKA_EC_POINT }])
    return { keyId: id.toString('hex'), spki: p256Spki(ecPointFromDer(attr.value as Buffer)) }
  })
}

/**
 * Removes a superseded key pair (after a re-enrolment) from the token. Best effort: a key that is already gone is
 * not an error.
 */
export async function destroyTokenKey(ref: TokenKeyRef, pin: string, keyId: string): Promise<void> {
  await withSession(ref, pin, (p, session, P) => {
    p.C_FindObjectsInit(session, [{ type: P.CKA_ID, value: Buffer.from(keyId, 'hex') }])
    const found = p.C_FindObjects(session, 10)
    p.C_FindObjectsFinal(session)
    for (const h of found) p.C_DestroyObject(session, h)
  })
}

/**
 * CKA_EC_POINT is the point wrapped in a DER OCTET STRING (PKCS#11 v2.40 §2.3.3): 0x04, a length, then 0x04 || X || Y.
 * Some modules answer the raw point; both are accepted.
 */
export function ecPointFromDer(value: Buffer): Uint8Array {
  if (value.length === 65 && value[0] === 4) return value
  if (value[0] === 0x04 && value[1] === 65 && value.length === 67) return value.subarray(2)
  throw new Error(`unexpected CKA_EC_POINT encoding (${value.length} bytes)`)
}

/**
 * fabric-gateway's HSM signer for the token key `keyId` (hex CKA_ID). `close` ends its session; the factory stays
 * for the process (see `factory`).
 */
export function tokenSigner(ref: TokenKeyRef, pin: string, keyId: string): { sign: DigestSigner; close(): void } {
  const s = factory(ref.library).newSigner({ label: ref.tokenLabel, pin, identifier: Buffer.from(keyId, 'hex') })
  return { sign: s.signer, close: s.close }
}
