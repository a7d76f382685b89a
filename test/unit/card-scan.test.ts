import { createRequire } from 'node:module'
import bwipjs from 'bwip-js/node'
import { PNG } from 'pngjs'
import { describe, expect, it } from 'vitest'
import { CARD_SCAN_FORMATS, classifyId, scannedId } from '../../renderer/src/components/cardScan'

/**
 * What the webcam path really decodes: each card barcode is drawn by bwip-js, read by the ZXing build that ships
 * inside html5-qrcode (the decoder the scanner uses) with the scanner's own format list, then parsed like typed input.
 */
interface ZXingLike {
  BarcodeFormat: Record<string, number>
  DecodeHintType: { POSSIBLE_FORMATS: number; TRY_HARDER: number }
  RGBLuminanceSource: new (luminances: Uint8ClampedArray, width: number, height: number) => unknown
  HybridBinarizer: new (source: unknown) => unknown
  BinaryBitmap: new (binarizer: unknown) => unknown
  MultiFormatReader: new (verbose: boolean, hints: Map<number, unknown>) => { decode(bitmap: unknown): { getText(): string; getBarcodeFormat(): number } }
}
const ZXing = createRequire(import.meta.url)('html5-qrcode/third_party/zxing-js.umd.js') as ZXingLike

/** The barcode as a grey image with a quiet zone, the way a card fills part of a camera frame. */
async function draw(bcid: string, text: string): Promise<{ pixels: Uint8ClampedArray; width: number; height: number }> {
  const png = PNG.sync.read(await bwipjs.toBuffer({ bcid, text, scale: 3, height: 12, paddingwidth: 20, paddingheight: 20, backgroundcolor: 'FFFFFF' }))
  const pixels = new Uint8ClampedArray(png.width * png.height)
  for (let i = 0; i < pixels.length; i++) pixels[i] = (png.data[i * 4] + png.data[i * 4 + 1] + png.data[i * 4 + 2]) / 3
  return { pixels, width: png.width, height: png.height }
}

async function decode(bcid: string, text: string, formats: readonly string[] = CARD_SCAN_FORMATS): Promise<{ text: string; format: string }> {
  const img = await draw(bcid, text)
  const hints = new Map<number, unknown>([
    [ZXing.DecodeHintType.POSSIBLE_FORMATS, formats.map((f) => ZXing.BarcodeFormat[f])],
    [ZXing.DecodeHintType.TRY_HARDER, false],
  ])
  const source = new ZXing.RGBLuminanceSource(img.pixels, img.width, img.height)
  const result = new ZXing.MultiFormatReader(false, hints).decode(new ZXing.BinaryBitmap(new ZXing.HybridBinarizer(source)))
  const format = Object.keys(ZXing.BarcodeFormat).find((k) => ZXing.BarcodeFormat[k] === result.getBarcodeFormat()) ?? '?'
  return { text: result.getText(), format }
}

/** GS1 check digit of the first 12 digits (EAN-13 can only carry a number whose last digit is this). */
function ean13(first12: string): string {
  const sum = [...first12].reduce((s, d, i) => s + Number(d) * (i % 2 ? 3 : 1), 0)
  return first12 + String((10 - (sum % 10)) % 10)
}

const CARD = '0001234567890'
const NIK = '3201234567890123'

describe('card barcodes through the webcam decoder', () => {
  it.each([
    ['qrcode', 'QR_CODE', CARD],
    ['code128', 'CODE_128', CARD],
    ['code39', 'CODE_39', CARD],
    ['ean13', 'EAN_13', ean13(CARD.slice(0, 12))],
  ])('%s: the decoded text is the card number and classifies as noKartu', async (bcid, format, number) => {
    const r = await decode(bcid, number)
    expect(r.format).toBe(format)
    expect(scannedId(r.text)).toBe(number)
    expect(classifyId(scannedId(r.text))).toBe('noKartu')
  })

  it('a NIK (16 digits) in Code 128 classifies as nik', async () => {
    const r = await decode('code128', NIK)
    expect(classifyId(scannedId(r.text))).toBe('nik')
  })

  it('EAN-13 of a number starting with 0 keeps its 13 digits (with UPC-A among the formats ZXing would drop the 0)', async () => {
    const number = ean13(CARD.slice(0, 12))
    expect((await decode('ean13', number)).text).toBe(number)
    const withUpcA = await decode('ean13', number, [...CARD_SCAN_FORMATS, 'UPC_A'])
    expect(withUpcA.format).toBe('UPC_A')
    expect(classifyId(scannedId(withUpcA.text))).toBeNull()
  })

  it('a format the scanner does not ask for is not decoded', async () => {
    await expect(decode('code128', CARD, ['QR_CODE'])).rejects.toThrow()
  })
})

describe('scannedId: what scanners add around the number', () => {
  it.each([
    [`${CARD}\n`, CARD],
    [` ${CARD.slice(0, 4)} ${CARD.slice(4)} `, CARD],
    [`]C0${CARD}`, CARD],
    [`]E0${ean13(CARD.slice(0, 12))}`, ean13(CARD.slice(0, 12))],
    [`]Q1${NIK}`, NIK],
    [`*${CARD}*`, CARD],
    [`]A0*${CARD}*`, CARD],
  ])('%j → %s', (raw, want) => {
    expect(scannedId(raw)).toBe(want)
    expect(classifyId(scannedId(raw))).not.toBeNull()
  })

  it.each([`*${CARD}`, `${CARD}*`, `x${CARD}`, `https://example.invalid/?k=${CARD}`, `]C${CARD}`, '**', ''])('%j stays unreadable', (raw) => {
    expect(classifyId(scannedId(raw))).toBeNull()
  })
})
