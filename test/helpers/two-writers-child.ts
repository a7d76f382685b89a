/**
 * One of the two processes of electron/core/db/two-writers.test.ts, writing the same encrypted WAL file as the other.
 *   node --import tsx test/helpers/two-writers-child.ts <db file> <counter|sync> <iterations> <go file>
 * The database key comes on stdin (hex, one line), never on the command line. Prints `ready` once the file is open,
 * waits (at most 20 s) for the go file so both processes start writing together, then prints one JSON line:
 * { role, ops, errors: { code: count }, startedAt, endedAt } (epoch ms).
 * - counter: registers a visit and records its examination per iteration (the app's counter and clinician; both
 *   transactions read before they write).
 * - sync: what the headless sync process does to the same file: takes ready PCare jobs (chain lock), marks them in
 *   flight and done, releases the lock; sleeps 1 ms when none is ready.
 */
import { existsSync, readFileSync } from 'node:fs'
import { recordExamination, registerVisit } from '../../electron/core/clinic'
import { openDatabase } from '../../electron/core/db'
import { OutboxStore } from '../../electron/core/sync/outbox'
import { examinationInput, registrationInput } from './clinic'

const [file, role, iterations, goFile] = process.argv.slice(2)
const n = Number(iterations)
if (!file || (role !== 'counter' && role !== 'sync') || !Number.isInteger(n) || n <= 0 || !goFile) {
  throw new Error('usage: two-writers-child.ts <db file> <counter|sync> <iterations> <go file>')
}
const key = Buffer.from(readFileSync(0, 'utf8').trim(), 'hex')
const db = openDatabase(file, { key })
const cards = (db.prepare('SELECT no_kartu FROM patients ORDER BY no_kartu').pluck().all() as string[])
const DAY_MS = 86_400_000
const sleep = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

process.stdout.write('ready\n')
for (let waited = 0; !existsSync(goFile); waited += 5) {
  if (waited > 20_000) throw new Error('no go file within 20 s')
  sleep(5)
}

const errors: Record<string, number> = {}
const note = (err: unknown): void => {
  const code = String((err as { code?: unknown }).code ?? (err as Error).name)
  errors[code] = (errors[code] ?? 0) + 1
}
const store = new OutboxStore(db)
const base = Date.now()
const startedAt = Date.now()
let ops = 0
for (let i = 0; i < n; i++) {
  try {
    if (role === 'counter') {
      // A different day per round of cards: one visit per card, poli and day.
      const now = base - Math.floor(i / cards.length) * DAY_MS
      const { noRawat } = registerVisit(db, { kdPPK: '0199B001' }, registrationInput(cards[i % cards.length]), { userId: 'counter' }, now)
      recordExamination(db, { kdPPK: '0199B001' }, examinationInput(noRawat, { kdPoliRujukInternal: null }), { userId: 'dokter' }, now)
      ops += 2
    } else {
      const now = Date.now()
      const heads = store.readyHeads('pcare', now, 5)
      for (const job of heads) {
        if (!store.tryLock(job.chainKey, now)) continue
        store.markInFlight(job.id, now)
        store.complete(job, { ok: true }, { startedAt: now, durationMs: 0, outcome: 'ok' })
        store.unlock(job.chainKey)
        ops += 4
      }
      // Nothing ready yet: the worker would sleep until the next poll.
      if (heads.length === 0) sleep(1)
    }
  } catch (err) {
    note(err)
  }
}
const endedAt = Date.now()
db.close()
process.stdout.write(JSON.stringify({ role, ops, errors, startedAt, endedAt }) + '\n')
