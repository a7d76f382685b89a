import { describe, expect, it } from 'vitest'
import { toTindakanInput, type TindakanLine } from './ItemPickers'

const line = (over: Partial<TindakanLine>): TindakanLine => ({ kdTindakan: '10001', nmTindakan: 'Pemeriksaan gula darah sewaktu', biaya: '', maxTarif: null, withValue: true, hasil: '', ...over })

describe('toTindakanInput', () => {
  it('sends hasil only for a withValue tindakan with a result typed, never an invented 0', () => {
    expect(toTindakanInput([line({ hasil: '142' }), line({ hasil: '0' })]).map((t) => t.hasil)).toEqual([142, 0])
    // Empty: left out, so core asks for it at tindakan.<i>.hasil.
    expect(toTindakanInput([line({ hasil: '' }), line({ hasil: '  ' })]).map((t) => t.hasil)).toEqual([undefined, undefined])
    // Not withValue (or a code typed by hand): no hasil whatever the line holds.
    expect(toTindakanInput([line({ withValue: false, hasil: '5' })])[0]!.hasil).toBeUndefined()
  })
  it('takes an empty biaya as 0 and drops the name of a code typed by hand', () => {
    expect(toTindakanInput([line({ biaya: '', nmTindakan: '', withValue: false })])).toEqual([{ kdTindakan: '10001', nmTindakan: undefined, biaya: 0, hasil: undefined }])
  })
})
