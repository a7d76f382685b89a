import type { Locale } from './i18n'

/**
 * Sync error codes (from the PCare and ledger executors and the retry limit) as sentences an admin can act on.
 * Unknown codes fall back to the stored message, which the executors already write in Bahasa Indonesia.
 */
const reasons: Record<string, [id: string, en: string]> = {
  JVALUE: ['PCare menolak isian: ada nilai yang tidak sesuai format (mis. kode, tanggal atau angka). Periksa data kunjungan, perbaiki bila perlu, lalu kirim ulang.', 'PCare rejected a value with the wrong format (e.g. a code, date or number). Check the visit data, correct it if needed, then resend.'],
  VALIDATION: ['PCare menolak data karena ada isian yang tidak valid. Lihat daftar isian.', 'PCare rejected the data because a field is invalid. See the field list.'],
  PRECONDITION: ['PCare menolak karena syarat belum terpenuhi (misalnya pendaftaran belum ada).', 'PCare refused because a precondition is not met (e.g. no registration yet).'],
  DUPLICATE: ['Data ini sudah tercatat di PCare.', 'This record already exists in PCare.'],
  HTTP5XX: ['Server PCare sedang bermasalah (galat 5xx). Akan dicoba lagi otomatis.', 'The PCare server had an error (5xx). It will be retried automatically.'],
  GATEWAY_HTML: ['Gerbang BPJS mengirim halaman galat, bukan data. Akan dicoba lagi.', 'The BPJS gateway returned an error page instead of data. Will retry.'],
  TIMEOUT: ['PCare tidak menjawab dalam batas waktu. Akan dicoba lagi.', 'PCare did not answer in time. Will retry.'],
  NETWORK: ['Jaringan ke PCare terputus. Akan dicoba lagi saat tersambung.', 'The network to PCare is down. Will retry when connected.'],
  RATE_LIMITED: ['Terlalu banyak permintaan ke PCare; menunggu sebentar.', 'Too many requests to PCare; waiting a moment.'],
  CLOCK_SKEW: ['PCare menolak waktu permintaan: jam komputer ini berbeda terlalu jauh dari jam server. Periksa jam dan zona waktu komputer; pengiriman dicoba lagi otomatis.', 'PCare refused the request time: this computer\'s clock is too far from the server\'s. Check the clock and time zone; sending is retried automatically.'],
  UNAUTHORIZED: ['PCare menolak kredensial (user key, kata sandi, atau jam komputer tidak tepat). Periksa kredensial dan jam.', 'PCare refused the credentials (user key, password, or the clock is off). Check credentials and the clock.'],
  NOT_REGISTERED: ['Peserta tidak terdaftar di faskes ini menurut PCare.', 'PCare says the member is not registered at this facility.'],
  NOT_FOUND: ['Data tidak ditemukan di PCare.', 'The record was not found in PCare.'],
  BAD_BODY: ['Jawaban PCare tidak dapat dibaca.', 'The PCare answer could not be read.'],
  GARBAGE_CIPHERTEXT: ['Jawaban PCare tidak dapat didekripsi. Periksa consId dan secret key.', 'The PCare answer could not be decrypted. Check consId and secret key.'],
  BAD_REQUEST: ['PCare menolak permintaan (400). Lihat daftar isian.', 'PCare rejected the request (400). See the field list.'],
  REJECTED: ['PCare menolak data ini.', 'PCare rejected this record.'],
  HTTP4XX: ['PCare menolak permintaan (galat 4xx).', 'PCare rejected the request (4xx).'],
  RETRY_LIMIT: ['Sudah dicoba berkali-kali tanpa berhasil; menunggu tindakan admin (kirim ulang atau batalkan).', 'Tried many times without success; waiting for an admin (resend or cancel).'],
  NO_KUNJUNGAN: ['Kunjungan belum tercatat di PCare, jadi tindakan/obat belum dapat dikirim.', 'The visit is not in PCare yet, so procedures/drugs cannot be sent.'],
  WAITING_NO_URUT: ['Menunggu nomor urut dari PCare.', 'Waiting for the queue number from PCare.'],
  PEER_UNREACHABLE: ['Peer ledger tidak dapat dihubungi. Akan dicoba lagi saat tersambung.', 'The ledger peer cannot be reached. Will retry when connected.'],
  UNEXPECTED: ['Galat tak terduga saat mengirim; akan dicoba lagi.', 'Unexpected error while sending; will retry.'],
  CANCELLED: ['Dibatalkan oleh admin.', 'Cancelled by an admin.'],
}

export function reasonText(locale: Locale, code: string | null, message: string | null): string {
  if (!code) return message ?? ''
  const i = locale === 'id' ? 0 : 1
  if (reasons[code]) return reasons[code][i]
  if (code.startsWith('CHAINCODE_STATE') || code === 'CHAINCODE_CONFLICT')
    return locale === 'id' ? 'Ledger menolak karena status data tidak sesuai (mis. sudah diproses atau belum ada). ' + (message ?? '') : 'The ledger refused because the record is in the wrong state. ' + (message ?? '')
  if (code.startsWith('CHAINCODE_')) return (locale === 'id' ? 'Ledger menolak transaksi: ' : 'The ledger refused the transaction: ') + (message ?? code)
  if (code.startsWith('COMMIT_INVALID')) return (locale === 'id' ? 'Transaksi ledger tidak sah saat validasi. ' : 'The ledger transaction failed validation. ') + (message ?? '')
  return message ?? code
}
