import { createLogger, type Logger } from '../log'
import { fetchWithTimeouts, networkCause } from '../util/http'
import { resolveConfig, type PcareConfig, type PcareTimeouts } from './config'
import type { AntreanCredentials, PcareCredentials } from './credentials'
import { DEFAULT_KD_APLIKASI } from './credentials'
import { authorization, signature, timestampOf } from './crypto'
import { createdIds, parseResponse, type PcareResult, type Service } from './envelope'
import { classify, PcareError } from './errors'
import type * as T from './types'

export type ConfigInput = Partial<Omit<PcareConfig, 'timeouts'>> & { timeouts?: Partial<PcareTimeouts> }

export interface PcareClientOptions {
  credentials: PcareCredentials
  /** Needed only for the Antrean FKTP calls. */
  antreanCredentials?: AntreanCredentials
  config?: ConfigInput
  /** Node 20's global fetch by default; tests and the CLI may pass their own. */
  fetch?: typeof fetch
  /** Wall clock in ms; injectable so clock-skew behaviour can be tested. */
  now?: () => number
  logger?: Logger
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

/**
 * Request headers for one call. The caller passes the single timestamp it also uses to decrypt the answer.
 */
export function buildHeaders(
  service: Service,
  creds: PcareCredentials | AntreanCredentials,
  timestamp: string,
  method: Method,
  config: Pick<PcareConfig, 'postContentType' | 'omitBasicPrefix'>,
): Record<string, string> {
  const headers: Record<string, string> = {
    'X-cons-id': creds.consId,
    'X-timestamp': timestamp,
    'X-signature': signature(creds.consId, creds.secretKey, timestamp),
    user_key: creds.userKey,
    Accept: 'application/json',
    'Content-Type': method === 'GET' || method === 'DELETE' ? 'application/json; charset=utf-8' : config.postContentType,
  }
  // Antrean FKTP: sources disagree whether X-authorization is required, so send it only when configured.
  if (creds.username !== undefined && creds.password !== undefined && (service === 'pcare' || creds.username !== '')) {
    headers['X-authorization'] = authorization(
      creds.username,
      creds.password,
      creds.kdAplikasi ?? DEFAULT_KD_APLIKASI,
      !config.omitBasicPrefix,
    )
  }
  return headers
}

const enc = encodeURIComponent

/**
 * The id `field` of a create answer (createdIds reads every shape seen). An answer without it is not a success to
 * record: the write may have landed, so it is a transient `bad_body` that may have committed, which the outbox
 * reconciles before sending again (docs/pcare.md#create-answers). The error names the shape, never the answer's text.
 */
function requireCreatedId(r: PcareResult<unknown>, field: string, method: Method): string {
  const id = createdIds(r.response, field).get(field.toLowerCase())
  if (id !== undefined) return id
  const shape = Array.isArray(r.response) ? `an array of ${r.response.length}` : r.response === null ? 'no response' : `a ${typeof r.response}`
  throw classify({
    body: 'unparseable',
    httpStatus: r.httpStatus,
    metaCode: r.metaCode,
    method,
    message: `create answer without ${field} (${shape})`,
  })
}

/** What `POST obat/kunjungan` created: the line's kdObatSK, and the kdRacikan PCare names for a racikan (else null). */
export interface ObatCreated {
  kdObatSK: string
  kdRacikan: string | null
}

/**
 * The drug of a `GET obat/kunjungan/{no}` item: nested as `obat: {kdObat, nmObat, …}` (ML's template, TD's
 * ObatByKunjunganType) or flat `kdObat`/`nmObat`; null when the item names no drug (docs/pcare.md#tindakan-and-obat).
 */
export function obatOf(item: T.ObatKunjungan): { kdObat: string; nmObat: string } | null {
  const nested = item.obat
  const kdObat = nested?.kdObat ?? item.kdObat
  if (kdObat === undefined || kdObat === null || String(kdObat) === '') return null
  return { kdObat: String(kdObat), nmObat: String(nested?.nmObat ?? item.nmObat ?? '') }
}

/** Transport shared by the PCare and Antrean clients: sign, send with timeouts, parse, classify, log. */
export class PcareTransport {
  readonly config: PcareConfig
  private readonly fetchImpl: typeof fetch
  private readonly now: () => number
  private readonly log: Logger

  constructor(opts: { config?: ConfigInput; fetch?: typeof fetch; now?: () => number; logger?: Logger }) {
    this.config = resolveConfig(opts.config)
    this.fetchImpl = opts.fetch ?? fetch
    this.now = opts.now ?? Date.now
    this.log = opts.logger ?? createLogger({ scope: 'pcare' })
  }

  async call<R>(
    service: Service,
    creds: PcareCredentials | AntreanCredentials,
    method: Method,
    path: string,
    body?: unknown,
  ): Promise<PcareResult<R>> {
    const nowMs = this.now()
    const timestamp = timestampOf(nowMs)
    const headers = buildHeaders(service, creds, timestamp, method, this.config)
    const base = service === 'pcare' ? this.config.baseUrl : this.config.antreanBaseUrl
    const url = `${base}/${path.replace(/^\/+/, '')}`
    const started = performance.now()
    this.log.debug('request', { service, method, path, headers })
    try {
      const answer = await fetchWithTimeouts(this.fetchImpl, url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, this.config.timeouts)
      if (!answer.ok) {
        throw classify({
          transport: answer.transport,
          method,
          message: answer.transport === 'timeout' ? `no complete answer within the timeout (${path})` : `network error: ${networkCause(answer.error)}`,
        })
      }
      const { res, text } = answer
      const result = parseResponse<R>(
        { status: res.status, contentType: res.headers.get('content-type'), body: text, retryAfter: res.headers.get('retry-after') },
        { service, method, consId: creds.consId, secretKey: creds.secretKey, timestamp, nowMs: this.now() },
      )
      this.log.info('response', {
        service,
        method,
        path,
        httpStatus: result.httpStatus,
        metaCode: result.metaCode,
        ms: Math.round(performance.now() - started),
      })
      return result
    } catch (err) {
      const e = err instanceof PcareError ? err : classify({ transport: 'network', method, message: String(err) })
      this.log.warn('failed', {
        service,
        method,
        path,
        kind: e.kind,
        reason: e.reason,
        httpStatus: e.httpStatus,
        metaCode: e.metaCode,
        message: e.message,
        ms: Math.round(performance.now() - started),
      })
      throw e
    }
  }
}

/** The PCare REST catalogue used by the workstation (docs/pcare.md#endpoints). */
export class PcareClient {
  readonly transport: PcareTransport
  private readonly creds: PcareCredentials

  constructor(opts: PcareClientOptions) {
    this.creds = opts.credentials
    this.transport = new PcareTransport(opts)
  }

  get config(): PcareConfig {
    return this.transport.config
  }

  /** Raw call for the CLI's `get` and for endpoints not wrapped below. */
  request<R = unknown>(method: Method, path: string, body?: unknown): Promise<PcareResult<R>> {
    return this.transport.call<R>('pcare', this.creds, method, path, body)
  }

  private async get<R>(path: string): Promise<R> {
    return (await this.request<R>('GET', path)).response
  }

  /* Peserta: null when PCare answers 204 (not found). */
  getPeserta(noKartu: string): Promise<T.Peserta | null> {
    return this.get(`peserta/${enc(noKartu)}`)
  }
  getPesertaBy(jenisKartu: 'noka' | 'nik', nomor: string): Promise<T.Peserta | null> {
    return this.get(`peserta/${jenisKartu}/${enc(nomor)}`)
  }

  /* Reference data */
  searchDiagnosa(keyword: string, start = 0, limit = 100): Promise<T.PcareList<T.Diagnosa>> {
    return this.get(`diagnosa/${enc(keyword)}/${start}/${limit}`)
  }
  getDokter(start = 0, limit = 500): Promise<T.PcareList<T.Dokter>> {
    return this.get(`dokter/${start}/${limit}`)
  }
  getPoliFktp(start = 0, limit = 500): Promise<T.PcareList<T.Poli>> {
    return this.get(`poli/fktp/${start}/${limit}`)
  }
  getKesadaran(): Promise<T.PcareList<T.Kesadaran>> {
    return this.get('kesadaran')
  }
  getStatusPulang(rawatInap: boolean): Promise<T.PcareList<T.StatusPulang>> {
    return this.get(`statuspulang/rawatInap/${rawatInap}`)
  }
  getProvider(start = 0, limit = 10_000): Promise<T.PcareList<T.Provider>> {
    return this.get(`provider/${start}/${limit}`)
  }
  getSpesialis(): Promise<T.PcareList<T.Spesialis>> {
    return this.get('spesialis')
  }
  getSubSpesialis(kdSpesialis: string): Promise<T.PcareList<T.SubSpesialis>> {
    return this.get(`spesialis/${enc(kdSpesialis)}/subspesialis`)
  }
  getSarana(): Promise<T.PcareList<T.Sarana>> {
    return this.get('spesialis/sarana')
  }
  getKhusus(): Promise<T.PcareList<T.Khusus>> {
    return this.get('spesialis/khusus')
  }
  getAlergi(jenis: T.JenisAlergi): Promise<T.PcareList<T.Alergi>> {
    return this.get(`alergi/jenis/${jenis}`)
  }
  getPrognosa(): Promise<T.PcareList<T.Prognosa>> {
    return this.get('prognosa')
  }
  getFaskesRujukanSubSpesialis(kdSubSpesialis: string, kdSarana: string, tglEstRujuk: string): Promise<T.PcareList<T.FaskesRujukan>> {
    return this.get(`spesialis/rujuk/subspesialis/${enc(kdSubSpesialis)}/sarana/${enc(kdSarana)}/tglEstRujuk/${enc(tglEstRujuk)}`)
  }
  getFaskesRujukanKhusus(kdKhusus: string, noKartu: string, tglEstRujuk: string): Promise<T.PcareList<T.FaskesRujukan>> {
    return this.get(`spesialis/rujuk/khusus/${enc(kdKhusus)}/noKartu/${enc(noKartu)}/tglEstRujuk/${enc(tglEstRujuk)}`)
  }
  /** Thalassemia (THA) and hemofilia (HEM): the khusus lookup also names the sub-spesialis. */
  getFaskesRujukanKhususSub(kdKhusus: string, kdSubSpesialis: string, noKartu: string, tglEstRujuk: string): Promise<T.PcareList<T.FaskesRujukan>> {
    return this.get(`spesialis/rujuk/khusus/${enc(kdKhusus)}/subspesialis/${enc(kdSubSpesialis)}/noKartu/${enc(noKartu)}/tglEstRujuk/${enc(tglEstRujuk)}`)
  }
  searchObatDpho(keyword: string, start = 0, limit = 100): Promise<T.PcareList<T.ObatDpho>> {
    return this.get(`obat/dpho/${enc(keyword)}/${start}/${limit}`)
  }
  getTindakanRef(kdTkp: T.KdTkp, start = 0, limit = 500): Promise<T.PcareList<T.TindakanRef>> {
    return this.get(`tindakan/kdTkp/${kdTkp}/${start}/${limit}`)
  }

  /* Pendaftaran */
  /** Returns the noUrut (documented as one {field:'noUrut', message}; any create shape is read). Throws PcareError. */
  async addPendaftaran(input: T.PendaftaranInput): Promise<string> {
    return requireCreatedId(await this.request('POST', 'pendaftaran', input), 'noUrut', 'POST')
  }
  getPendaftaran(noUrut: string, tglDaftar: string): Promise<T.Pendaftaran | null> {
    return this.get(`pendaftaran/noUrut/${enc(noUrut)}/tglDaftar/${enc(tglDaftar)}`)
  }
  /** Reconcile helper: what PCare holds for a date, before re-sending after an ambiguous failure. */
  listPendaftaran(tglDaftar: string, start = 0, limit = 500): Promise<T.PcareList<T.Pendaftaran>> {
    return this.get(`pendaftaran/tglDaftar/${enc(tglDaftar)}/${start}/${limit}`)
  }
  async deletePendaftaran(p: { noKartu: string; tglDaftar: string; noUrut: string; kdPoli: string }): Promise<void> {
    await this.request(
      'DELETE',
      `pendaftaran/peserta/${enc(p.noKartu)}/tglDaftar/${enc(p.tglDaftar)}/noUrut/${enc(p.noUrut)}/kdPoli/${enc(p.kdPoli)}`,
    )
  }

  /* Kunjungan */
  /** Returns the noKunjungan (documented as an array of {field, message}; any create shape is read). Throws PcareError. */
  async addKunjungan(input: T.KunjunganInput): Promise<string> {
    return requireCreatedId(await this.request('POST', this.config.kunjunganPath, input), 'noKunjungan', 'POST')
  }
  async editKunjungan(input: T.KunjunganInput & { noKunjungan: string }): Promise<void> {
    await this.request('PUT', this.config.kunjunganPath, input)
  }
  async deleteKunjungan(noKunjungan: string): Promise<void> {
    await this.request('DELETE', `kunjungan/${enc(noKunjungan)}`)
  }
  /** Reconcile helper: a patient's visits as PCare holds them. */
  getRiwayatKunjungan(noKartu: string): Promise<T.PcareList<T.RiwayatKunjungan>> {
    return this.get(`kunjungan/peserta/${enc(noKartu)}`)
  }
  getRujukan(noKunjungan: string): Promise<T.Rujukan | null> {
    return this.get(`kunjungan/rujukan/${enc(noKunjungan)}`)
  }

  /* Tindakan and obat of a visit */
  /** Returns kdTindakanSK (documented as one {field, message}; any create shape is read). Throws PcareError. */
  async addTindakan(input: T.TindakanInput): Promise<string> {
    return requireCreatedId(await this.request('POST', 'tindakan', input), 'kdTindakanSK', 'POST')
  }
  async deleteTindakan(kdTindakanSK: string | number, noKunjungan: string): Promise<void> {
    await this.request('DELETE', `tindakan/${enc(String(kdTindakanSK))}/kunjungan/${enc(noKunjungan)}`)
  }
  getTindakanKunjungan(noKunjungan: string): Promise<T.PcareList<T.TindakanKunjungan>> {
    return this.get(`tindakan/kunjungan/${enc(noKunjungan)}`)
  }
  /**
   * Returns kdObatSK and, for a racikan, kdRacikan (documented as an array whose kdObatSK entry carries the id, KH;
   * any create shape is read). Throws PcareError.
   */
  async addObat(input: T.ObatInput): Promise<ObatCreated> {
    const r = await this.request('POST', 'obat/kunjungan', input)
    const kdObatSK = requireCreatedId(r, 'kdObatSK', 'POST')
    return { kdObatSK, kdRacikan: createdIds(r.response, 'kdObatSK').get('kdracikan') ?? null }
  }
  async deleteObat(kdObatSK: string | number, noKunjungan: string): Promise<void> {
    await this.request('DELETE', `obat/${enc(String(kdObatSK))}/kunjungan/${enc(noKunjungan)}`)
  }
  getObatKunjungan(noKunjungan: string): Promise<T.PcareList<T.ObatKunjungan>> {
    return this.get(`obat/kunjungan/${enc(noKunjungan)}`)
  }
}
