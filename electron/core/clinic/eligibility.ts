import type { PatientCheck, PatientView } from '../../contract'
import type { DB } from '../db'
import { AppError, fieldError, msg } from '../errors'
import type { LedgerConnection } from '../ledger/gateway'
import type { PcareClient } from '../pcare'
import type { Peserta } from '../pcare/types'
import { localIsoDate } from './dates'
import { DeadlineError, ledgerReadFailure, pcareUnreachable } from './remote-code'

export interface Remotes {
  pcare(): Promise<PcareClient>
  ledger(): Promise<LedgerConnection>
  /**
   * Told whether an interactive read reached the remote, so the status bar reflects the counter's own calls too:
   * true when it answered (a "not found" included), false when it could not be reached in time.
   */
  report?(target: 'pcare' | 'ledger', reachable: boolean): void
}

/** Validates what the counter typed or scanned: a 13-digit card number or a 16-digit NIK, nothing else. */
function parseCardQuery(raw: string): { kind: 'noka' | 'nik'; value: string } {
  const v = raw.replace(/[\s-]/g, '')
  if (/^\d{13}$/.test(v)) return { kind: 'noka', value: v }
  if (/^\d{16}$/.test(v)) return { kind: 'nik', value: v }
  const digits = /^\d+$/.test(v)
  const m = digits ? msg('check.digits', { n: v.length }) : msg('check.notDigits')
  throw new AppError('INVALID_INPUT', m, [fieldError('query', m)])
}

/** Bounds an interactive remote read: the person at the screen gets the local answer instead of a long wait. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout
  return Promise.race([p, new Promise<T>((_, rej) => (t = setTimeout(() => rej(new DeadlineError(`${what}: tidak ada jawaban dalam ${ms / 1000} detik`)), ms)))]).finally(() => clearTimeout(t))
}

/**
 * The deadline passed before the remote's client or connection was ready, i.e. while reading its credentials from the
 * keychain (and, for the ledger, setting up the gateway): the remote itself was never asked. A DeadlineError, so its
 * sync code stays TIMEOUT; its message names what was still waiting (for support, in PatientCheck.pcareError).
 */
class NotReadyError extends DeadlineError {
  override name = 'NotReadyError'
}

/**
 * `read(await connect())` under ONE deadline of `ms`, so a keychain that never answers cannot hold the caller past it
 * (the keychain's own deadline, credentials/deadline.ts, is longer than a counter can wait). Throws NotReadyError when
 * the deadline passes while `connect` is still pending, DeadlineError when it passes during `read`, else what they throw.
 */
async function boundedRead<C, T>(connect: () => Promise<C>, read: (c: C) => Promise<T>, ms: number, what: string): Promise<T> {
  let connected = false
  const work = (async () => {
    const c = await connect()
    connected = true
    return read(c)
  })()
  try {
    return await withTimeout(work, ms, what)
  } catch (err) {
    if (err instanceof DeadlineError && !connected) throw new NotReadyError(`${what}: credentials (OS keychain) or connection not ready within ${ms / 1000} s; ${what} was not asked`)
    throw err
  }
}

interface CacheRow {
  no_kartu: string
  nik: string | null
  nama: string
  sex: string | null
  tgl_lahir: string | null
  jns_peserta: string | null
  jns_kelas: string | null
  kd_provider: string | null
  nm_provider: string | null
  aktif: number | null
  ket_aktif: string | null
  tunggakan: number | null
  pcare_checked_at: number | null
  ledger_status: string | null
  ledger_checked_at: number | null
}
const fromRow = (r: CacheRow): PatientView => ({
  noKartu: r.no_kartu,
  nik: r.nik,
  nama: r.nama,
  sex: r.sex,
  tglLahir: r.tgl_lahir,
  jnsPeserta: r.jns_peserta,
  jnsKelas: r.jns_kelas,
  kdProvider: r.kd_provider,
  nmProvider: r.nm_provider,
  aktif: r.aktif === null ? null : r.aktif === 1,
  ketAktif: r.ket_aktif,
  tunggakan: r.tunggakan,
})

/**
 * Card status and eligibility for the counter: PCare, then the ledger, each with a short deadline (`timeoutMs`) that
 * also covers getting its client (credentials from the OS keychain, which may hang); whatever cannot answer in time is
 * replaced by the cached status with its time, `pcareError` saying why (a keychain that did not answer is named). A successful answer refreshes the cache.
 * PCare's "no such peserta" is `notFound` (never a cached row). Each remote's reachability goes to `remotes.report`,
 * so the status bar follows the counter's own calls. Throws INVALID_INPUT (check.digits / check.notDigits) for
 * anything but 13 or 16 digits.
 */
export async function checkPatient(db: DB, remotes: Remotes | null, query: string, now = Date.now(), timeoutMs = 4000): Promise<PatientCheck> {
  const q = parseCardQuery(query)
  const cached = () =>
    db.prepare(`SELECT * FROM patients WHERE ${q.kind === 'noka' ? 'no_kartu' : 'nik'} = ?`).get(q.value) as CacheRow | undefined

  let live: Peserta | null | undefined
  let pcareError: string | null = null
  if (remotes) {
    try {
      // The client is built inside the deadline: building it reads the credentials from the keychain, which may hang.
      live = await boundedRead(() => remotes.pcare(), (c) => (q.kind === 'noka' ? c.getPeserta(q.value) : c.getPesertaBy('nik', q.value)), timeoutMs, 'PCare')
      remotes.report?.('pcare', true)
    } catch (err) {
      pcareError = err instanceof Error ? err.message : String(err)
      // PCare was never asked when its client was not ready: the status bar is not told PCare is down.
      if (!(err instanceof NotReadyError) && pcareUnreachable(err)) remotes.report?.('pcare', false)
    }
  } else pcareError = 'PCare is not configured'

  if (live) cachePeserta(db, live, now)
  // PCare's "not found" wins over an old cache row: the card is gone now, whatever it was before.
  const row = live === null ? undefined : cached()
  const noKartu = row?.no_kartu ?? (q.kind === 'noka' ? q.value : null)

  const ledger: PatientCheck['ledger'] = { status: row?.ledger_status ?? null, checkedAt: row?.ledger_checked_at ?? null, source: row?.ledger_status ? 'cache' : 'none', error: null, problem: null }
  if (noKartu && remotes) {
    try {
      const bytes = await boundedRead(() => remotes.ledger(), (conn) => conn.contract('Card').evaluateTransaction('ReadStatus', noKartu), timeoutMs, 'Ledger')
      const status = String((JSON.parse(Buffer.from(bytes).toString()) as { status?: string }).status ?? '')
      Object.assign(ledger, { status, checkedAt: now, source: 'live' })
      if (row) db.prepare('UPDATE patients SET ledger_status = ?, ledger_checked_at = ? WHERE no_kartu = ?').run(status, now, noKartu)
      remotes.report?.('ledger', true)
    } catch (err) {
      const { problem, notFound } = ledgerReadFailure(err)
      // The chaincode or the peer answered (with a refusal, of the card or of this workstation's certificate): the
      // ledger is reachable. Anything else is a transport failure, except a connection that was not ready in time
      // (keychain or gateway setup), which says nothing of the peer.
      if (!(err instanceof NotReadyError)) remotes.report?.('ledger', problem !== 'UNREACHABLE')
      if (notFound) Object.assign(ledger, { status: LEDGER_NOT_RECORDED, checkedAt: now, source: 'live' })
      else Object.assign(ledger, { error: err instanceof Error ? err.message : String(err), problem })
    }
  }
  if (live === null) return { source: 'live', notFound: true, checkedAt: now, pcareError: null, patient: null, ledger, registeredToday: [] }
  const registeredToday = noKartu
    ? (db
        .prepare(
          `SELECT no_rawat AS noRawat, kd_poli AS kdPoli, nm_poli AS nmPoli FROM registrations
            WHERE no_kartu = ? AND tgl_daftar = ? AND status != 'cancelled' AND verification != 'rejected' ORDER BY created_at`,
        )
        .all(noKartu, localIsoDate(now)) as PatientCheck['registeredToday'])
    : []
  return {
    registeredToday,
    source: live ? 'live' : row ? 'cache' : 'none',
    notFound: false,
    checkedAt: live ? now : (row?.pcare_checked_at ?? null),
    pcareError,
    patient: row ? fromRow(row) : null,
    ledger,
  }
}

/** The ledger has no Card record for this number (ReadStatus answered NOT_FOUND); the page says it in words. */
const LEDGER_NOT_RECORDED = 'NOT_RECORDED'

/** Writes a live PCare peserta answer into the local cache (the offline fallback for later checks). */
export function cachePeserta(db: DB, live: Peserta, now: number): void {
  db.prepare(
    `INSERT INTO patients (no_kartu, nik, nama, sex, tgl_lahir, kd_provider, nm_provider, jns_peserta, jns_kelas, aktif, ket_aktif, tunggakan, no_hp, pcare_checked_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (no_kartu) DO UPDATE SET nik = excluded.nik, nama = excluded.nama, sex = excluded.sex, tgl_lahir = excluded.tgl_lahir,
       kd_provider = excluded.kd_provider, nm_provider = excluded.nm_provider, jns_peserta = excluded.jns_peserta, jns_kelas = excluded.jns_kelas,
       aktif = excluded.aktif, ket_aktif = excluded.ket_aktif, tunggakan = excluded.tunggakan, no_hp = excluded.no_hp, pcare_checked_at = excluded.pcare_checked_at,
       updated_at = excluded.updated_at`,
  ).run(live.noKartu, live.noKTP || null, live.nama, live.sex, live.tglLahir, live.kdProviderPst?.kdProvider ?? null, live.kdProviderPst?.nmProvider ?? null,
    live.jnsPeserta?.nama ?? null, live.jnsKelas?.nama ?? null, live.aktif ? 1 : 0, live.ketAktif, typeof live.tunggakan === 'number' ? live.tunggakan : null,
    live.noHP?.trim() || null, now, now)
}
