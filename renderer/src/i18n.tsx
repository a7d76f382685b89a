import { createContext, useContext, useMemo, type ReactNode } from 'react'
import type { AppInfo } from '../../electron/contract'

export type Locale = AppInfo['locale']

/** Bahasa Indonesia is the source of keys; English must have exactly the same keys (checked by TS). */
const id = {
  'app.title': 'Faskes Workstation',
  'app.kdPPKUnset': 'kdPPK belum diatur',
  'app.loading': 'Memuat…',
  'app.loadFailed': 'Aplikasi tidak dapat memuat data awal: {message}',
  'app.retry': 'Coba lagi',
  'demo.both': 'Mode demo: PCare memakai simulator lokal dan ledger memakai jaringan Fabric demo. Data tidak dikirim ke BPJS.',
  'demo.pcare': 'Mode demo: PCare memakai simulator lokal. Data tidak dikirim ke BPJS.',
  'demo.ledger': 'Mode demo: ledger memakai jaringan Fabric demo lokal.',
  'nav.label': 'Ruang kerja',
  'nav.shortcut': 'Alt+{n}',
  'ws.pendaftaran': 'Pendaftaran',
  'ws.pemeriksaan': 'Pemeriksaan',
  'ws.admin': 'Admin',
  'ws.pengaturan': 'Pengaturan',
  'pendaftaran.intro': 'Pindai kartu peserta, atau ketik nomor kartu BPJS (13 digit) atau NIK (16 digit).',
  'pendaftaran.idLabel': 'Nomor kartu BPJS atau NIK',
  'pendaftaran.check': 'Periksa',
  'pendaftaran.invalid': 'Masukkan 13 digit nomor kartu atau 16 digit NIK (hanya angka).',
  'pendaftaran.validCard': 'Format nomor kartu valid.',
  'pendaftaran.validNik': 'Format NIK valid.',
  'pendaftaran.notYet': 'Pengecekan status peserta dan pendaftaran kunjungan belum tersedia di versi ini.',
  'pendaftaran.queueTitle': 'Antrean hari ini',
  'pendaftaran.queueNotYet': 'Daftar kunjungan belum tersedia: aplikasi belum menyimpan kunjungan.',
  'pemeriksaan.intro': 'Pasien yang sudah terdaftar hari ini akan muncul di sini untuk diperiksa.',
  'pemeriksaan.notYet': 'Daftar pasien dan formulir pemeriksaan belum tersedia: aplikasi belum menyimpan kunjungan.',
  'admin.intro': 'Pemantauan pengiriman ke ledger dan PCare.',
  'admin.syncTitle': 'Antrean pengiriman',
  'admin.target': 'Tujuan',
  'admin.appTitle': 'Aplikasi',
  'admin.version': 'Versi',
  'admin.schema': 'Versi skema basis data',
  'admin.failedNotYet': 'Daftar kiriman gagal dan pengiriman ulang belum tersedia di versi ini.',
  'settings.intro': 'Pengaturan non-rahasia faskes ini. Kredensial disimpan terpisah di keychain sistem.',
  'settings.general': 'Umum',
  'settings.faskesName': 'Nama faskes',
  'settings.kdPPK': 'Kode faskes (kdPPK)',
  'settings.kdPPKHint': '8 huruf besar/angka, mis. 0199B001. Kosongkan bila belum ada.',
  'settings.locale': 'Bahasa',
  'settings.ledger': 'Ledger (Hyperledger Fabric)',
  'settings.ledgerOrg': 'Organisasi',
  'settings.peerEndpoint': 'Alamat peer gateway (host:port)',
  'settings.peerEndpointHint': 'Kosongkan untuk jaringan demo lokal.',
  'settings.channel': 'Channel',
  'settings.pcare': 'PCare',
  'settings.pcareBaseUrl': 'URL dasar PCare',
  'settings.pcareBaseUrlHint': 'Kosongkan untuk simulator lokal (demo).',
  'settings.antreanBaseUrl': 'URL dasar Antrean FKTP',
  'settings.kunjunganPath': 'Path kunjungan',
  'settings.postContentType': 'Content-Type untuk POST',
  'settings.timeoutMs': 'Batas waktu (ms)',
  'settings.updater': 'Pembaruan aplikasi',
  'settings.updaterUrl': 'URL feed pembaruan',
  'settings.updaterUrlHint': 'Kosongkan untuk mematikan pemeriksaan pembaruan.',
  'settings.save': 'Simpan',
  'settings.saving': 'Menyimpan…',
  'settings.saved': 'Pengaturan tersimpan.',
  'settings.hasErrors': 'Pengaturan belum tersimpan. Periksa isian yang ditandai.',
  'settings.notNumber': 'Harus berupa angka bulat.',
  'sync.label': 'Status sinkronisasi',
  'sync.online': 'Terhubung',
  'sync.offline': 'Terputus',
  'sync.unknown': 'Belum diketahui',
  'sync.pending': 'Tertunda',
  'sync.inFlight': 'Dikirim',
  'sync.failed': 'Gagal',
  'sync.lastSuccess': 'Terakhir berhasil',
  'sync.never': 'belum pernah',
  'sync.unreadable': 'Status tidak terbaca: {message}',
  'target.ledger': 'Ledger',
  'target.pcare': 'PCare',
  'target.antrean': 'Antrean',
  'locale.id': 'Bahasa Indonesia',
  'locale.en': 'English',
} as const

export type MessageKey = keyof typeof id

const en: Record<MessageKey, string> = {
  'app.title': 'Faskes Workstation',
  'app.kdPPKUnset': 'kdPPK not set',
  'app.loading': 'Loading…',
  'app.loadFailed': 'The app could not load its initial data: {message}',
  'app.retry': 'Try again',
  'demo.both': 'Demo mode: PCare uses the local simulator and the ledger uses the demo Fabric network. Nothing is sent to BPJS.',
  'demo.pcare': 'Demo mode: PCare uses the local simulator. Nothing is sent to BPJS.',
  'demo.ledger': 'Demo mode: the ledger uses the local demo Fabric network.',
  'nav.label': 'Workspaces',
  'nav.shortcut': 'Alt+{n}',
  'ws.pendaftaran': 'Registration',
  'ws.pemeriksaan': 'Examination',
  'ws.admin': 'Admin',
  'ws.pengaturan': 'Settings',
  'pendaftaran.intro': "Scan the member's card, or type the BPJS card number (13 digits) or NIK (16 digits).",
  'pendaftaran.idLabel': 'BPJS card number or NIK',
  'pendaftaran.check': 'Check',
  'pendaftaran.invalid': 'Enter a 13-digit card number or a 16-digit NIK (digits only).',
  'pendaftaran.validCard': 'Card number format is valid.',
  'pendaftaran.validNik': 'NIK format is valid.',
  'pendaftaran.notYet': 'Member status checks and visit registration are not available in this version yet.',
  'pendaftaran.queueTitle': "Today's queue",
  'pendaftaran.queueNotYet': 'The visit list is not available yet: the app does not store visits yet.',
  'pemeriksaan.intro': 'Patients registered today will appear here for examination.',
  'pemeriksaan.notYet': 'The patient list and the examination form are not available yet: the app does not store visits yet.',
  'admin.intro': 'Monitoring of sends to the ledger and PCare.',
  'admin.syncTitle': 'Send queue',
  'admin.target': 'Destination',
  'admin.appTitle': 'Application',
  'admin.version': 'Version',
  'admin.schema': 'Database schema version',
  'admin.failedNotYet': 'The failed-send list and resending are not available in this version yet.',
  'settings.intro': "This faskes's non-secret settings. Credentials are kept separately in the system keychain.",
  'settings.general': 'General',
  'settings.faskesName': 'Faskes name',
  'settings.kdPPK': 'Faskes code (kdPPK)',
  'settings.kdPPKHint': '8 capital letters/digits, e.g. 0199B001. Leave empty if not assigned yet.',
  'settings.locale': 'Language',
  'settings.ledger': 'Ledger (Hyperledger Fabric)',
  'settings.ledgerOrg': 'Organisation',
  'settings.peerEndpoint': 'Peer gateway address (host:port)',
  'settings.peerEndpointHint': 'Leave empty for the local demo network.',
  'settings.channel': 'Channel',
  'settings.pcare': 'PCare',
  'settings.pcareBaseUrl': 'PCare base URL',
  'settings.pcareBaseUrlHint': 'Leave empty for the local simulator (demo).',
  'settings.antreanBaseUrl': 'Antrean FKTP base URL',
  'settings.kunjunganPath': 'Visit path',
  'settings.postContentType': 'Content-Type for POST',
  'settings.timeoutMs': 'Timeout (ms)',
  'settings.updater': 'App updates',
  'settings.updaterUrl': 'Update feed URL',
  'settings.updaterUrlHint': 'Leave empty to turn update checks off.',
  'settings.save': 'Save',
  'settings.saving': 'Saving…',
  'settings.saved': 'Settings saved.',
  'settings.hasErrors': 'Settings were not saved. Check the marked fields.',
  'settings.notNumber': 'Must be a whole number.',
  'sync.label': 'Sync status',
  'sync.online': 'Online',
  'sync.offline': 'Offline',
  'sync.unknown': 'Unknown',
  'sync.pending': 'Pending',
  'sync.inFlight': 'Sending',
  'sync.failed': 'Failed',
  'sync.lastSuccess': 'Last success',
  'sync.never': 'never',
  'sync.unreadable': 'Status unreadable: {message}',
  'target.ledger': 'Ledger',
  'target.pcare': 'PCare',
  'target.antrean': 'Antrean',
  'locale.id': 'Bahasa Indonesia',
  'locale.en': 'English',
}

const dictionaries: Record<Locale, Record<MessageKey, string>> = { id, en }

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string

export function translator(locale: Locale): Translate {
  const dict = dictionaries[locale]
  return (key, params) => {
    const text = dict[key]
    return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text
  }
}

/** "3 menit yang lalu" / "3 minutes ago", in the chosen locale. */
export function relativeTime(locale: Locale, at: number, now: number): string {
  const fmt = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })
  const seconds = Math.round((at - now) / 1000)
  const abs = Math.abs(seconds)
  if (abs < 60) return fmt.format(seconds, 'second')
  if (abs < 3600) return fmt.format(Math.round(seconds / 60), 'minute')
  if (abs < 86_400) return fmt.format(Math.round(seconds / 3600), 'hour')
  return fmt.format(Math.round(seconds / 86_400), 'day')
}

interface I18n {
  locale: Locale
  t: Translate
}

const I18nContext = createContext<I18n>({ locale: 'id', t: translator('id') })

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const value = useMemo(() => ({ locale, t: translator(locale) }), [locale])
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>
}

export function useI18n(): I18n {
  return useContext(I18nContext)
}
