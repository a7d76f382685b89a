import { describe, expect, it } from 'vitest'
import { createLogger, memorySink, maskText, namesIn, redact, REDACTED } from './index'

describe('maskText', () => {
  it('keeps only the last 4 digits of a 13-digit card number and a 16-digit NIK', () => {
    expect(maskText('kartu 0009999000001 nik 9999734602235274.')).toBe('kartu *********0001 nik ************5274.')
  })
  it('leaves shorter and longer digit runs alone', () => {
    expect(maskText('noUrut A12, kode 123456789012, panjang 12345678901234567')).toBe(
      'noUrut A12, kode 123456789012, panjang 12345678901234567',
    )
  })
  it('masks identifiers glued to letters or inside paths', () => {
    expect(maskText('/peserta/0009999000002')).toBe('/peserta/*********0002')
    expect(maskText('nik=9999717671405788&x')).toBe('nik=************5788&x')
  })
})

describe('maskText, grouped numbers and credentials', () => {
  it('masks card numbers and NIKs written in groups with spaces or dashes, keeping the last 4 digits and the layout', () => {
    expect(maskText('kartu 0001 2345 67890, nik 3174-0123-4567-8901.')).toBe('kartu **** **** *7890, nik ****-****-****-8901.')
    expect(maskText('nik 3174 0123 4567 8901 kartu 0001-2345-67890')).toBe('nik **** **** **** 8901 kartu ****-****-*7890')
  })
  it('leaves dates, times, phone numbers and record numbers alone', () => {
    const text = 'tgl 2026-11-29 23:26:01, telp 0812-3456-7890, noRawat 2026/11/29/000001, ip 10.0.0.12'
    expect(maskText(text)).toBe(text)
  })
  it('removes Basic and Bearer credentials from any text', () => {
    expect(maskText('auth=Basic dXNlcjpwYXNzOjA5NQ== next')).toBe('auth=Basic [REDACTED] next')
    expect(maskText('bearer abcdef.ghijkl')).toBe('bearer [REDACTED]')
  })
})

describe('redact', () => {
  it('removes secret headers by key name at any depth, case-insensitively', () => {
    const out = redact({
      headers: { 'X-Signature': 'abc=', 'x-authorization': 'Basic dTpwOjA5NQ==', USER_KEY: 'k', 'X-cons-id': '99999' },
      nested: [{ deeper: { userKey: 'k2', password: 'p', noKartu: '0009999000003' } }],
    }) as any
    expect(out.headers['X-Signature']).toBe(REDACTED)
    expect(out.headers['x-authorization']).toBe(REDACTED)
    expect(out.headers.USER_KEY).toBe(REDACTED)
    expect(out.headers['X-cons-id']).toBe('99999')
    expect(out.nested[0].deeper).toEqual({ userKey: REDACTED, password: REDACTED, noKartu: '*********0003' })
    expect(JSON.stringify(out)).not.toMatch(/abc=|dTpwOjA5NQ|0009999000003/)
  })
  it('handles Headers, Map, errors and cycles without throwing', () => {
    const h = new Headers({ 'x-signature': 'sig', accept: 'application/json' })
    const cyc: any = { a: 1 }
    cyc.self = cyc
    const err = Object.assign(new Error('gagal untuk 9999734602235274'), { user_key: 'u' })
    const out = redact({ h, m: new Map([['X-Authorization', 'Basic x']]), cyc, err }) as any
    expect(out.h['x-signature']).toBe(REDACTED)
    expect(out.h.accept).toBe('application/json')
    expect(out.m['X-Authorization']).toBe(REDACTED)
    expect(out.cyc.self).toBe('[cycle]')
    expect(out.err.message).toBe('gagal untuk ************5274')
    expect(out.err.user_key).toBe(REDACTED)
  })
  it('masks integers that look like card numbers', () => {
    expect(redact(9999734602235274)).toBe('************5274')
    expect(redact(42)).toBe(42)
  })
})

describe('redact, names', () => {
  it('removes patient names by key name at any depth, and keeps error class names', () => {
    const out = redact({
      nama: 'SITI AMINAH',
      peserta: { nmPeserta: 'Budi', namaPasien: 'Ani', kdPoli: '001' },
      list: [{ name: 'Wati' }],
      username: 'admin',
      err: new TypeError('x'),
      empty: { nama: null },
    }) as any
    expect(out).toMatchObject({ nama: REDACTED, peserta: { nmPeserta: REDACTED, namaPasien: REDACTED, kdPoli: '001' }, list: [{ name: REDACTED }] })
    expect(out.username).toBe('admin')
    expect(out.err.name).toBe('TypeError')
    expect(out.empty.nama).toBeNull()
  })
})

describe('redact, FHIR References', () => {
  const encounter = {
    resourceType: 'Encounter',
    subject: { reference: 'Patient/P02478375538', display: 'Made Wirawan' },
    participant: [{ type: [{ coding: [{ system: 'x', code: 'ATND', display: 'attender' }] }], individual: { reference: 'Practitioner/10009880728', display: 'dr. Alexander' } }],
    recorder: { identifier: { system: 'https://fhir.kemkes.go.id/id/nik', value: '1' }, display: 'Ns. Rina' },
    diagnosis: [{ condition: { reference: 'Condition/c1', display: 'Gastritis' } }],
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'K29.7', display: 'Gastritis, unspecified' }] },
    text: { div: '<div>Kunjungan Made Wirawan oleh dr. Alexander</div>' },
  }

  it("removes every Reference's display, keeps Codings' displays", () => {
    const out = redact(encounter) as any
    expect(out.subject).toEqual({ reference: 'Patient/P02478375538', display: REDACTED })
    expect(out.participant[0].individual.display).toBe(REDACTED)
    expect(out.recorder.display).toBe(REDACTED)
    expect(out.diagnosis[0].condition.display).toBe(REDACTED)
    expect(out.participant[0].type[0].coding[0].display).toBe('attender')
    expect(out.code.coding[0].display).toBe('Gastritis, unspecified')
  })

  it('removes the stored SATUSEHAT names and an IhsRef display; a Coding with an id stays', () => {
    const out = redact({
      row: { ihs_display: 'Made Wirawan', ihs_practitioner_display: 'dr. Alexander', ihs_patient_id: 'P1' },
      practitioner: { id: '10009880728', display: 'dr. Alexander' },
      coding: { id: 'c1', system: 'http://loinc.org', code: '8480-6', display: 'Systolic blood pressure' },
    }) as any
    expect(out.row).toEqual({ ihs_display: REDACTED, ihs_practitioner_display: REDACTED, ihs_patient_id: 'P1' })
    expect(out.practitioner).toEqual({ id: '10009880728', display: REDACTED })
    expect(out.coding.display).toBe('Systolic blood pressure')
  })

  it("counts a person Reference's display as a name for the record's other texts, not a Condition's", () => {
    expect(namesIn(encounter)).toEqual(['dr. Alexander', 'Made Wirawan', 'Ns. Rina'])
    const out = redact(encounter, namesIn(encounter)) as any
    expect(out.text.div).toBe(`<div>Kunjungan ${REDACTED} oleh ${REDACTED}</div>`)
    expect(out.code.coding[0].display).toBe('Gastritis, unspecified')
  })
})

describe('createLogger', () => {
  it('masks a name given as a field in the whole record, message and other texts included, case-insensitively', () => {
    const { sink, records } = memorySink()
    const log = createLogger({ sink })
    log.warn('pendaftaran SITI AMINAH gagal', { nama: 'Siti Aminah', error: 'peserta siti aminah tidak aktif' })
    log.child('visit', { nmPeserta: 'Budi Santoso' }).info('kunjungan Budi Santoso terkirim')
    expect(records[0]).toMatchObject({ msg: 'pendaftaran [REDACTED] gagal', nama: REDACTED, error: 'peserta [REDACTED] tidak aktif' })
    expect(records[1]).toMatchObject({ msg: 'kunjungan [REDACTED] terkirim', nmPeserta: REDACTED })
    expect(JSON.stringify(records)).not.toMatch(/aminah|santoso/i)
  })

  it('writes masked structured records through the sink and honours the level', () => {
    const { sink, records } = memorySink()
    const log = createLogger({ scope: 'pcare', level: 'info', sink, now: () => 0 })
    log.debug('hidden')
    log.info('GET peserta/0009999000001', { 'x-signature': 's', status: 200 })
    log.child('antrean', { nik: '9999734602235274' }).warn('retry')
    expect(records).toHaveLength(2)
    expect(records[0]).toMatchObject({ level: 'info', scope: 'pcare', msg: 'GET peserta/*********0001', status: 200 })
    expect(records[0]['x-signature']).toBe(REDACTED)
    expect(records[1]).toMatchObject({ scope: 'pcare.antrean', nik: '************5274', ts: '1970-01-01T00:00:00.000Z' })
  })
  it('does not let fields overwrite the record level', () => {
    const { sink, records } = memorySink()
    createLogger({ sink }).error('x', { level: 'debug' })
    expect(records[0].level).toBe('error')
  })
})
