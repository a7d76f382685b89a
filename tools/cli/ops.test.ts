import { existsSync, readFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ATTEMPT_CSV_COLUMNS } from '../../electron/core/sync/attempts-export'
import { createCore, openCore } from '../../electron/core/app'
import { referenceLists } from '../../electron/core/reference/queries'
import { enqueue, OutboxStore } from '../../electron/core/sync/outbox'
import { startSimulator, SIM_CREDENTIALS, type Simulator } from '../pcare-sim/server'
import { tempDir } from '../../test/helpers/tmp'
import { runOps, type OpsIo } from './ops'

/**
 * The ops CLI against a real workstation database in a temp folder (and the PCare simulator for `reference refresh`):
 * jobs and attempts are written by the outbox store as the workers write them, then each command is run as a user would.
 */
const CARD = '0001234567890'
const NIK = '3201234567890123'
const NAME = 'BUDI SANTOSO'
const tmp = tempDir('faskes-ops-cli-')
const dataDir = tmp.dir
/** Local times, so the day boundaries are the workstation's own (the CSV's dates are local). */
const at = (y: number, m: number, d: number, h = 0, min = 0, s = 0) => new Date(y, m - 1, d, h, min, s).getTime()

let ids: { failed: number; done: number; pending: number }
const cleanups: (() => Promise<void>)[] = []

function io(extra: Partial<OpsIo> = {}): OpsIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return { env: {}, out: (l) => stdout.push(l), err: (l) => stderr.push(l), stdout, stderr, ...extra }
}
const ops = async (args: string[], extra: Partial<OpsIo> = {}) => {
  const x = io(extra)
  const code = await runOps(['--data-dir', dataDir, ...args], x)
  return { code, out: x.stdout.join('\n'), err: x.stderr.join('\n') }
}

/** RFC 4180 reader for the test: quoted cells, doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      rows.push([...row, cell])
      row = []
      cell = ''
      i++
    } else cell += c
  }
  if (cell || row.length) rows.push([...row, cell])
  return rows
}

beforeAll(() => {
  // Written plain, as an install from before issue 13; the first command encrypts it, so later reads go through openCore.
  const core = createCore({ dataDir, version: 'test', keychain: false })
  const store = new OutboxStore(core.db)
  const job = (noRawat: string) =>
    enqueue(core.db, { operation: 'peserta.verify', chainKey: `pcare:${noRawat}`, entityType: 'registration', entityId: noRawat, payload: { noKartu: CARD } }, at(2026, 1, 10))
  ids = { failed: job('20260115-0001'), done: job('20260131-0001'), pending: job('20260201-0001') }
  // The failed job: a transient try on the first day of the range, then PCare's refusal quoting the patient.
  store.markInFlight(ids.failed, at(2026, 1, 15))
  store.fail(store.get(ids.failed)!, 'transient', { startedAt: at(2026, 1, 15, 0, 0, 0), durationMs: 30_000, outcome: 'transient', httpStatus: 503, errorCode: 'HTTP_5XX', errorMessage: 'Service Unavailable' }, at(2026, 1, 15, 0, 1), false)
  store.markInFlight(ids.failed, at(2026, 1, 16))
  store.fail(
    store.get(ids.failed)!,
    'permanent',
    {
      startedAt: at(2026, 1, 16, 9, 30, 5),
      durationMs: 412,
      outcome: 'permanent',
      httpStatus: 200,
      metaCode: 412,
      errorCode: 'REJECTED',
      errorMessage: `Peserta ${NAME} (${CARD}, NIK ${NIK}) tidak aktif`,
      errorFields: [{ field: 'noKartu', message: `${CARD} tidak aktif` }, { field: 'a,"b"', message: NAME }],
      triggeredBy: '=HYPERLINK("x")',
    },
    at(2026, 1, 16, 9, 31),
    false,
  )
  // The done job: its one attempt a second before the end of the last day; the pending job's the next midnight.
  store.markInFlight(ids.done, at(2026, 1, 31))
  store.complete(store.get(ids.done)!, { ok: true }, { startedAt: at(2026, 1, 31, 23, 59, 59), durationMs: 120, outcome: 'ok', httpStatus: 201, metaCode: 201 })
  store.markInFlight(ids.pending, at(2026, 2, 1))
  store.fail(store.get(ids.pending)!, 'transient', { startedAt: at(2026, 2, 1, 0, 0, 0), durationMs: 10_000, outcome: 'transient', errorCode: 'TIMEOUT' }, at(2026, 2, 1, 0, 5), false)
  // An attempt the day before the range starts.
  store.fail(store.get(ids.pending)!, 'transient', { startedAt: at(2026, 1, 14, 23, 59, 59), durationMs: 10, outcome: 'transient', errorCode: 'OFFLINE' }, at(2026, 2, 1, 0, 5), false)
  return core.close()
})

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})
afterAll(() => tmp.cleanup())

describe('usage', () => {
  it('--help prints the commands and exits 0', async () => {
    const x = io()
    expect(await runOps(['--help'], x)).toBe(0)
    for (const c of ['sync status', 'resend <id>', 'export attempts', 'reference refresh']) expect(x.stdout.join('\n')).toContain(c)
  })

  it.each([[[]], [['sync']], [['frobnicate']], [['sync', 'status', '--bogus']], [['resend']], [['resend', 'abc']], [['export', 'attempts', '--from', '2026-02-30', '--to', '2026-03-01']], [['export', 'attempts', '--from', '2026-02-02', '--to', '2026-02-01']], [['export', 'attempts', '--to', '2026-02-01']]])(
    '%j is bad usage: exit 2 with the usage',
    async (args) => {
      const r = await ops(args)
      expect(r.code).toBe(2)
      expect(r.err).toContain('Pemakaian / usage')
    },
  )

  it('refuses a folder without the workstation database, and creates none', async () => {
    const x = io()
    const empty = join(dataDir, 'no-such-workstation')
    expect(await runOps(['--data-dir', empty, 'sync', 'status'], x)).toBe(2)
    expect(x.stderr.join('\n')).toContain('faskes.db')
    expect(existsSync(join(empty, 'faskes.db'))).toBe(false)
  })

  it('takes the folder from FASKES_DATA_DIR', async () => {
    const x = io({ env: { FASKES_DATA_DIR: dataDir } })
    expect(await runOps(['sync', 'status', '--json'], x)).toBe(0)
  })
})

describe('sync status', () => {
  it('counts per target and lists the job waiting for a person, with card number and NIK masked', async () => {
    const r = await ops(['sync', 'status'])
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/^pcare\s+1\s+0\s+0\s+1\s/m)
    expect(r.out).toContain(`#${ids.failed}  pcare  peserta.verify  20260115-0001  2x  REJECTED`)
    expect(r.out).not.toContain(CARD)
    expect(r.out).not.toContain(NIK)
    expect(r.out).toContain('resend <id>')
  })

  it('--json gives the same numbers to a script', async () => {
    const r = await ops(['sync', 'status', '--json'])
    const j = JSON.parse(r.out) as { status: { targets: { target: string; pending: number; failed: number }[] }; waiting: { id: number }[] }
    expect(j.status.targets.find((t) => t.target === 'pcare')).toMatchObject({ pending: 1, failed: 1 })
    expect(j.waiting.map((w) => w.id)).toEqual([ids.failed])
  })
})

describe('export attempts', () => {
  const columns = [...ATTEMPT_CSV_COLUMNS]

  it('writes the attempts of the local days from..to (both included) as CSV without patient data', async () => {
    const r = await ops(['export', 'attempts', '--from', '2026-01-15', '--to', '2026-01-31'])
    expect(r.code).toBe(0)
    const rows = parseCsv(r.out.split('\n').join('\r\n') + '\r\n')
    expect(rows[0]).toEqual(columns)
    const cell = (row: string[], c: (typeof ATTEMPT_CSV_COLUMNS)[number]) => row[columns.indexOf(c)]
    const data = rows.slice(1)
    // 14 Jan 23:59:59 and 1 Feb 00:00:00 are outside; 15 Jan 00:00:00 and 31 Jan 23:59:59 inside.
    expect(data.map((row) => [cell(row, 'date'), cell(row, 'time'), cell(row, 'error_code')])).toEqual([
      ['2026-01-15', '00:00:00', 'HTTP_5XX'],
      ['2026-01-16', '09:30:05', 'REJECTED'],
      ['2026-01-31', '23:59:59', ''],
    ])
    const refused = data[1]
    expect(cell(refused, 'job_id')).toBe(String(ids.failed))
    expect(cell(refused, 'entity_id')).toBe('20260115-0001')
    expect(cell(refused, 'meta_code')).toBe('412')
    expect(cell(refused, 'error_fields')).toBe('noKartu;a,"b"')
    expect(cell(refused, 'triggered_by')).toBe(`'=HYPERLINK("x")`)
    for (const secret of [CARD, NIK, NAME, CARD.slice(0, 9)]) expect(r.out).not.toContain(secret)
  })

  it('--out writes the file with CRLF rows and quotes what needs quoting', async () => {
    const file = join(dataDir, 'attempts.csv')
    const r = await ops(['export', 'attempts', '--from', '2026-01-16', '--to', '2026-01-16', '--out', file])
    expect(r.code).toBe(0)
    expect(r.err).toContain('1 percobaan')
    const text = readFileSync(file, 'utf8')
    expect(text.split('\r\n')).toHaveLength(3)
    expect(text).toContain(',"noKartu;a,""b""",')
    expect(parseCsv(text)[1]).toHaveLength(columns.length)
  })

  it('a range without attempts is the header only', async () => {
    const r = await ops(['export', 'attempts', '--from', '2025-12-01', '--to', '2025-12-31'])
    expect(r.code).toBe(0)
    expect(r.out).toBe(columns.join(','))
  })
})

describe('resend', () => {
  it('puts a failed job back in the queue, recorded against the OS user', async () => {
    const r = await ops(['resend', String(ids.failed)])
    expect(r.code).toBe(0)
    expect(r.out).toContain(`#${ids.failed}`)
    const core = await openCore({ dataDir, version: 'test' })
    try {
      const row = core.db.prepare('SELECT status, next_attempt_at AS next FROM outbox WHERE id = ?').get(ids.failed) as { status: string; next: number }
      expect(row.status).toBe('pending')
      expect(row.next).toBeLessThanOrEqual(Date.now())
      const marker = core.db.prepare(`SELECT triggered_by AS by FROM outbox_attempts WHERE outbox_id = ? AND error_code = 'RESEND_REQUESTED'`).get(ids.failed) as { by: string }
      expect(marker.by).toBe(`cli:${userInfo().username}`)
    } finally {
      await core.close()
    }
  })

  it('a done job and an unknown id are not resent: exit 1, each with its reason', async () => {
    const r = await ops(['resend', String(ids.done), '999999'])
    expect(r.code).toBe(1)
    expect(r.err).toContain(`#${ids.done} tidak dikirim ulang / not resent — status done`)
    expect(r.err).toMatch(/#999999 tidak dikirim ulang \/ not resent — .*999999/)
  })
})

describe('reference refresh', () => {
  let sim: Simulator
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 })
  })
  afterAll(() => sim.close())

  const setPcareUrl = async (baseUrl: string | null) => {
    const core = await openCore({ dataDir, version: 'test' })
    core.settings.update({ pcare: { baseUrl } })
    await core.close()
  }
  const poliCount = async () => {
    const core = await openCore({ dataDir, version: 'test' })
    try {
      return referenceLists(core.db).poli.length
    } finally {
      await core.close()
    }
  }

  it('demo: with no PCare URL in the settings, fetches the lists from the simulator', async () => {
    await setPcareUrl(null)
    const r = await ops(['reference', 'refresh'], { env: { FASKES_DEMO_PCARE_URL: sim.url }, keychain: { pcare: async () => null, antrean: async () => null, fabricKey: async () => null } })
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/reference data refreshed: .*poli/)
    expect(await poliCount()).toBeGreaterThan(0)
  })

  it('configured PCare: credentials from the keychain; none there is a failure said in both languages', async () => {
    await setPcareUrl(sim.pcareBaseUrl)
    cleanups.push(() => setPcareUrl(null))
    const none = await ops(['reference', 'refresh'], { keychain: { pcare: async () => null, antrean: async () => null, fabricKey: async () => null } })
    expect(none.code).toBe(1)
    expect(none.err).toMatch(/^GAGAL \/ FAILED: .+ \/ .+/)
    const { antreanUserKey, ...pcare } = SIM_CREDENTIALS
    const ok = await ops(['reference', 'refresh'], { keychain: { pcare: async () => pcare, antrean: async () => ({ ...pcare, userKey: antreanUserKey }), fabricKey: async () => null } })
    expect(ok.err).toBe('')
    expect(ok.code).toBe(0)
  })

  it('PCare unreachable: exit 1', async () => {
    const down = await startSimulator({ port: 0 })
    const url = down.url
    await down.close()
    const r = await ops(['reference', 'refresh'], { env: { FASKES_DEMO_PCARE_URL: url }, keychain: { pcare: async () => null, antrean: async () => null, fabricKey: async () => null } })
    expect(r.code).toBe(1)
    expect(r.err).toContain('GAGAL / FAILED')
  })
})
