import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createHash, verify, X509Certificate } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../../test/helpers/tmp'
import { openDatabase, type DB } from '../db'
import { SettingsStore } from '../settings'
import { EnrolmentError, type CaEndpoint } from './ca-client'
import { certFacts } from './csr'
import { enrolWorkstation, identitySigner, registerWithRegistrar, renewIfDue, workstationEnrollmentId } from './enrolment'
import { memoryKeychain } from './memory-keychain'

// A real fabric-ca-server (the v1.5.15 the network builds, network/scripts/fabric-ca-bin.sh) of this test's own:
// TLS on, on free 127.0.0.1 ports, in a temp home, so it never touches the shared network's CAs.
const REPO = path.resolve(__dirname, '../../..')
const tmp = tempDir('faskes-ca-it-')
const REGISTRAR = { enrollmentId: 'admin', secret: 'it-registrar-not-a-real-secret' }
const KDPPK = '0114U163'
let server: ChildProcess | null = null
let ca: CaEndpoint
let db: DB

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })

beforeAll(async () => {
  const bin = execFileSync('bash', [path.join(REPO, 'network/scripts/fabric-ca-bin.sh')], { cwd: REPO, timeout: 400_000, stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim().split('\n').pop()!
  const [port, ops] = [await freePort(), await freePort()]
  const home = path.join(tmp.dir, 'ca')
  server = spawn(
    path.join(bin, 'fabric-ca-server'),
    ['start', '-b', `${REGISTRAR.enrollmentId}:${REGISTRAR.secret}`, '--home', home, '--address', '127.0.0.1', '--port', String(port), '--ca.name', 'ca-it', '--tls.enabled', '--csr.hosts', 'localhost'],
    { env: { ...process.env, FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS: `127.0.0.1:${ops}` }, stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let log = ''
  server.stderr!.on('data', (c: Buffer) => (log += c.toString()))
  // Ready once it listens (bounded: 30 s). The server made its TLS certificate itself, signed by its CA: the CA
  // certificate is what a client trusts (the network's tls-cert.pem plays that part).
  const end = Date.now() + 30_000
  while (!/Listening on https/.test(log)) {
    if (Date.now() > end || server.exitCode !== null) throw new Error(`fabric-ca-server did not start:\n${log.slice(-2000)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  ca = { url: `https://localhost:${port}`, caName: 'ca-it', tlsCaPem: readFileSync(path.join(home, 'ca-cert.pem'), 'utf8') }
  db = openDatabase(path.join(tmp.dir, 'faskes.db'))
}, 420_000)

afterAll(async () => {
  db?.close()
  if (server && server.exitCode === null) {
    server.kill('SIGTERM')
    await new Promise((r) => server!.once('exit', r))
  }
  tmp.cleanup()
})

/** A workstation's settings pointing at this CA, with the faskes code the registration carries. */
function workstationSettings(): SettingsStore {
  const settings = new SettingsStore(db)
  settings.update({ kdPPK: KDPPK, ledger: { org: 'Puskesmas', caUrl: ca.url, caTlsCaPem: ca.tlsCaPem } })
  return settings
}

const caught = async (p: Promise<unknown>): Promise<EnrolmentError> => {
  try {
    await p
  } catch (err) {
    if (err instanceof EnrolmentError) return err
    throw err
  }
  throw new Error('expected the enrolment to fail')
}

describe('enrolment at a real Fabric CA (TLS)', () => {
  it('registers, enrols with the one-time secret, stores key+cert in the keychain and the identity in settings; the secret does not work twice', async () => {
    const settings = workstationSettings()
    const keychain = memoryKeychain()
    const reg = await registerWithRegistrar(ca, REGISTRAR, { id: workstationEnrollmentId(KDPPK), attrs: { kdPPK: KDPPK, role: 'workstation' } })
    const identity = await enrolWorkstation({ settings, keychain }, { ...reg, signer: { kind: 'software' } })
    expect(identity).toMatchObject({ kind: 'software', enrollmentId: reg.enrollmentId, kdPPK: KDPPK, role: 'workstation', mspId: 'PuskesmasMSP', demo: false })
    expect(settings.get().ledger.identity).toEqual(identity)
    // The certificate chains to the CA that issued it (its own chain answer), and the keychain pairs it with our key.
    const cert = new X509Certificate(identity.certPem)
    expect(cert.checkIssued(new X509Certificate(identity.chainPem))).toBe(true)
    const item = (await keychain.fabricKey('PuskesmasMSP'))!
    expect(item).toContain('PRIVATE KEY')
    expect(item).toContain(identity.certPem.trim())
    const signer = (await identitySigner(identity, 'Puskesmas', keychain))!
    expect(signer.certPem.trim()).toBe(identity.certPem.trim())

    // Fabric CA's maxEnrollments 1: the same id and secret a second time is refused, in the staff sentence.
    const again = await caught(enrolWorkstation({ settings, keychain }, { ...reg, signer: { kind: 'software' } }))
    expect(again.failure).toBe('auth')
    expect(again.message).toMatch(/sudah pernah dipakai/)
    expect(settings.get().ledger.identity).toEqual(identity)
  })

  it('refuses a wrong secret, and a registration without kdPPK and role, and stores nothing', async () => {
    const settings = workstationSettings()
    settings.setLedgerIdentity({ kind: 'none' })
    const keychain = memoryKeychain()
    const reg = await registerWithRegistrar(ca, REGISTRAR, { id: workstationEnrollmentId(KDPPK), attrs: { kdPPK: KDPPK, role: 'workstation' } })
    expect((await caught(enrolWorkstation({ settings, keychain }, { enrollmentId: reg.enrollmentId, secret: 'wrong', signer: { kind: 'software' } }))).failure).toBe('auth')
    const bare = await registerWithRegistrar(ca, REGISTRAR, { id: workstationEnrollmentId(KDPPK), attrs: {} })
    const e = await caught(enrolWorkstation({ settings, keychain }, { ...bare, signer: { kind: 'software' } }))
    expect(e.failure).toBe('missingAttr')
    expect(e.key).toBe('ledger.caMissingAttr')
    expect(settings.get().ledger.identity).toEqual({ kind: 'none' })
    expect(await keychain.fabricKey('PuskesmasMSP')).toBeNull()
  })

  it('re-enrols with a new key when a third of the validity is left, authorised by the current key', async () => {
    const settings = workstationSettings()
    const keychain = memoryKeychain()
    const reg = await registerWithRegistrar(ca, REGISTRAR, { id: workstationEnrollmentId(KDPPK), attrs: { kdPPK: KDPPK, role: 'workstation' } })
    const first = await enrolWorkstation({ settings, keychain }, { ...reg, signer: { kind: 'software' } })
    const firstItem = await keychain.fabricKey('PuskesmasMSP')
    // Not due at enrolment time: nothing happens.
    expect(await renewIfDue({ settings, keychain }, ca)).toBeNull()
    // Later than two thirds of the validity (the CA's default is one year); the clock here is the test's.
    const late = first.notBefore + ((first.notAfter - first.notBefore) * 3) / 4
    const renewed = (await renewIfDue({ settings, keychain, now: () => late }, ca))!
    expect(renewed.enrollmentId).toBe(first.enrollmentId)
    expect(certFacts(renewed.certPem).serialNumber).not.toBe(certFacts(first.certPem).serialNumber)
    expect(certFacts(renewed.certPem).spki.equals(certFacts(first.certPem).spki)).toBe(false)
    expect(renewed.kdPPK).toBe(KDPPK)
    expect(await keychain.fabricKey('PuskesmasMSP')).not.toBe(firstItem)
    expect(settings.get().ledger.identity).toEqual(renewed)
  })

  it('says TLS when the CA certificate entered is another one, and unreachable for a closed port', async () => {
    const settings = workstationSettings()
    const keychain = memoryKeychain()
    const other = readFileSync(path.join(tmp.dir, 'ca', 'ca-cert.pem'), 'utf8')
    // A certificate that did not sign the server's TLS certificate: take a fresh self-signed one (openssl).
    const foreign = execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=someone-else', '-days', '1'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString()
    expect(foreign).not.toBe(other)
    settings.update({ ledger: { caTlsCaPem: foreign } })
    const tls = await caught(enrolWorkstation({ settings, keychain }, { enrollmentId: 'ws-x', secret: 'x', signer: { kind: 'software' } }))
    expect(tls.failure).toBe('tls')
    expect(tls.key).toBe('ledger.caTls')
    settings.update({ ledger: { caUrl: `https://localhost:${await freePort()}`, caTlsCaPem: ca.tlsCaPem } })
    expect((await caught(enrolWorkstation({ settings, keychain }, { enrollmentId: 'ws-x', secret: 'x', signer: { kind: 'software' } }))).failure).toBe('unreachable')
  })
})

// SoftHSM2 from Debian (tools/dev/setup.sh installs it): a token initialised in this test's own SOFTHSM2_CONF.
const SOFTHSM = '/usr/lib/softhsm/libsofthsm2.so'
describe('enrolment with a key inside a PKCS#11 token (SoftHSM2)', () => {
  it('makes the key pair in the token, signs the CSR and the proposals there, and re-enrols with a new token key', async () => {
    expect(existsSync(SOFTHSM), `${SOFTHSM} missing: apt-get install softhsm2 (tools/dev/setup.sh)`).toBe(true)
    const tokens = path.join(tmp.dir, 'tokens')
    mkdirSync(tokens)
    const conf = path.join(tmp.dir, 'softhsm2.conf')
    writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`)
    // Read by the module at C_Initialize, which happens first in this process below.
    process.env.SOFTHSM2_CONF = conf
    const pin = '246810'
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'faskes-it', '--so-pin', '13579', '--pin', pin], { env: process.env, stdio: 'pipe' })

    const settings = workstationSettings()
    const keychain = memoryKeychain()
    const reg = await registerWithRegistrar(ca, REGISTRAR, { id: workstationEnrollmentId(KDPPK), attrs: { kdPPK: KDPPK, role: 'workstation' } })
    const signer = { kind: 'pkcs11' as const, library: SOFTHSM, tokenLabel: 'faskes-it', keyLabel: 'faskes-workstation', pin }
    const identity = await enrolWorkstation({ settings, keychain }, { ...reg, signer })
    expect(identity).toMatchObject({ kind: 'pkcs11', tokenLabel: 'faskes-it', keyLabel: 'faskes-workstation', kdPPK: KDPPK })
    // No software key anywhere: the keychain holds only the PIN.
    expect(await keychain.fabricKey('PuskesmasMSP')).toBeNull()
    expect(await keychain.fabricPin('PuskesmasMSP')).toBe(pin)
    // fabric-gateway's HSM signer signs with the token key: the certificate's key verifies it.
    const s = (await identitySigner(identity, 'Puskesmas', keychain))!
    const message = Buffer.from('a Fabric proposal')
    const sig = await s.sign(createHash('sha256').update(message).digest())
    s.close()
    expect(verify('sha256', message, new X509Certificate(identity.certPem).publicKey, sig)).toBe(true)
    expect(verify('sha256', Buffer.from('another proposal'), new X509Certificate(identity.certPem).publicKey, sig)).toBe(false)

    const late = identity.notBefore + ((identity.notAfter - identity.notBefore) * 3) / 4
    const renewed = (await renewIfDue({ settings, keychain, now: () => late }, ca))!
    expect(renewed.kind).toBe('pkcs11')
    expect((renewed as { keyId: string }).keyId).not.toBe((identity as { keyId: string }).keyId)
    expect(certFacts(renewed.certPem).spki.equals(certFacts(identity.certPem).spki)).toBe(false)
  })

  it('says the token cannot be used for a wrong PIN, and stores nothing', async () => {
    const settings = workstationSettings()
    settings.setLedgerIdentity({ kind: 'none' })
    const keychain = memoryKeychain()
    const e = await caught(enrolWorkstation({ settings, keychain }, { enrollmentId: 'ws-x', secret: 'x', signer: { kind: 'pkcs11', library: SOFTHSM, tokenLabel: 'faskes-it', keyLabel: 'k', pin: 'wrong-pin' } }))
    expect(e.failure).toBe('token')
    expect(e.detail).toMatch(/PIN_INCORRECT/)
    expect(settings.get().ledger.identity).toEqual({ kind: 'none' })
    expect(await keychain.fabricPin('PuskesmasMSP')).toBeNull()
  })
})
