import { cachePeserta } from '../clinic/eligibility'
import type { DB } from '../db'
import { AntreanClient, obatOf, PcareClient, PcareError, syncCodeOf } from '../pcare'
import { pcareDay } from '../pcare/envelope'
import { SendError, type Executor, type SendSuccess } from './executor'
import { mayHaveLanded, type OutboxJob } from './outbox'
import type { AntreanBatalInput } from '../pcare/types'
import { antreanDoctor, storeSchedule } from '../clinic/doctors'
import { medicalRecordNumber, patientPhone } from '../clinic/records'
import { antreanAddBody, obatBody, tindakanBody, withProvider } from '../pcare/bodies'
import { parseJob, type ParsedJob } from './operations'

const RECONCILE_PAGE = 500
const RECONCILE_MAX_ROWS = 10_000

/**
 * Maps the PCare client's single classification onto the worker's retry vocabulary. `request` is the job's
 * sanitized body (never headers), kept with the attempt so the admin can see what was sent.
 */
export function toSendError(err: unknown, write: boolean, request?: unknown): SendError {
  if (err instanceof SendError) return err
  if (err instanceof PcareError) {
    return new SendError(err.kind, syncCodeOf(err.reason), err.message, {
      // Only a write can have landed; a failed read is simply retried.
      ambiguous: write && err.mayHaveCommitted,
      offline: err.reason === 'network',
      httpStatus: err.httpStatus ?? undefined,
      metaCode: err.metaCode ?? undefined,
      fields: err.fields,
      retryAfterMs: err.retryAfterMs,
      request,
      // The error is already masked by the client; this is what PCare answered, as the admin needs to read it.
      response: { httpStatus: err.httpStatus, metaCode: err.metaCode, message: err.message, fields: err.fields },
    })
  }
  const message = err instanceof Error ? err.message : String(err)
  return new SendError('transient', 'UNEXPECTED', message, { ambiguous: write, request })
}

function noKunjunganOf(db: DB, noRawat: string): string {
  const row = db.prepare('SELECT no_kunjungan FROM examinations WHERE no_rawat = ?').get(noRawat) as { no_kunjungan: string | null } | undefined
  // Order guarantees the kunjungan was sent first; a missing number means it was cancelled by an admin.
  if (!row?.no_kunjungan) throw new SendError('permanent', 'NO_KUNJUNGAN', `no noKunjungan for ${noRawat}`)
  return row.no_kunjungan
}

/** PCare's noUrut of the visit's pendaftaran, for its delete; the delete is ordered after the add that brought it. */
function noUrutOf(db: DB, noRawat: string): string {
  const row = db.prepare('SELECT no_urut FROM registrations WHERE no_rawat = ?').get(noRawat) as { no_urut: string | null } | undefined
  if (!row?.no_urut) throw new SendError('transient', 'WAITING_NO_URUT', `no noUrut yet for ${noRawat}`)
  return row.no_urut
}

/**
 * An id as a PCare list item carries it (text or a number), or null when it is missing or empty: a reconcile match
 * without one proves nothing, and `""` is never stored as PCare's id.
 */
function listId(v: unknown): string | null {
  const id = typeof v === 'string' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : ''
  return id === '' ? null : id
}

/** What a `peserta.verify` job learnt: PCare knows the card, and whether it is active (with PCare's own words). */
interface Verdict {
  found: boolean
  aktif: boolean
  ketAktif: string | null
}

/**
 * The card's own provider (kdProviderPst) as cached, or null. A pendaftaran registered offline names this faskes;
 * once the verify job has cached the card, its own provider is sent instead.
 */
function cachedProvider(db: DB, noKartu: string): string | null {
  const row = db.prepare('SELECT kd_provider FROM patients WHERE no_kartu = ?').get(noKartu) as { kd_provider: string | null } | undefined
  return row?.kd_provider ?? null
}

/**
 * Records the outcome of the re-check of a card registered offline, inside the job's done transaction: an active
 * card verifies the visit; an unknown or inactive one rejects it (PCare's ketAktif kept as the note) and cancels
 * every PCare and Antrean job of the visit still waiting (last error VERIFY_REJECTED with the reason), so nothing
 * about it reaches PCare. An in-flight Antrean job (it only waits for noUrut) is left; it never gets one.
 */
function applyVerdict(db: DB, noRawat: string, v: Verdict, now: number): void {
  if (v.found && v.aktif) {
    db.prepare(`UPDATE registrations SET verification = 'verified', verification_note = NULL, updated_at = ? WHERE no_rawat = ?`).run(now, noRawat)
    return
  }
  db.prepare(`UPDATE registrations SET verification = 'rejected', verification_note = ?, updated_at = ? WHERE no_rawat = ?`).run(v.found ? (v.ketAktif ?? '') : null, now, noRawat)
  // A detail for support (PCare's ketAktif as said), not a sentence: the page words VERIFY_REJECTED in its language.
  const detail = v.found ? `inactive: ${v.ketAktif ?? '-'}` : 'card not found in PCare'
  // No attempt row: nothing was sent, and a CANCELLED marker would read "cancelled by an admin". The row's last
  // error carries the reason to every list that shows the job.
  db.prepare(
    `UPDATE outbox SET status = 'cancelled', last_error_code = 'VERIFY_REJECTED', last_error_message = ?, updated_at = ?
      WHERE chain_key IN (?, ?) AND status IN ('pending', 'failed_transient', 'failed_permanent')`,
  ).run(detail, now, `pcare:${noRawat}`, `antrean:${noRawat}`)
}

/**
 * PCare operations. `client` is built per call from the keychain and settings so a credential change applies at once.
 */
export function pcareExecutor(db: DB, client: () => Promise<PcareClient>): Executor {
  async function send(job: OutboxJob): Promise<SendSuccess> {
    const parsed = parseJob('pcare', job)
    const c = await client()
    switch (parsed.operation) {
      case 'peserta.verify': {
        const p = parsed.payload
        const peserta = await c.getPeserta(p.noKartu)
        // The cache gets the whole answer (name, provider); the outbox keeps only the verdict, no patient data.
        if (peserta) cachePeserta(db, peserta, Date.now())
        const verdict: Verdict = { found: Boolean(peserta), aktif: peserta?.aktif ?? false, ketAktif: peserta?.ketAktif ?? null }
        return { result: verdict, request: p, response: verdict }
      }
      case 'pendaftaran.add': {
        const p = parsed.payload
        try {
          const noUrut = await c.addPendaftaran(withProvider(p, cachedProvider(db, p.noKartu)))
          return { result: { noUrut }, request: p, response: { noUrut } }
        } catch (err) {
          // PCare refuses a second pendaftaran of the same card/poli/day: if it is ours, that is success.
          if (err instanceof PcareError && err.reason === 'duplicate') {
            const found = await reconcile(job, parsed)
            if (found) return found
          }
          throw err
        }
      }
      case 'kunjungan.add': {
        const p = parsed.payload
        const noKunjungan = await c.addKunjungan(p)
        return { result: { noKunjungan }, request: p, response: { noKunjungan } }
      }
      case 'tindakan.add': {
        const body = tindakanBody(parsed.payload, noKunjunganOf(db, job.entityId))
        const kdTindakanSK = await c.addTindakan(body)
        return { result: { kdTindakanSK }, request: body, response: { kdTindakanSK } }
      }
      case 'obat.add': {
        const body = obatBody(parsed.payload, noKunjunganOf(db, job.entityId))
        const created = await c.addObat(body)
        return { result: created, request: body, response: created }
      }
      case 'pendaftaran.delete': {
        // PCare answers 304 for one already gone, which the client takes as success: a repeat is harmless.
        const body = { ...parsed.payload, noUrut: noUrutOf(db, job.entityId) }
        await c.deletePendaftaran(body)
        return { result: { noUrut: body.noUrut }, request: body, response: { deleted: true } }
      }
      case 'kunjungan.edit': {
        // PUT kunjungan/V1: the add's body with PCare's noKunjungan; sending the same body twice changes nothing.
        const body = { ...parsed.payload, noKunjungan: noKunjunganOf(db, job.entityId) }
        await c.editKunjungan(body)
        return { result: { noKunjungan: body.noKunjungan }, request: body, response: { edited: true } }
      }
      case 'kunjungan.delete': {
        const noKunjungan = noKunjunganOf(db, job.entityId)
        await c.deleteKunjungan(noKunjungan)
        return { result: { noKunjungan }, request: { noKunjungan }, response: { deleted: true } }
      }
    }
  }

  /** Asks PCare whether an earlier, ambiguous send of this job landed. `parsed`: the job's payload, parsed once. */
  async function reconcile(job: OutboxJob, parsed: ParsedJob<'pcare'>): Promise<SendSuccess | null> {
    const c = await client()
    switch (parsed.operation) {
      case 'pendaftaran.add': {
        const p = parsed.payload
        // A busy faskes can pass 500 registrations a day: page through the whole day (bounded) before concluding.
        for (let start = 0; start < RECONCILE_MAX_ROWS; start += RECONCILE_PAGE) {
          const list = await c.listPendaftaran(p.tglDaftar, start, RECONCILE_PAGE)
          const page = list?.list ?? []
          const noUrut = listId(page.find((x) => x.peserta?.noKartu === p.noKartu && x.poli?.kdPoli === p.kdPoli)?.noUrut)
          if (noUrut) return { result: { noUrut }, response: { noUrut, via: 'pendaftaran/tglDaftar' } }
          if (page.length < RECONCILE_PAGE) return null
        }
        throw new SendError('transient', 'RECONCILE_INCOMPLETE', `more than ${RECONCILE_MAX_ROWS} registrations on ${p.tglDaftar}`)
      }
      case 'kunjungan.add': {
        const p = parsed.payload
        const list = await c.getRiwayatKunjungan(p.noKartu)
        // tglKunjungan's format is not documented: compare days, whichever of PCare's two date formats it uses.
        const day = pcareDay(p.tglDaftar)
        const hit = list?.list?.find((x) => day !== null && pcareDay(x.tglKunjungan) === day && x.poli?.kdPoli === p.kdPoli)
        const noKunjungan = listId(hit?.noKunjungan)
        return noKunjungan ? { result: { noKunjungan }, response: { noKunjungan, via: 'kunjungan/peserta' } } : null
      }
      case 'tindakan.add': {
        const p = parsed.payload
        const list = await c.getTindakanKunjungan(noKunjunganOf(db, job.entityId))
        const kdTindakanSK = listId(list?.list?.find((x) => x.kdTindakan === p.kdTindakan && x.biaya === p.biaya)?.kdTindakanSK)
        return kdTindakanSK ? { result: { kdTindakanSK }, response: { via: 'tindakan/kunjungan' } } : null
      }
      case 'obat.add': {
        const p = parsed.payload
        const list = await c.getObatKunjungan(noKunjunganOf(db, job.entityId))
        // Items nest the drug (obat.kdObat) or carry it flat; obatOf reads both.
        const hit = list?.list?.find((x) => obatOf(x)?.kdObat === p.kdObat)
        const kdObatSK = listId(hit?.kdObatSK)
        return kdObatSK ? { result: { kdObatSK, kdRacikan: listId(hit?.kdRacikan) }, response: { via: 'obat/kunjungan' } } : null
      }
      case 'peserta.verify':
        // A read: nothing to reconcile, it is simply asked again.
        return null
      case 'pendaftaran.delete':
      case 'kunjungan.edit':
        // Sent again: a second DELETE of a gone pendaftaran is PCare's 304 (success), a second PUT the same edit.
        return null
      case 'kunjungan.delete': {
        // A second DELETE of a gone kunjungan is refused (412), so ask first: gone from the card's riwayat = done.
        const noKunjungan = noKunjunganOf(db, job.entityId)
        const list = await c.getRiwayatKunjungan(parsed.payload.noKartu)
        const still = list?.list?.some((x) => x.noKunjungan === noKunjungan)
        return still ? null : { result: { noKunjungan }, response: { noKunjungan, via: 'kunjungan/peserta' } }
      }
    }
  }

  return {
    target: 'pcare',
    // A verify is a read: a failed one cannot have landed, so it is simply asked again.
    send: (job) => send(job).catch((err) => Promise.reject(toSendError(err, job.operation !== 'peserta.verify', job.payload))),
    async reconcile(job) {
      try {
        return await reconcile(job, parseJob('pcare', job))
      } catch (err) {
        throw toSendError(err, false)
      }
    },
    apply(d, job, result) {
      const r = result as Record<string, unknown>
      if (job.operation === 'peserta.verify') applyVerdict(d, job.entityId, result as Verdict, Date.now())
      if (job.operation === 'pendaftaran.add') d.prepare('UPDATE registrations SET no_urut = ?, updated_at = ? WHERE no_rawat = ?').run(String(r.noUrut), Date.now(), job.entityId)
      if (job.operation === 'kunjungan.add') d.prepare('UPDATE examinations SET no_kunjungan = ?, updated_at = ? WHERE no_rawat = ?').run(String(r.noKunjungan), Date.now(), job.entityId)
    },
    async probe() {
      try {
        await (await client()).getKesadaran()
        return true
      } catch (err) {
        // Reachable but refusing (401, 4xx) still means the network is back; the job itself will say what is wrong.
        return err instanceof PcareError && err.reason !== 'network' && err.reason !== 'timeout' && err.kind === 'permanent'
      }
    },
  }
}

/**
 * Mobile JKN queue: `antrean.add` waits for PCare's noUrut of the same registration, which becomes the queue
 * number; `antrean.panggil` (hadir / tidak hadir from the poli queue) and `antrean.batal` (the registration cancelled)
 * follow it on the same chain and are sent as queued.
 */
export function antreanExecutor(db: DB, client: () => Promise<AntreanClient>): Executor {
  async function send(job: OutboxJob): Promise<SendSuccess> {
    const parsed = parseJob('antrean', job)
    if (parsed.operation === 'antrean.panggil') {
      const p = parsed.payload
      const message = await (await client()).panggil(p)
      return { result: { status: p.status }, request: p, response: { message } }
    }
    if (parsed.operation === 'antrean.batal') return batal(job, parsed.payload)
    const reg = db.prepare('SELECT no_urut, no_kartu, kd_dokter, kd_poli, tgl_daftar, created_at FROM registrations WHERE no_rawat = ?').get(job.entityId) as
      | { no_urut: string | null; no_kartu: string; kd_dokter: string | null; kd_poli: string; tgl_daftar: string; created_at: number }
      | undefined
    if (!reg?.no_urut) throw new SendError('transient', 'WAITING_NO_URUT', `no noUrut yet for ${job.entityId}`)
    // The doctor's code, name and hours as Antrean's own schedule gives them (clinic/doctors.ts), never invented:
    // when the cache does not say, Antrean is asked for that day's schedule, and the job waits if it still does not.
    const who = { kdPoli: reg.kd_poli, tanggal: reg.tgl_daftar, kdDokter: reg.kd_dokter, registeredAt: reg.created_at }
    const antrean = await client()
    let dok = antreanDoctor(db, who)
    if (!dok) {
      storeSchedule(db, reg.kd_poli, reg.tgl_daftar, await antrean.refDokter(reg.kd_poli, reg.tgl_daftar), Date.now())
      dok = antreanDoctor(db, who)
    }
    if (!dok) {
      const named = reg.kd_dokter ? ` for kdDokter ${reg.kd_dokter}` : ''
      throw new SendError('transient', 'NO_SCHEDULE_DOCTOR', `no doctor on the Antrean schedule of poli ${reg.kd_poli} on ${reg.tgl_daftar}${named}`)
    }
    // The number given at registration (or, for a registration older than the numbers, by migration 0009).
    const noRm = medicalRecordNumber(db, reg.no_kartu, Date.now())
    const body = antreanAddBody(parsed.payload, { noUrut: reg.no_urut, kdPoli: reg.kd_poli, noRm, noHp: patientPhone(db, reg.no_kartu) }, dok)
    const r = await antrean.add(body)
    return { result: { alreadyQueued: r.alreadyQueued, nomorantrean: body.nomorantrean }, request: body, response: r }
  }
  /**
   * Antrean `batal` has no read to reconcile with, and a second batal of an entry already cancelled is refused as
   * "not found" (the simulator's wording; production's is UNCONFIRMED): after a send that may have landed, that
   * refusal means the first one did.
   */
  async function batal(job: OutboxJob, p: AntreanBatalInput): Promise<SendSuccess> {
    try {
      const message = await (await client()).batal(p)
      return { result: { batal: true }, request: p, response: { message } }
    } catch (err) {
      if (mayHaveLanded(job) && err instanceof PcareError && err.reason === 'rejected' && /tidak ditemukan/i.test(err.message)) {
        return { result: { batal: true }, request: p, response: { message: err.message, via: 'antrean/batal repeat' } }
      }
      throw err
    }
  }

  return {
    target: 'antrean',
    send: (job) => send(job).catch((err) => Promise.reject(toSendError(err, true, job.payload))),
    // Antrean add answers "sudah terdaftar" for a repeat, which the client already treats as success.
    reconcile: async () => null,
    apply() {},
    async probe() {
      try {
        await (await client()).refPoli(new Date().toISOString().slice(0, 10))
        return true
      } catch (err) {
        return err instanceof PcareError && err.reason !== 'network' && err.reason !== 'timeout' && err.kind === 'permanent'
      }
    },
  }
}
