import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../../test/helpers/tmp'
import { RegistrationInput } from '../../contract'
import { registerVisit } from '../clinic'
import { localIsoDate } from '../clinic/dates'
import { CredentialStore, DATABASE_KEY_ACCOUNT, type KeychainBackend } from '../credentials'
import { DatabaseKeyError, openDatabase, type DB } from '../db'
import { createLogger, memorySink } from '../log'
import { backupCopies, backupOnce, lastBackup, startBackups } from './backup'
import { databaseKeyOf, KeyFileError, openKeyFile, sealKeyFile } from './keyfile'
import { deploymentMode } from './registry'
import { restoreBackup } from './restore'

const NAME = 'Siti Rahayu Testpasien'
const CARDS = ['0001234567890', '0001234567891', '0001234567892']

function seed(db: DB): void {
  const ins = db.prepare("INSERT INTO patients (no_kartu, nik, nama, kd_provider, aktif, updated_at) VALUES (?, '3200000000000001', ?, '0199B001', 1, 0)")
  for (const c of CARDS) ins.run(c, NAME)
}
const register = (db: DB, noKartu: string) =>
  registerVisit(db, { kdPPK: '0199B001' }, RegistrationInput.parse({ noKartu, kdPoli: '001', kunjSakit: true, keluhan: 'demam' }), { userId: 't' })

function memoryBackend(): KeychainBackend & { items: Map<string, string> } {
  const items = new Map<string, string>()
  return {
    items,
    getPassword: async (s, a) => items.get(`${s}/${a}`) ?? null,
    setPassword: async (s, a, p) => void items.set(`${s}/${a}`, p),
    deletePassword: async (s, a) => items.delete(`${s}/${a}`),
  }
}

describe('hub backup and restore (issue 16, Deliver 5)', () => {
  let tmp: ReturnType<typeof tempDir>
  let key: Buffer
  let db: DB
  let file: string
  beforeEach(() => {
    tmp = tempDir('faskes-backup-')
    key = randomBytes(32)
    file = join(tmp.dir, 'hub', 'faskes.db')
    mkdirSync(join(tmp.dir, 'hub'))
    db = openDatabase(file, { key })
    seed(db)
  })
  afterEach(() => {
    if (db.open) db.close()
    tmp.cleanup()
  })

  it('writes an encrypted, complete copy while the hub keeps writing, keeps the last K and leaves no temp file', async () => {
    register(db, CARDS[0])
    const dir = join(tmp.dir, 'backups')
    let t = Date.parse('2026-11-30T01:00:00Z')
    const now = () => (t += 1000)
    // A write on the hub's own connection while the copy runs in its worker: it must neither fail nor wait for it.
    const copy = backupOnce({ file, key, dir, keep: 2, now })
    register(db, CARDS[1])
    const first = await copy
    await backupOnce({ file, key, dir, keep: 2, now })
    await backupOnce({ file, key, dir, keep: 2, now })
    const names = readdirSync(dir)
    expect(names).toEqual(backupCopies(dir).slice().reverse())
    expect(names).toHaveLength(2)
    expect(existsSync(first.path)).toBe(false) // the oldest went
    const newest = join(dir, backupCopies(dir)[0])
    if (process.platform !== 'win32') expect(statSync(newest).mode & 0o777).toBe(0o600)
    // No patient text in the bytes, and no opening without the key.
    expect(readFileSync(newest).includes(Buffer.from(NAME, 'utf8'))).toBe(false)
    expect(() => openDatabase(newest, { readonly: true })).toThrow()
    expect(() => openDatabase(newest, { key: randomBytes(32), readonly: true })).toThrow(DatabaseKeyError)
    const back = openDatabase(newest, { key, readonly: true })
    expect(back.prepare('SELECT count(*) AS n FROM registrations').get()).toEqual({ n: 2 })
    back.close()
  })

  it('a schedule records each outcome (and a failure) without patient data in the log', async () => {
    register(db, CARDS[0])
    const sink = memorySink()
    const log = createLogger({ level: 'info', sink: sink.sink })
    const dir = join(tmp.dir, 'b')
    const schedule = startBackups(db, { file, key, dir, keep: 3, intervalMs: 3_600_000, log })
    const ok = await schedule.runNow()
    expect(ok).toMatchObject({ ok: true, dir, error: null })
    expect(lastBackup(db)).toEqual(ok)
    expect(backupCopies(dir)).toEqual([ok.file])
    // A folder that cannot be made (a file is in the way): recorded and logged, the hub goes on.
    writeFileSync(join(tmp.dir, 'blocked'), '')
    const bad = startBackups(db, { file, key, dir: join(tmp.dir, 'blocked', 'x'), keep: 3, intervalMs: 3_600_000, log })
    const failed = await bad.runNow()
    expect(failed).toMatchObject({ ok: false, file: null })
    expect(lastBackup(db)).toEqual(failed)
    await schedule.stop()
    await bad.stop()
    const text = JSON.stringify(sink.records)
    expect(text).toContain('backup done')
    expect(text).toContain('backup failed')
    expect(text).not.toContain(NAME)
    expect(text).not.toContain(key.toString('hex'))
  })

  it('seals the key with a passphrase: the right one opens it, a wrong one or a changed file does not', async () => {
    const secrets = { keychain: { [DATABASE_KEY_ACCOUNT]: key.toString('base64'), pcare: '{"consId":"1"}' }, files: { 'hub-tls.crt': 'CERT' } }
    const text = await sealKeyFile(secrets, 'kata sandi panjang sekali')
    expect(text).not.toContain(key.toString('base64'))
    const opened = await openKeyFile(text, 'kata sandi panjang sekali')
    expect(opened).toEqual(secrets)
    expect(databaseKeyOf(opened).equals(key)).toBe(true)
    await expect(openKeyFile(text, 'kata sandi panjang sekalI')).rejects.toBeInstanceOf(KeyFileError)
    const changed = JSON.parse(text) as { kdf: { N: number } }
    changed.kdf.N = 2 ** 16
    await expect(openKeyFile(JSON.stringify(changed), 'kata sandi panjang sekali')).rejects.toBeInstanceOf(KeyFileError)
    await expect(sealKeyFile(secrets, 'pendek')).rejects.toThrow(/at least/)
  })

  it('restores into a new folder: checks the copy, flags every unsent job for a lookup first, and records the hub mode', async () => {
    register(db, CARDS[0])
    register(db, CARDS[1])
    // One job was in flight when the copy was taken; one already done; the rest pending.
    const ids = (db.prepare('SELECT id FROM outbox ORDER BY id').all() as { id: number }[]).map((r) => r.id)
    expect(ids.length).toBeGreaterThanOrEqual(2)
    db.prepare("UPDATE outbox SET status = 'in_flight' WHERE id = ?").run(ids[0])
    db.prepare("UPDATE outbox SET status = 'done' WHERE id = ?").run(ids[1])
    db.prepare("INSERT INTO chain_locks (chain_key, owner, expires_at) VALUES ('pcare:x', 'old-hub', ?)").run(Date.now() + 60_000)
    const dir = join(tmp.dir, 'backups')
    const { path } = await backupOnce({ file, key, dir, keep: 1 })
    db.close()

    const target = join(tmp.dir, 'new-hub')
    expect(() => restoreBackup({ backupFile: path, key: randomBytes(32), dataDir: target })).toThrow(DatabaseKeyError)
    expect(existsSync(join(target, 'faskes.db'))).toBe(false)
    const restoredAt = Date.now() + 5
    const done = restoreBackup({ backupFile: path, key, dataDir: target, now: restoredAt })
    expect(done.toReconcile).toBe(ids.length - 1)
    const r = openDatabase(done.file, { key })
    expect(r.prepare("SELECT count(*) AS n FROM outbox WHERE needs_reconcile = 1 AND next_attempt_at = ? AND status != 'done'").get(restoredAt)).toEqual({ n: ids.length - 1 })
    // Today's numbers continue above any the old hub may have given after the copy (the copy holds two of today's).
    expect(done.raisedDays).toContain(localIsoDate(restoredAt))
    expect(register(r, CARDS[2]).noRawat).toMatch(/-5003$/)
    expect(r.prepare("SELECT count(*) AS n FROM outbox WHERE needs_reconcile = 1 AND status = 'done'").get()).toEqual({ n: 0 })
    expect(r.prepare('SELECT count(*) AS n FROM chain_locks').get()).toEqual({ n: 0 })
    expect(deploymentMode(r)).toBe('hub')
    expect(lastBackup(r)).toBeNull()
    r.close()
    // Never over an existing database.
    expect(() => restoreBackup({ backupFile: path, key, dataDir: target })).toThrow(/exists/)
    // A damaged copy is refused before anything is placed.
    const bytes = readFileSync(path)
    bytes.fill(0x41, 4096 + 100, 4096 + 200)
    const broken = join(tmp.dir, 'broken.db')
    writeFileSync(broken, bytes)
    expect(() => restoreBackup({ backupFile: broken, key, dataDir: join(tmp.dir, 'third') })).toThrow()
    expect(existsSync(join(tmp.dir, 'third', 'faskes.db'))).toBe(false)
  })

  it('the keychain export carries every restorable item; import refuses a keychain holding a different database key', async () => {
    const from = memoryBackend()
    const store = new CredentialStore(from, 'svc', 1000)
    await store.databaseKey(() => false)
    await store.setPcare({ consId: '123', secretKey: 's', userKey: 'u', username: 'n', password: 'p' })
    const items = await store.exportForRestore()
    expect(Object.keys(items).sort()).toEqual([DATABASE_KEY_ACCOUNT, 'pcare'])
    const to = new CredentialStore(memoryBackend(), 'svc', 1000)
    expect((await to.importForRestore(items)).sort()).toEqual([DATABASE_KEY_ACCOUNT, 'pcare'])
    expect((await to.databaseKey(() => true)).equals(await store.databaseKey(() => true))).toBe(true)
    expect(await to.importForRestore(items)).toEqual([]) // equal items: nothing to write
    const taken = new CredentialStore(memoryBackend(), 'svc', 1000)
    await taken.databaseKey(() => false)
    await expect(taken.importForRestore(items)).rejects.toThrow(/already holds a different local-database-key/)
    expect(await taken.pcare()).toBeNull() // nothing written when one item is refused
  })
})
