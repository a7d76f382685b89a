import { describe, expect, it } from 'vitest'
import { createdIds, pcareDay } from './envelope'

describe('createdIds: the ids of a create answer, whatever its shape', () => {
  it.each([
    ['one object (pendaftaran, tindakan as documented)', { field: 'noUrut', message: 'A12' }, 'noUrut', 'A12'],
    ['an array (kunjungan, obat as documented)', [{ field: 'noKunjungan', message: '0199B0011126Y000001' }], 'noKunjungan', '0199B0011126Y000001'],
    ['an array for pendaftaran', [{ field: 'noUrut', message: 'B3' }], 'noUrut', 'B3'],
    ['one object for kunjungan (TD)', { field: 'noKunjungan', message: '0199B0011126Y000002' }, 'noKunjungan', '0199B0011126Y000002'],
    ['another field case', { field: 'NOURUT', message: ' A1 ' }, 'noUrut', 'A1'],
    ['a numeric id', { field: 'kdTindakanSK', message: 17 }, 'kdTindakanSK', '17'],
    ['the only entry, without a field name (ML reads response[0].message)', [{ message: 'C4' }], 'noUrut', 'C4'],
  ])('%s', (_what, response, field, id) => {
    expect(createdIds(response, field).get(field.toLowerCase())).toBe(id)
  })

  it('obat: the kdObatSK entry among others, and kdRacikan when named', () => {
    const ids = createdIds([{ field: 'kdRacikan', message: 'R.01' }, { field: 'kdObatSK', message: '42' }], 'kdObatSK')
    expect(ids.get('kdobatsk')).toBe('42')
    expect(ids.get('kdracikan')).toBe('R.01')
  })

  it.each([
    ['null', null],
    ['an empty array', []],
    ['an empty message', { field: 'noUrut', message: '' }],
    ['a null message', [{ field: 'noUrut', message: null }]],
    ['another field only', [{ field: 'kdRacikan', message: 'R.01' }]],
    ['an unnamed entry among others', [{ message: 'A1' }, { field: 'x', message: 'y' }]],
    ['a bare string', 'A1'],
  ])('names no noUrut for %s', (_what, response) => {
    expect(createdIds(response, 'noUrut').get('nourut')).toBeUndefined()
  })
})

describe('pcareDay: a day as PCare writes one', () => {
  it.each([
    ['23-11-2026', '2026-11-23'],
    ['2026-11-23', '2026-11-23'],
    ['23/11/2026', '2026-11-23'],
    ['2026-11-23 00:00:00', '2026-11-23'],
    ['2026-11-23T08:00:00', '2026-11-23'],
    [' 01-02-2026 ', '2026-02-01'],
  ])('%s → %s', (text, day) => {
    expect(pcareDay(text)).toBe(day)
  })

  it.each(['', '31-02-2026', '2026-13-01', '23-11-26', '11/23/2026x', 'kemarin'])('%s is no day', (text) => {
    expect(pcareDay(text)).toBeNull()
  })

  it('is not fooled by a non-string', () => {
    expect(pcareDay(20261123)).toBeNull()
    expect(pcareDay(null)).toBeNull()
  })
})
