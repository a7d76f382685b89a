import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { chaincodeErrorKind } from './gateway'
import { LocalNetworkMissingError, localNetworkProfile, localPeerProfile } from './profile'

const root = mkdtempSync(path.join(tmpdir(), 'faskes-profile-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** The cryptogen file layout for one org, with placeholder PEM text. */
function fakeCrypto(domain: string, user: string): void {
  const org = path.join(root, 'crypto', 'peerOrganizations', domain)
  const msp = path.join(org, 'users', `${user}@${domain}`, 'msp')
  for (const d of [path.join(org, 'tlsca'), path.join(msp, 'signcerts')]) mkdirSync(d, { recursive: true })
  writeFileSync(path.join(org, 'tlsca', `tlsca.${domain}-cert.pem`), 'ca')
  writeFileSync(path.join(msp, 'signcerts', `${user}@${domain}-cert.pem`), 'cert')
}

describe('localNetworkProfile', () => {
  it('maps an org to its peer endpoint, MSP and the org Admin\'s cryptogen certificate', () => {
    fakeCrypto('rs.local', 'Admin')
    const p = localNetworkProfile('RS', { runtimeDir: root, channel: 'bpjs-jawa' })
    expect(p).toMatchObject({ org: 'RS', mspId: 'RSMSP', peerEndpoint: 'localhost:8051', hostAlias: 'peer0.rs.local', channel: 'bpjs-jawa', chaincode: 'faskes' })
    expect(p.certPath).toBe(path.join(root, 'crypto/peerOrganizations/rs.local/users/Admin@rs.local/msp/signcerts/Admin@rs.local-cert.pem'))
    // The peer alone (the app's and the tests' CA-enrolled identities bring their own certificate): no client cert path.
    const peer = localPeerProfile('RS', { runtimeDir: root, channel: 'bpjs-main' })
    expect(peer).toMatchObject({ mspId: 'RSMSP', peerEndpoint: 'localhost:8051', hostAlias: 'peer0.rs.local', channel: 'bpjs-main' })
    expect(peer.certPath).toBeUndefined()
  })

  it('says how to create the network when the files are missing', () => {
    expect(() => localNetworkProfile('Puskesmas', { runtimeDir: root })).toThrow(LocalNetworkMissingError)
    expect(() => localNetworkProfile('Puskesmas', { runtimeDir: root })).toThrow(/npm run network:up/)
    expect(() => localPeerProfile('BPJS', { runtimeDir: root, channel: 'bpjs-main' })).toThrow(/npm run network:up/)
  })
})

describe('chaincodeErrorKind', () => {
  it('finds the chaincode prefix in gateway error details', () => {
    const err = Object.assign(new Error('10 ABORTED: failed to endorse transaction'), {
      details: [{ address: 'localhost:7051', mspId: 'BPJSMSP', message: 'chaincode response 500, FORBIDDEN: RSMSP may not approve claims' }],
    })
    expect(chaincodeErrorKind(err)).toBe('FORBIDDEN')
    expect(chaincodeErrorKind(new Error('14 UNAVAILABLE: No connection established'))).toBeUndefined()
    expect(chaincodeErrorKind('NOT_FOUND: x')).toBeUndefined()
  })
})
