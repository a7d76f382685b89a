import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ExaminationInput, RegistrationInput } from '../../electron/contract'
import { createCore, openCore, type Core } from '../../electron/core/app'
import { recordExamination, registerVisit } from '../../electron/core/clinic'
import { cachePeserta } from '../../electron/core/clinic/eligibility'
import { CredentialStore, type KeychainBackend } from '../../electron/core/credentials'
import type { Peserta } from '../../electron/core/pcare/types'
import { tempDir } from '../helpers/tmp'

/**
 * Security review finding 7 and 13 (issue 13, Deliver 5), replayed as someone on the same machine, or someone with
 * a copy of the data folder or of a backup, would:
 * - faskes.db held names, full NIK, card numbers and diagnoses in clear, outbox payloads included, and a copy of the
 *   file and its WAL showed them; the headless data folder was 0755 and faskes.db 0644;
 * - the headless keyring was unlocked with a constant password written in the repository.
 * The workload goes through core as the app runs it (openCore: the key from the real Secret Service, gnome-keyring
 * under tools/dev/with-keyring.sh as `npm test` runs it). The byte search covers the patient's NIK, card number,
 * name, complaint and diagnosis, in the file and in its WAL, copied while the app has it open and after it closed.
 */

const REPO = join(import.meta.dirname, '../..')
const inKeyring = process.env.FASKES_IN_KEYRING === '1'

interface DemoPeserta {
  noKartu: string
  noKTP: string
  nama: string
  sex: 'L' | 'P'
  tglLahir: string
  aktif: boolean
}
const demo = (JSON.parse(readFileSync(join(REPO, 'tools/demo-data/peserta.json'), 'utf8')) as DemoPeserta[]).filter((p) => p.aktif).slice(0, 2)
const DIAGNOSIS = { kdDiag: 'A01.0', nmDiag: 'Demam tifoid' }
const COMPLAINT = 'demam naik turun sejak lima hari, mual'

/** Every value a copy must not reveal, per demo patient (as SQLite stores text: UTF-8). */
const secrets = (): string[] => [...demo.flatMap((p) => [p.noKTP, p.noKartu, p.nama]), DIAGNOSIS.nmDiag, COMPLAINT]

/** Registers and examines each demo patient through core, as the counter and the poli do (outbox rows included). */
function workload(core: Core): void {
  const faskes = { kdPPK: '0199B001' }
  for (const p of demo) {
    const live = { ...p, kdProviderPst: { kdProvider: '0199B001', nmProvider: 'PUSKESMAS CONTOH' }, ketAktif: 'AKTIF', noHP: '080000000000' } as unknown as Peserta
    cachePeserta(core.db, live, Date.now())
    const { noRawat } = registerVisit(core.db, faskes, RegistrationInput.parse({ noKartu: p.noKartu, kdPoli: '001', kunjSakit: true, keluhan: COMPLAINT }), { userId: 'loket1' })
    recordExamination(
      core.db,
      faskes,
      ExaminationInput.parse({
        noRawat, keluhan: COMPLAINT, kdSadar: '01', diagnoses: [DIAGNOSIS], kdDokter: '131491', kdStatusPulang: '3',
        vitals: { sistole: 120, diastole: 80, beratBadan: 55, tinggiBadan: 160, lingkarPerut: 70, respRate: 18, heartRate: 80, suhu: '37.0' },
        alergiMakan: '00', alergiUdara: '00', alergiObat: '00', kdPrognosa: '01', tindakan: [{ kdTindakan: '10001', biaya: 10000 }],
        obat: [{ kdObat: '120100362', nmObat: 'Parasetamol', signa1: 3, signa2: 1, jmlObat: 10 }], claimAmount: 150000,
      }),
      { userId: 'dokter1' },
    )
  }
}

/** What a byte search of `files` finds of `values` (names of the values found, with the file). */
function found(files: string[], values: string[]): string[] {
  const hits: string[] = []
  for (const f of files.filter((x) => existsSync(x))) {
    const bytes = readFileSync(f)
    for (const v of values) if (bytes.includes(Buffer.from(v, 'utf8'))) hits.push(`${v.slice(0, 4)}… in ${f.split('/').pop()}`)
  }
  return hits
}

/** Copies faskes.db and its -wal (if any) to `<name>` and `<name>-wal` in the same folder, as a thief's copy. */
function copyOut(dataDir: string, name: string): string[] {
  const db = join(dataDir, 'faskes.db')
  const out = [join(dataDir, name)]
  copyFileSync(db, out[0])
  if (existsSync(`${db}-wal`)) {
    copyFileSync(`${db}-wal`, `${out[0]}-wal`)
    out.push(`${out[0]}-wal`)
  }
  return out
}

const mode = (f: string) => (statSync(f).mode & 0o777).toString(8)

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir('faskes-at-rest-')))
afterEach(() => tmp.cleanup())

describe.runIf(inKeyring)('a copied faskes.db and its WAL reveal no patient data', () => {
  it('after registering and examining demo patients, neither the open file nor its WAL, nor the closed file, holds NIK, card number, name, complaint or diagnosis', async () => {
    const dataDir = join(tmp.dir, 'data')
    const core = await openCore({ dataDir, version: 'at-rest' })
    let open: string[]
    try {
      workload(core)
      // The rows are readable through core (the workload really wrote them)...
      expect(core.db.prepare('SELECT count(*) AS n FROM patients WHERE nik = ?').get(demo[0].noKTP)).toEqual({ n: 1 })
      expect((core.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n).toBeGreaterThan(0)
      open = copyOut(dataDir, 'copy-open.db')
    } finally {
      await core.close()
    }
    expect(open).toHaveLength(2)
    expect(statSync(open[1]).size).toBeGreaterThan(0)
    const closed = copyOut(dataDir, 'copy-closed.db')
    // ...and no copy shows any of them.
    expect(found([...open, ...closed], secrets())).toEqual([])
  })

  it("an older install's plain faskes.db is encrypted the first time the app opens it, and no copy shows its patients afterwards", async () => {
    const dataDir = join(tmp.dir, 'old')
    const plain = createCore({ dataDir, version: 'before-issue-13', keychain: false })
    workload(plain)
    await plain.close()
    // The control: this is the finding as it was.
    expect(found([join(dataDir, 'faskes.db'), join(dataDir, 'faskes.db-wal')], secrets()).length).toBeGreaterThan(0)

    const core = await openCore({ dataDir, version: 'at-rest' })
    try {
      expect(core.db.prepare('SELECT nama FROM patients WHERE no_kartu = ?').get(demo[0].noKartu)).toEqual({ nama: demo[0].nama })
    } finally {
      await core.close()
    }
    expect(found(copyOut(dataDir, 'copy.db'), secrets())).toEqual([])
  })
})

describe.runIf(inKeyring && process.platform !== 'win32')('file modes', () => {
  it('the data folder is 0700 (an older 0755 one is tightened) and faskes.db, -wal and -shm are 0600', async () => {
    const dataDir = join(tmp.dir, 'loose')
    mkdirSync(dataDir, { mode: 0o755 })
    chmodSync(dataDir, 0o755)
    const core = await openCore({ dataDir, version: 'modes' })
    try {
      workload(core)
      expect(mode(dataDir)).toBe('700')
      for (const f of ['faskes.db', 'faskes.db-wal', 'faskes.db-shm']) expect(mode(join(dataDir, f)), f).toBe('600')
    } finally {
      await core.close()
    }
  })
})

describe('the database key is never re-minted while an encrypted faskes.db exists', () => {
  it('a keychain answering "not found" (a cancelled unlock prompt on Linux answers so) gets db.keyMissing, and the item is left alone', async () => {
    const writes: string[] = []
    const notFound: KeychainBackend = {
      getPassword: async () => null,
      setPassword: async (_s, a) => void writes.push(a),
      deletePassword: async () => false,
    }
    const store = new CredentialStore(notFound)
    await expect(store.databaseKey(() => true)).rejects.toMatchObject({ code: 'UNAVAILABLE', key: 'db.keyMissing' })
    expect(writes).toEqual([])
    // With nothing encrypted yet (first run, or a plain file to encrypt) a key is minted and stored once.
    expect((await store.databaseKey(() => false)).length).toBe(32)
    expect(writes).toEqual(['local-database-key'])
  })
})

describe('the headless keyring password', () => {
  /** Stores a secret in the keychain (first run) or reads it back (later runs), and writes what it read to `out`. */
  const probe = (out: string) =>
    `const k = require(${JSON.stringify(join(REPO, 'node_modules/@github/keytar'))});` +
    `(async () => { if (process.argv[1] === 'set') await k.setPassword('faskes-at-rest', 'probe', 'kept');` +
    `require('fs').writeFileSync(${JSON.stringify(out)}, String(await k.getPassword('faskes-at-rest', 'probe'))) })()`

  /**
   * Runs tools/dev/with-keyring.sh as a fresh top-level call (not nested in this suite's own keyring). Output is not
   * piped: a gnome-keyring-daemon that outlives its session would hold a pipe open for ever.
   */
  const withKeyring = (keyringDir: string, passwordFile: string, op: 'set' | 'get', out: string) => {
    const env: NodeJS.ProcessEnv = { ...process.env, FASKES_KEYRING_DIR: keyringDir, FASKES_KEYRING_PASSWORD_FILE: passwordFile }
    delete env.FASKES_IN_KEYRING
    const args = [join(REPO, 'tools/dev/with-keyring.sh'), process.execPath, '-e', probe(out), op]
    return spawnSync('bash', args, { env, stdio: 'ignore', timeout: 30_000 }).status
  }

  /** Ends the keyring daemons this test started (found by their keyring folder under tmp), by process id. */
  afterEach(() => {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        if (readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`XDG_DATA_HOME=${tmp.dir}/`)) process.kill(Number(pid))
      } catch {
        // Gone already, or not ours to read.
      }
    }
  })

  it.runIf(process.platform === 'linux')('is generated per install into a 0600 file in a 0700 folder, opens its keyring again on the next start, and differs between two installs', () => {
    const [ka, pa, kb, pb] = [join(tmp.dir, 'keyring-a'), join(tmp.dir, 'config-a', 'pw'), join(tmp.dir, 'keyring-b'), join(tmp.dir, 'config-b', 'pw')]
    expect(withKeyring(ka, pa, 'set', join(tmp.dir, 'a1'))).toBe(0)
    expect(withKeyring(ka, pa, 'get', join(tmp.dir, 'a2'))).toBe(0)
    expect(withKeyring(kb, pb, 'set', join(tmp.dir, 'b1'))).toBe(0)
    expect(readFileSync(join(tmp.dir, 'a1'), 'utf8')).toBe('kept')
    // A restart unlocks the same keyring with the kept password: the secret stored by the first run is read back.
    expect(readFileSync(join(tmp.dir, 'a2'), 'utf8')).toBe('kept')
    expect(mode(pa)).toBe('600')
    expect(mode(join(tmp.dir, 'config-a'))).toBe('700')
    expect(readFileSync(pa, 'utf8').length).toBeGreaterThanOrEqual(32)
    expect(readFileSync(pa, 'utf8')).not.toBe(readFileSync(pb, 'utf8'))
  })

  it('no tracked file pipes a constant into gnome-keyring-daemon --unlock; the unlock reads the generated file', () => {
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: REPO, encoding: 'utf8' }).split('\0').filter(Boolean)
    const unlocks: string[] = []
    // This file names the command in its own checks.
    for (const f of tracked.filter((x) => x !== 'test/security/at-rest.security.test.ts')) {
      const path = join(REPO, f)
      if (!existsSync(path) || statSync(path).size > 1_000_000) continue
      const text = readFileSync(path, 'utf8')
      for (const line of text.split('\n')) if (/gnome-keyring-daemon[^\n]*--unlock/.test(line)) unlocks.push(`${f}: ${line.trim()}`)
    }
    expect(unlocks.length).toBeGreaterThan(0)
    for (const u of unlocks) {
      // A literal piped or echoed into the unlock is the finding; reading the per-install file is the fix.
      expect(u).not.toMatch(/(printf|echo)\s+(["'][^"'$]*["']|[^\s|$"']+)\s*\|\s*gnome-keyring-daemon/)
      expect(u).toMatch(/<\s*"\$FASKES_KEYRING_PASSWORD_FILE"/)
    }
  })
})
