import { expect, it } from 'vitest'
import type { UnsentJob } from '../../../../electron/contract'
import { translator } from '../../i18n'
import { jobLabel, unsentReason } from './Unsent'

const id = translator('id')
const en = translator('en')
const at = (h: number, m: number) => new Date(2026, 10, 29, h, m).getTime()
const job = (over: Partial<UnsentJob>): UnsentJob => ({
  id: 7,
  target: 'pcare',
  operation: 'obat.add',
  status: 'pending',
  attempts: 0,
  nextAttemptAt: at(9, 0),
  lastErrorCode: null,
  lastErrorMessage: null,
  lastErrorFields: [],
  item: '120100362',
  itemName: 'Parasetamol tab 500 mg',
  blockedBy: null,
  ...over,
})

it('names the line a job carries, with the cached name when there is one', () => {
  expect(jobLabel(id, job({}))).toBe('Obat Parasetamol tab 500 mg (120100362)')
  expect(jobLabel(en, job({ operation: 'tindakan.add', item: '99999', itemName: null }))).toBe('Procedure 99999')
  expect(jobLabel(id, job({ operation: 'Visit:Record', item: null }))).toBe('Catatan kunjungan')
  expect(jobLabel(id, job({ operation: 'something.new', item: null }))).toBe('something.new')
})

it("quotes PCare's own words for a refusal, in both languages", () => {
  const refused = job({ operation: 'tindakan.add', status: 'failed_permanent', lastErrorCode: 'PRECONDITION', lastErrorMessage: 'Kode tindakan 99999 tidak ditemukan' })
  expect(unsentReason(id, 'id', refused)).toBe('Ditolak PCare: “Kode tindakan 99999 tidak ditemukan”. Admin perlu memperbaiki atau membatalkannya.')
  expect(unsentReason(en, 'en', refused)).toBe('Refused by PCare: “Kode tindakan 99999 tidak ditemukan”. An admin needs to correct or cancel it.')
  // Not a refusal (our own retry limit, our own note): no quote, our sentence, and that an admin decides.
  expect(unsentReason(id, 'id', job({ status: 'failed_permanent', lastErrorCode: 'RETRY_LIMIT', lastErrorMessage: 'timeout' }))).toMatch(/^Menunggu admin: Sudah dicoba berkali-kali/)
  expect(unsentReason(en, 'en', job({ status: 'failed_permanent', lastErrorCode: 'NO_KUNJUNGAN', lastErrorMessage: 'Kunjungan belum tercatat' }))).toBe(
    'Waiting for an admin: The visit is not in PCare yet, so procedures/drugs cannot be sent.',
  )
})

it('says what a job waits behind, and quotes the refusal that holds it', () => {
  const blocker = { id: 6, operation: 'tindakan.add', status: 'failed_permanent' as const, lastErrorCode: 'PRECONDITION', lastErrorMessage: 'Kode tindakan 99999 tidak ditemukan', item: '99999' }
  expect(unsentReason(id, 'id', job({ blockedBy: blocker }))).toBe('Menunggu Tindakan 99999, yang ditolak: “Kode tindakan 99999 tidak ditemukan”.')
  expect(unsentReason(en, 'en', job({ blockedBy: { ...blocker, status: 'pending', lastErrorMessage: null, lastErrorCode: null, operation: 'kunjungan.add', item: null } }))).toBe(
    'Waiting for Visit to be sent first.',
  )
  // A blocker held by our own code: its stored message (here an older version's Indonesian sentence) is not quoted;
  // the code is worded in the page's language.
  const held = { ...blocker, lastErrorCode: 'RETRY_LIMIT', lastErrorMessage: 'Gagal 8 kali berturut-turut; terakhir: timeout' }
  expect(unsentReason(en, 'en', job({ blockedBy: held }))).toBe(
    'Waiting for Procedure 99999, which waits for an admin: Tried many times without success; waiting for an admin (resend or cancel).',
  )
})

it('gives the next try on a 24-hour clock when offline or retrying, whatever the locale', () => {
  const offline = job({ status: 'failed_transient', lastErrorCode: 'NETWORK', lastErrorMessage: 'connect ECONNREFUSED', nextAttemptAt: at(19, 5) })
  expect(unsentReason(id, 'id', offline, at(19, 0))).toBe('Jaringan ke PCare terputus. Akan dicoba lagi saat tersambung. Dicoba lagi pukul 19:05.')
  expect(unsentReason(en, 'en', offline, at(19, 0))).toBe('The network to PCare is down. Will retry when connected. Next try at 19:05.')
  expect(unsentReason(id, 'id', job({ nextAttemptAt: at(21, 30) }), at(21, 0))).toBe('Dikirim pukul 21:30.')
  expect(unsentReason(id, 'id', job({}), at(21, 0))).toBe('Dalam antrean kirim.')
  expect(unsentReason(en, 'en', job({ status: 'in_flight' }))).toBe('Being sent.')
})
