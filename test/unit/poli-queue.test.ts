import { expect, it } from 'vitest'
import type { Output } from '../../electron/contract'
import { queueOrder } from '../../renderer/src/workspaces/poli/order'

type Row = Output<'registration.today'>[number]
// Only the fields the order reads; the rest of a row does not matter here.
const row = (noRawat: string, over: Partial<Row>): Row =>
  ({ noRawat, kdPoli: '001', status: 'registered', noUrut: null, attendance: null, createdAt: 0, callCount: 0, calledAt: null, ...over }) as Row

it('orders one poli: waiting by noUrut then registration time, then tidak hadir, then hadir; other polis and closed visits left out', () => {
  const rows = [
    row('r1', { noUrut: 'A10', createdAt: 1 }),
    row('r2', { noUrut: 'A2', createdAt: 2 }),
    row('r3', { noUrut: null, createdAt: 0 }),
    row('r4', { noUrut: 'A1', attendance: 'tidak_hadir' }),
    row('r5', { noUrut: 'A3', attendance: 'hadir' }),
    row('r6', { kdPoli: '002', noUrut: 'B1' }),
    row('r7', { noUrut: 'A4', status: 'examined' }),
    row('r8', { noUrut: 'A5', status: 'cancelled' }),
    row('r9', { noUrut: null, createdAt: 5 }),
  ]
  expect(queueOrder(rows, '001').map((r) => r.noRawat)).toEqual(['r2', 'r1', 'r3', 'r9', 'r4', 'r5'])
  expect(queueOrder(rows, '002').map((r) => r.noRawat)).toEqual(['r6'])
  expect(queueOrder(rows, '')).toEqual([])
})
