import type { Locale } from './i18n'

/**
 * Sync error codes (from the PCare and ledger executors and the retry limit) as sentences an admin can act on.
 * Unknown codes fall back to the stored message, which the executors already write in Bahasa Indonesia.
 */
const reasons: Record<string, [id: string, en: string]> = {
  JVALUE: ['PCare menolak isian: ada nilai yang tidak sesuai format (mis. kode, tanggal atau angka). Periksa data kunjungan, perbaiki bila perlu, lalu kirim ulang.', 'PCare rejected a value with the wrong format (e.g. a code, date or number). Check the visit data, correct it if needed, then resend.'],
  VALIDATION: ['PCare menolak data karena ada isian yang tidak valid. Lihat daftar isian.', 'PCare rejected the data because a field is invalid. See the field list.'],
  // PCare answers 424 for a master code it does not know (reference/pcare.md §3), e.g. "Kode tindakan 99999 tidak ditemukan".
  PRECONDITION: ['PCare tidak mengenali kode data master (poli, dokter, diagnosa, tindakan atau obat). Perbaiki kodenya di PCare atau batalkan baris ini.', 'PCare does not know a master code (poli, doctor, diagnosis, procedure or drug). Correct it in PCare or cancel this line.'],
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
  START_INDEX: ['PCare menolak halaman daftar yang diminta (indeks awal). Akan dicoba lagi.', 'PCare refused the requested page of a list (start index). Will retry.'],
  UNKNOWN_OPERATION: ['Jenis pengiriman ini tidak dikenal oleh versi aplikasi ini. Perbarui aplikasi atau batalkan.', 'This kind of delivery is unknown to this version of the app. Update the app or cancel.'],
  RECONCILE_INCOMPLETE: ['Daftar pendaftaran hari ini di PCare terlalu panjang untuk diperiksa sekarang; dicoba lagi nanti.', "Today's registration list in PCare is too long to check now; will try again later."],
  VERIFY_REJECTED: ['Kartu ditolak saat diperiksa ulang di PCare; pendaftaran tidak dikirim.', 'The card was refused when checked again in PCare; the registration was not sent.'],
  RESEND_REQUESTED: ['Dikirim ulang oleh admin.', 'Resent by an admin.'],
  ENDORSE_FAILED: ['Peer ledger tidak menyetujui transaksi; akan dicoba lagi.', 'The ledger peers did not endorse the transaction; will retry.'],
  SUBMIT_FAILED: ['Orderer ledger tidak menerima transaksi; akan dicoba lagi.', 'The ledger orderer did not accept the transaction; will retry.'],
  COMMIT_STATUS_UNKNOWN: ['Belum diketahui apakah transaksi ledger tercatat; akan diperiksa lagi.', 'Not yet known whether the ledger transaction was committed; will check again.'],
  MVCC_CONFLICT: ['Transaksi ledger bertabrakan dengan perubahan lain pada data yang sama; akan dicoba lagi.', 'The ledger transaction clashed with another change to the same record; will retry.'],
  LEDGER_ERROR: ['Galat ledger; akan dicoba lagi.', 'Ledger error; will retry.'],
  UNCONFIGURED: ['PCare belum dikonfigurasi (alamat atau kredensial) di Pengaturan.', 'PCare is not configured (address or credentials) in Settings.'],
}

/** Codes whose stored message is PCare's own answer (metaData.message), not a sentence of ours. */
const PCARE_WORDS = new Set(['JVALUE', 'VALIDATION', 'PRECONDITION', 'DUPLICATE', 'NOT_FOUND', 'NOT_REGISTERED', 'BAD_REQUEST', 'REJECTED', 'HTTP4XX', 'UNAUTHORIZED'])

/** PCare's own words for a refusal, to be shown first and as said; null when the failure carries none. */
export function pcareWords(code: string | null, message: string | null): string | null {
  return code && PCARE_WORDS.has(code) && message?.trim() ? message.trim() : null
}

export function reasonText(locale: Locale, code: string | null, message: string | null): string {
  if (!code) return message ?? ''
  const i = locale === 'id' ? 0 : 1
  // The admin's own reason for a cancel is kept with it; show it rather than only "cancelled".
  if (code === 'CANCELLED' && message?.trim()) return `${reasons.CANCELLED[i]} ${message.trim()}`
  if (reasons[code]) return reasons[code][i]
  if (code.startsWith('CHAINCODE_STATE') || code === 'CHAINCODE_CONFLICT')
    return locale === 'id' ? 'Ledger menolak karena status data tidak sesuai (mis. sudah diproses atau belum ada). ' + (message ?? '') : 'The ledger refused because the record is in the wrong state. ' + (message ?? '')
  if (code.startsWith('CHAINCODE_')) return (locale === 'id' ? 'Ledger menolak transaksi: ' : 'The ledger refused the transaction: ') + (message ?? code)
  if (code.startsWith('COMMIT_INVALID')) return (locale === 'id' ? 'Transaksi ledger tidak sah saat validasi. ' : 'The ledger transaction failed validation. ') + (message ?? '')
  return message ?? code
}
