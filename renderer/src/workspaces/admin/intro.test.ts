import { describe, expect, it } from 'vitest'
import { adminIntro } from './index'

describe('Admin page intro', () => {
  it('names every lane of the status, in the page language', () => {
    expect(adminIntro('id', ['ledger', 'pcare', 'antrean', 'satusehat'])).toBe('Pemantauan pengiriman ke Ledger, PCare, Antrean, dan SATUSEHAT.')
    expect(adminIntro('en', ['ledger', 'pcare', 'antrean', 'satusehat'])).toBe('Monitoring of sends to Ledger, PCare, Antrean, and SATUSEHAT.')
    // At a desk the hub is a lane too.
    expect(adminIntro('id', ['hub', 'ledger'])).toBe('Pemantauan pengiriman ke Hub dan Ledger.')
  })

  it('before the first status: no names it cannot know', () => {
    expect(adminIntro('id', undefined)).toBe('Pemantauan pengiriman ke setiap tujuan.')
    expect(adminIntro('en', [])).toBe('Monitoring of sends to every target.')
  })
})
