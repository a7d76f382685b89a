import type { DB } from '../db'
import { AppError } from '../errors'
import type { LedgerConnection } from '../ledger/gateway'
import { chaincodeErrorKind } from '../ledger/gateway'
import { PcareError, type PcareClient } from '../pcare'
import type { Peserta } from '../pcare/types'

export interface PatientView {
  noKartu: string
  nik: string | null
  nama: string
  sex: string | null
  tglLahir: string | null
  jnsPeserta: string | null
  jnsKelas: string | null
  kdProvider: string | null
  nmProvider: string | null
  aktif: boolean | null
  ketAktif: string | null
}
export interface PatientCheck {
  /** 'live' = PCare answered now; 'cache' = PCare could not be reached and this is the last known status. */
  source: 'live' | 'cache' | 'none'
  /** When the shown PCare status was read (the "as of" time the counter must see when offline). */
  checkedAt: number | null
  pcareError: string | null
  patient: PatientView | null
  ledger: { status: string | null; checkedAt: number | null; source: 'live' | 'cache' | 'none'; error: string | null }
}

export interface Remotes {
  pcare(): Promise<PcareClient>
  ledger(): Promise<LedgerConnection>
}

/** Validates what the counter typed or scanned: a 13-digit card number or a 16-digit NIK, nothing else. */
export function parseCardQuery(raw: string): { kind: 'noka' | 'nik'; value: string } {
  const v = raw.replace(/[\s-]/g, '')
  if (/^\d{13}$/.test(v)) return { kind: 'noka', value: v }
  if (/^\d{16}$/.test(v)) return { kind: 'nik', value: v }
  const digits = /^\d+$/.test(v)
  throw new AppError(
    'INVALID_INPUT',
    digits
      ? `Nomor terdiri dari ${v.length} digit. Nomor kartu BPJS 13 digit, NIK 16 digit.`
      : 'Isi harus angka: nomor kartu BPJS (13 digit) atau NIK (16 digit).',
    [{ field: 'query', message: 'format' }],
  )
}

/** Bounds an interactive remote read: the person at the screen gets the local answer instead of a long wait. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout
  return Promise.race([p, new Promise<T>((_, rej) => (t = setTimeout(() => rej(new Error(`${what}: tidak ada jawaban dalam ${ms / 1000} detik`)), ms)))]).finally(() => clearTimeout(t))
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
})

/**
 * Card status and eligibility for the counter: PCare and the ledger are asked at once, each with a short deadline;
 * whatever cannot answer is replaced by the cached status with its time. A successful answer refreshes the cache.
 */
export async function checkPatient(db: DB, remotes: Remotes | null, query: string, now = Date.now(), timeoutMs = 4000): Promise<PatientCheck> {
  const q = parseCardQuery(query)
  const cached = () =>
    db.prepare(`SELECT * FROM patients WHERE ${q.kind === 'noka' ? 'no_kartu' : 'nik'} = ?`).get(q.value) as CacheRow | undefined

  let live: Peserta | null | undefined
  let pcareError: string | null = null
  if (remotes) {
    try {
      const c = await remotes.pcare()
      live = await withTimeout(q.kind === 'noka' ? c.getPeserta(q.value) : c.getPesertaBy('nik', q.value), timeoutMs, 'PCare')
    } catch (err) {
      pcareError = err instanceof PcareError || err instanceof AppError || err instanceof Error ? err.message : String(err)
    }
  } else pcareError = 'PCare belum dikonfigurasi.'

  if (live) {
    db.prepare(
      `INSERT INTO patients (no_kartu, nik, nama, sex, tgl_lahir, kd_provider, nm_provider, jns_peserta, jns_kelas, aktif, ket_aktif, pcare_checked_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (no_kartu) DO UPDATE SET nik = excluded.nik, nama = excluded.nama, sex = excluded.sex, tgl_lahir = excluded.tgl_lahir,
         kd_provider = excluded.kd_provider, nm_provider = excluded.nm_provider, jns_peserta = excluded.jns_peserta, jns_kelas = excluded.jns_kelas,
         aktif = excluded.aktif, ket_aktif = excluded.ket_aktif, pcare_checked_at = excluded.pcare_checked_at, updated_at = excluded.updated_at`,
    ).run(live.noKartu, live.noKTP || null, live.nama, live.sex, live.tglLahir, live.kdProviderPst?.kdProvider ?? null, live.kdProviderPst?.nmProvider ?? null,
      live.jnsPeserta?.nama ?? null, live.jnsKelas?.nama ?? null, live.aktif ? 1 : 0, live.ketAktif, now, now)
  }
  const row = cached()
  const noKartu = row?.no_kartu ?? (q.kind === 'noka' ? q.value : null)

  const ledger: PatientCheck['ledger'] = { status: row?.ledger_status ?? null, checkedAt: row?.ledger_checked_at ?? null, source: row?.ledger_status ? 'cache' : 'none', error: null }
  if (noKartu && remotes) {
    try {
      const conn = await remotes.ledger()
      const bytes = await withTimeout(conn.contract('Card').evaluateTransaction('ReadStatus', noKartu), timeoutMs, 'Ledger')
      const status = String((JSON.parse(Buffer.from(bytes).toString()) as { status?: string }).status ?? '')
      Object.assign(ledger, { status, checkedAt: now, source: 'live' })
      if (row) db.prepare('UPDATE patients SET ledger_status = ?, ledger_checked_at = ? WHERE no_kartu = ?').run(status, now, noKartu)
    } catch (err) {
      if (chaincodeErrorKind(err) === 'NOT_FOUND') Object.assign(ledger, { status: 'TIDAK_TERCATAT', checkedAt: now, source: 'live' })
      else ledger.error = err instanceof Error ? err.message : String(err)
    }
  }
  if (live === null && !row) {
    return { source: 'live', checkedAt: now, pcareError: 'Peserta tidak ditemukan di PCare.', patient: null, ledger }
  }
  return {
    source: live ? 'live' : row ? 'cache' : 'none',
    checkedAt: live ? now : (row?.pcare_checked_at ?? null),
    pcareError,
    patient: row ? fromRow(row) : null,
    ledger,
  }
}
