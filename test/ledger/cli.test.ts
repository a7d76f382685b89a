/** Fabric's own CLI (`peer chaincode query`) reads back what the gateway client wrote: same ledger, same bytes. */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { LedgerConnection } from '../../electron/core/ledger/gateway'
import { connectAs, evaluate, issueCard, recordVisit } from './helpers'

const run = promisify(execFile)
let bpjs: LedgerConnection
let rs: LedgerConnection
beforeAll(async () => {
  bpjs = await connectAs('BPJS')
  rs = await connectAs('RS')
})
afterAll(() => {
  bpjs?.close()
  rs?.close()
})

/** network/scripts/peer-cli.sh: the `peer` binary as the org's Admin against the org's own peer. */
async function peerQuery(org: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('bash', ['network/scripts/peer-cli.sh', org, 'chaincode', 'query', '-C', 'bpjs-main', '-n', 'faskes', '-c', JSON.stringify({ Args: args })], { timeout: 30_000 })
  return stdout.trim()
}

it('peer chaincode query returns the card and visit written through fabric-gateway', async () => {
  const noKartu = await issueCard(bpjs)
  const { visitId } = await recordVisit(rs, noKartu, '0101R001')
  const viaGateway = Buffer.from(await rs.contract('Visit').evaluateTransaction('Read', visitId)).toString()

  // The card on the Puskesmas peer, which received it only through ordering and gossip (a card's status is open to
  // members). The visit as BPJS's Admin: a facility's reads of a patient need a workstation certificate that served it.
  expect(JSON.parse(await peerQuery('Puskesmas', 'Card:ReadStatus', noKartu))).toMatchObject({ noKartu, status: 'ACTIVE' })
  expect(await peerQuery('BPJS', 'Visit:Read', visitId)).toBe(viaGateway)
  await expect(peerQuery('Puskesmas', 'Visit:Read', visitId)).rejects.toThrow(/FORBIDDEN: read this visit needs a workstation certificate/)
  const history = JSON.parse(await peerQuery('BPJS', 'History:ForPatient', noKartu)) as { entityId: string }[]
  expect(history.map((h) => h.entityId)).toEqual([noKartu, visitId])
  expect(await evaluate(bpjs, 'Card', 'ReadStatus', noKartu)).toMatchObject({ status: 'ACTIVE' })
})
