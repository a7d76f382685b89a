import type { Html5QrcodeSupportedFormats } from 'html5-qrcode'

/**
 * The symbologies the webcam looks for on a card, by html5-qrcode's format name (mapped to its enum when the decoder
 * is loaded, so this list does not pull the decoder into the page's first bundle): the QR code, and the BPJS card
 * number printed as a linear barcode (Code 128, EAN-13, Code 39). Which of these a given card carries is UNCONFIRMED
 * (see docs/pcare.md, "Card barcodes"); each extra format costs decode time per frame, so only these are tried.
 *
 * UPC-A is left out on purpose: ZXing reports an EAN-13 whose first digit is 0 as UPC-A (12 digits, the 0 dropped)
 * when UPC-A is among the formats, and card numbers start with 0 (0001…), so the number would lose a digit.
 */
export const CARD_SCAN_FORMATS = ['QR_CODE', 'CODE_128', 'EAN_13', 'CODE_39'] as const satisfies readonly (keyof typeof Html5QrcodeSupportedFormats)[]

/**
 * The card id in what a scanner gave: the webcam's decoded text (any of CARD_SCAN_FORMATS) or what a USB scanner
 * typed into the field. Removes what scanners add around the number: white space and line ends, an AIM symbology
 * identifier (`]C0` Code 128, `]E0` EAN-13, `]A0` Code 39, `]Q1` QR; sent by USB scanners configured to prefix it),
 * and Code 39's `*` start/stop characters (sent by scanners set to transmit them). Anything else is kept as it is,
 * so classifyId refuses it rather than this guessing a number out of it.
 */
export function scannedId(raw: string): string {
  let v = raw.replace(/\s+/g, '')
  v = v.replace(/^\][A-Za-z][0-9A-Za-z]/, '')
  if (/^\*[^*]+\*$/.test(v)) v = v.slice(1, -1)
  return v
}

/** 13 digits = BPJS card number (noKartu), 16 digits = NIK. Checked before anything else is asked. */
export function classifyId(raw: string): 'noKartu' | 'nik' | null {
  const v = raw.replace(/\s+/g, '')
  if (/^\d{13}$/.test(v)) return 'noKartu'
  if (/^\d{16}$/.test(v)) return 'nik'
  return null
}
