/**
 * Messages core sends to the page as a key with parameters, in both languages. Core fills `message` with the
 * Indonesian text (logs, the CLI, a page that knows no key); the page shows the text of the chosen locale.
 * Plain data with no imports, so the renderer may import it as a value (the one exception to "types only").
 * Indonesian is the source of keys; English must have exactly the same keys (checked by TypeScript).
 * Parameters are written `{name}`.
 */
const id = {
  // dispatch and validation (zod issues mapped by kind; a schema's own message is one of these keys)
  'err.unknownChannel': 'Perintah tidak dikenal.',
  'err.invalidInput': 'Data yang dikirim tidak valid. Periksa isian yang ditandai.',
  'err.internal': 'Terjadi kesalahan internal. Data Anda tetap tersimpan.',
  'err.unavailableLocal': 'Layanan lokal tidak dapat dihubungi.',
  'v.required': 'Wajib diisi.',
  'v.number': 'Harus berupa angka.',
  'v.integer': 'Harus bilangan bulat.',
  'v.min': 'Minimal {min}.',
  'v.max': 'Maksimal {max}.',
  'v.minLength': 'Minimal {min} karakter.',
  'v.maxLength': 'Maksimal {max} karakter.',
  'v.minItems': 'Pilih minimal {min}.',
  'v.maxItems': 'Maksimal {max} pilihan.',
  'v.format': 'Format tidak sesuai.',
  'v.choice': 'Pilihan tidak dikenal.',
  'v.unknownField': 'Isian tidak dikenal: {name}.',
  'v.noKartu': 'Nomor kartu BPJS harus 13 digit angka.',
  'v.nik': 'NIK harus 16 digit angka.',
  'v.kdPPK': 'Kode faskes 8 karakter huruf besar/angka, mis. 0199B001.',
  'v.kdPoli': 'Kode poli 3 karakter.',
  'v.date': 'Tanggal seperti 2026-01-31.',
  'v.url': 'Alamat harus diawali https:// atau http://.',
  'v.hostPort': 'Format host:port, mis. peer0.rs.example:7051.',
} as const

export type ServerMessageKey = keyof typeof id
export type MessageParams = Record<string, string | number>

const en: Record<ServerMessageKey, string> = {
  'err.unknownChannel': 'Unknown command.',
  'err.invalidInput': 'The data sent is not valid. Check the marked fields.',
  'err.internal': 'An internal error occurred. Your data is still saved.',
  'err.unavailableLocal': 'The local service cannot be reached.',
  'v.required': 'Required.',
  'v.number': 'Must be a number.',
  'v.integer': 'Must be a whole number.',
  'v.min': 'At least {min}.',
  'v.max': 'At most {max}.',
  'v.minLength': 'At least {min} characters.',
  'v.maxLength': 'At most {max} characters.',
  'v.minItems': 'Choose at least {min}.',
  'v.maxItems': 'At most {max} choices.',
  'v.format': 'The format is not right.',
  'v.choice': 'Unknown choice.',
  'v.unknownField': 'Unknown field: {name}.',
  'v.noKartu': 'A BPJS card number is 13 digits.',
  'v.nik': 'A NIK is 16 digits.',
  'v.kdPPK': 'Faskes code: 8 capital letters or digits, e.g. 0199B001.',
  'v.kdPoli': 'Poli code: 3 characters.',
  'v.date': 'A date like 2026-01-31.',
  'v.url': 'The address must start with https:// or http://.',
  'v.hostPort': 'Format host:port, e.g. peer0.rs.example:7051.',
}

export const serverMessages: { id: Record<ServerMessageKey, string>; en: Record<ServerMessageKey, string> } = { id, en }

export function isServerMessageKey(key: string): key is ServerMessageKey {
  return Object.prototype.hasOwnProperty.call(id, key)
}

/** The text of `key` in `locale` with `{name}` parameters filled in; an unknown parameter stays as written. */
export function formatServerMessage(locale: 'id' | 'en', key: ServerMessageKey, params?: MessageParams): string {
  const text = serverMessages[locale][key]
  return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text
}
