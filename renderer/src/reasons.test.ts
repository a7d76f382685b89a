import { describe, expect, it } from 'vitest'
import { dictionaries } from './i18n'
import { REASON_KEYS, pcareWords, reasonText, remoteWords } from './reasons'

// REASON_KEYS is typed Record<NamedSyncErrorCode, MessageKey>, so TypeScript already refuses a contract code without
// an entry; these tests check that each entry leads to real text in both languages.
const codes = Object.keys(REASON_KEYS) as (keyof typeof REASON_KEYS)[]
// @ts-expect-error a map that leaves out a code (here all but one) does not compile
const _incomplete: typeof REASON_KEYS = { NETWORK: 'reason.NETWORK' }

describe('sync error reasons', () => {
  it('has every code of the contract, each with its own Indonesian and English sentence', () => {
    // The contract's four lists (20 PCare, 14 ledger, 17 SATUSEHAT, 15 of our own) hold 66 named codes.
    expect(codes).toHaveLength(66)
    for (const code of codes) {
      const id = reasonText('id', code, null)
      const en = reasonText('en', code, null)
      expect(id, code).not.toBe('')
      expect(en, code).not.toBe('')
      expect(id, code).not.toBe(code)
      expect(en, code).not.toBe(id)
      // No placeholder may leak into the page.
      expect(`${id} ${en}`, code).not.toMatch(/\{\w+\}/)
      expect(dictionaries.en[REASON_KEYS[code]], code).toBeTruthy()
      expect(dictionaries.id[REASON_KEYS[code]], code).toBeTruthy()
    }
  })

  it("words a hub's refusal of a desk's replay by the hub's own catalogue key", () => {
    expect(reasonText('id', 'HUB_REFUSED', 'exam.alreadySaved')).toMatch(/^Hub menolak kiriman dari meja ini: \S/)
    expect(reasonText('en', 'HUB_REFUSED', 'auth.forbidden')).toMatch(/^The hub refused this desk's call: \S/)
  })

  it('words what a waiting job lacks (UNCONFIGURED) by the key core stored, and the identity codes by their own sentences', () => {
    expect(reasonText('id', 'UNCONFIGURED', 'remote.fabricNoIdentity')).toMatch(/^Workstation belum terdaftar di CA ledger/)
    expect(reasonText('en', 'UNCONFIGURED', 'remote.fabricNoIdentity')).toMatch(/^The workstation is not enrolled with the ledger CA/)
    expect(reasonText('id', 'UNCONFIGURED', 'ledger.demoCaMissing')).toBe('CA jaringan demo tidak ditemukan. Jalankan: npm run network:up')
    expect(reasonText('id', 'IDENTITY_REFUSED', 'error validating proposal: access denied: channel [bpjs-main] creator org [PuskesmasMSP]')).toMatch(/dicabut.*daftarkan ulang/)
    expect(reasonText('en', 'IDENTITY_KDPPK_MISMATCH', 'certificate 0114U163, settings 0114U999')).toMatch(/^The faskes code in Settings differs/)
  })

  it('keeps the sentences the e2e suites read', () => {
    expect(reasonText('id', 'JVALUE', 'Cannot access child value on Newtonsoft.Json.Linq.JValue.')).toMatch(/^PCare menolak isian/)
    expect(reasonText('id', 'PRECONDITION', 'Kode tindakan 99999 tidak ditemukan')).toMatch(/^PCare tidak mengenali kode data master/)
  })

  it('words the COMMIT_INVALID_<n> family with its validation code, ignoring the stored message', () => {
    expect(reasonText('en', 'COMMIT_INVALID_10', 'Transaksi ditolak saat validasi (kode 10).')).toBe('The ledger transaction failed validation (code 10).')
    expect(reasonText('id', 'COMMIT_INVALID_10', null)).toBe('Transaksi ledger tidak sah saat validasi (kode 10).')
  })

  it('quotes only the remote’s words and an admin’s note; our codes never show the stored detail', () => {
    expect(reasonText('en', 'CHAINCODE_STATE', 'STATE: claim already submitted')).toBe('The ledger refused because the record is in the wrong state. STATE: claim already submitted')
    expect(reasonText('en', 'CHAINCODE_FORBIDDEN', null)).toBe('The ledger refused the transaction: CHAINCODE_FORBIDDEN')
    // Same id, other content: its own words (what to check, what to do), never the wrong-state sentence.
    const conflict = { id: reasonText('id', 'CHAINCODE_CONFLICT', 'CONFLICT: visit 0114U163-1 already exists'), en: reasonText('en', 'CHAINCODE_CONFLICT', 'CONFLICT: visit 0114U163-1 already exists') }
    expect(conflict.id).toMatch(/^Ledger sudah menyimpan data dengan ID yang sama tetapi isinya lain \(CONFLICT: visit 0114U163-1 already exists\).*Kode PPK.*batalkan kiriman ini/)
    expect(conflict.en).toMatch(/^The ledger already holds a record with the same id but other content \(CONFLICT: visit 0114U163-1 already exists\).*Kode PPK.*cancel this send/)
    expect(conflict.id + conflict.en).not.toMatch(/status data tidak sesuai|wrong state/)
    // A clock refusal is worded by us (the fix is this computer's clock), not by quoting the chaincode.
    expect(reasonText('id', 'CHAINCODE_CLOCK', 'CLOCK: transaction time 2026-11-30T00:00:00.000Z is 11.0 min behind')).toMatch(/^Ledger menolak waktu pengiriman: jam komputer ini/)
    expect(reasonText('en', 'CANCELLED', 'fixed in PCare by hand')).toBe('Cancelled by an admin. fixed in PCare by hand')
    expect(reasonText('en', 'PEER_UNREACHABLE', '14 UNAVAILABLE: No connection established')).toBe('The ledger peer cannot be reached. Will retry when connected.')
    // An old database's Indonesian sentence stays out of an English page.
    expect(reasonText('en', 'RETRY_LIMIT', 'Gagal 8 kali berturut-turut; terakhir: timeout')).not.toMatch(/Gagal/)
  })

  it('shows a code this version does not know by its stored message', () => {
    expect(reasonText('en', 'HTTP_503', 'Service Unavailable')).toBe('Service Unavailable')
    expect(reasonText('en', 'HTTP_503', null)).toBe('HTTP_503')
    expect(reasonText('en', null, null)).toBe('')
  })

  it('takes the remote’s words from PCare refusals and chaincode answers only', () => {
    expect(pcareWords('PRECONDITION', ' Kode tindakan 99999 tidak ditemukan ')).toBe('Kode tindakan 99999 tidak ditemukan')
    expect(pcareWords('NETWORK', 'connect ECONNREFUSED')).toBeNull()
    expect(pcareWords('VALIDATION', '  ')).toBeNull()
    expect(remoteWords('pcare', 'VALIDATION', 'noKartu tidak valid')).toBe('noKartu tidak valid')
    expect(remoteWords('ledger', 'CHAINCODE_STATE', 'STATE: visit exists')).toBe('STATE: visit exists')
    expect(remoteWords('ledger', 'RETRY_LIMIT', 'Gagal 8 kali berturut-turut')).toBeNull()
    expect(remoteWords('pcare', 'RETRY_LIMIT', 'Gagal 8 kali berturut-turut')).toBeNull()
    expect(remoteWords('antrean', 'REJECTED', 'Poli tidak ditemukan')).toBeNull()
  })
})
