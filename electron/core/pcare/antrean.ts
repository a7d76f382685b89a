import type { Logger } from '../log'
import type { AntreanCredentials } from './credentials'
import { PcareTransport, type ConfigInput } from './client'
import { PcareError } from './errors'
import type * as T from './types'

const enc = encodeURIComponent

/** Ref lists come as a bare array (Khanza) or as {list} (ssecd, jkn-rust); accept both. */
function listOf<X>(response: unknown): X[] {
  if (Array.isArray(response)) return response as X[]
  if (response && typeof response === 'object' && Array.isArray((response as { list?: unknown }).list)) {
    return (response as { list: X[] }).list
  }
  return []
}

export interface AntreanAddResult {
  /** True when BPJS already had this patient queued ("sudah terdaftar"), which is the outcome we wanted. */
  alreadyQueued: boolean
  message: string
}

/** Antrean FKTP (Mobile JKN queue, faskes → BPJS): own base URL, lower-case `metadata`, yyyy-MM-dd dates. */
export class AntreanClient {
  private readonly transport: PcareTransport
  private readonly creds: AntreanCredentials

  constructor(opts: {
    credentials: AntreanCredentials
    config?: ConfigInput
    fetch?: typeof fetch
    now?: () => number
    logger?: Logger
    transport?: PcareTransport
  }) {
    this.creds = opts.credentials
    this.transport = opts.transport ?? new PcareTransport(opts)
  }

  async refPoli(tanggal: string): Promise<T.AntreanPoli[]> {
    const r = await this.transport.call('antrean', this.creds, 'GET', `ref/poli/tanggal/${enc(tanggal)}`)
    return listOf<T.AntreanPoli>(r.response)
  }

  async refDokter(kodepoli: string, tanggal: string): Promise<T.AntreanDokter[]> {
    const r = await this.transport.call('antrean', this.creds, 'GET', `ref/dokter/kodepoli/${enc(kodepoli)}/tanggal/${enc(tanggal)}`)
    return listOf<T.AntreanDokter>(r.response)
  }

  async add(input: T.AntreanAddInput): Promise<AntreanAddResult> {
    try {
      const r = await this.transport.call('antrean', this.creds, 'POST', 'antrean/add', input)
      return { alreadyQueued: false, message: r.message }
    } catch (err) {
      if (err instanceof PcareError && err.reason === 'duplicate') return { alreadyQueued: true, message: err.message }
      throw err
    }
  }

  async panggil(input: T.AntreanPanggilInput): Promise<string> {
    return (await this.transport.call('antrean', this.creds, 'POST', 'antrean/panggil', input)).message
  }

  async batal(input: T.AntreanBatalInput): Promise<string> {
    return (await this.transport.call('antrean', this.creds, 'POST', 'antrean/batal', input)).message
  }
}
