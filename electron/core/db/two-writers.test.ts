import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from './index'
import { writeTx } from './tx'
import { tempDir } from '../../../test/helpers/tmp'

/*
 * Issue 17: of 210 saves made while the headless sync process drained the same file, 7 failed at once with
 * SQLITE_BUSY_SNAPSHOT (DEFERRED transactions that read first). Two real processes now write one encrypted WAL file
 * at the same time, each through the app's own functions, and neither sees SQLITE_BUSY of any kind.
 */
const CHILD = resolve(__dirname, '../../../test/helpers/two-writers-child.ts')
const VISITS = 120
const SYNC_ROUNDS = 600

interface ChildReport {
  role: string
  ops: number
  errors: Record<string, number>
  startedAt: number
  endedAt: number
}

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

/** Starts a writer; resolves `ready` once it has the file open, `done` with its report when it exits 0. */
function writer(file: string, role: 'counter' | 'sync', n: number, goFile: string, key: Buffer) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, role, String(n), goFile], { stdio: ['pipe', 'pipe', 'pipe'] })
  child.stdin.end(key.toString('hex') + '\n')
  let out = ''
  let err = ''
  let markReady: () => void = () => {}
  const ready = new Promise<void>((res) => (markReady = res))
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString()
    if (out.startsWith('ready\n')) markReady()
  })
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  const done = new Promise<ChildReport>((res, rej) => {
    child.on('exit', (code) => {
      if (code !== 0) return rej(new Error(`${role} exited ${code}: ${err.slice(-2000)}`))
      res(JSON.parse(out.trim().split('\n').pop()!) as ChildReport)
    })
  })
  return { ready, done, kill: () => child.kill('SIGKILL') }
}

describe('two processes writing one encrypted file', () => {
  it(`a counter (${VISITS} visits) and a sync process (${SYNC_ROUNDS} rounds) write at once without SQLITE_BUSY`, async () => {
    const key = randomBytes(32)
    const file = join(tmp.dir, 'faskes.db')
    const goFile = join(tmp.dir, 'go')
    const db = openDatabase(file, { key })
    const cards = Array.from({ length: 40 }, (_, i) => `00099990${String(i).padStart(5, '0')}`)
    writeTx(db, () => {
      const ins = db.prepare(`INSERT INTO patients (no_kartu, nik, nama, kd_provider, aktif, updated_at) VALUES (?, NULL, 'Uji', '0199B001', 1, 0)`)
      for (const c of cards) ins.run(c)
    })
    db.close()

    const counter = writer(file, 'counter', VISITS, goFile, key)
    const sync = writer(file, 'sync', SYNC_ROUNDS, goFile, key)
    try {
      await Promise.all([counter.ready, sync.ready])
      writeFileSync(goFile, '')
      const [c, s] = await Promise.all([counter.done, sync.done])

      expect(c.errors).toEqual({})
      expect(s.errors).toEqual({})
      // They really overlapped, and the sync process finished jobs the counter had just queued.
      expect(s.startedAt).toBeLessThan(c.endedAt)
      expect(c.startedAt).toBeLessThan(s.endedAt)
      const check = openDatabase(file, { key })
      try {
        expect(check.prepare('SELECT count(*) FROM registrations').pluck().get()).toBe(VISITS)
        expect(check.prepare('SELECT count(*) FROM examinations').pluck().get()).toBe(VISITS)
        const done = check.prepare("SELECT count(*) FROM outbox WHERE status = 'done'").pluck().get() as number
        expect(done).toBeGreaterThan(0)
        expect(check.prepare("SELECT count(*) FROM outbox WHERE status = 'done' AND done_at < ?").pluck().get(c.endedAt)).toBeGreaterThan(0)
      } finally {
        check.close()
      }
    } finally {
      counter.kill()
      sync.kill()
    }
  }, 90_000)
})
