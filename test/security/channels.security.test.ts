import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channelNames } from '../../electron/contract/channels'
import { registerVisit } from '../../electron/core/clinic'
import type { BrowserShell } from '../../tools/browser-shell/server'
import { createUser, requireBuiltRenderer, seedCore, startShell } from '../e2e/workstation'
import { registrationInput } from '../helpers/clinic'
import { tempDir } from '../helpers/tmp'
import { shellClient } from './shell-client'

/**
 * Security review finding 21 (and the anonymous half of finding 1), replayed through the browser shell over HTTP:
 * `sync.status` and `app.info` answered callers without a session (outbox counts, the facility's name and kdPPK), and
 * the counter role read past diagnoses through `patient.history`. Now an anonymous caller gets only the sign-in and
 * first-run channels, and the counter's history carries no diagnosis.
 */
const COUNTER = { username: 'loket1', password: 'rahasia-loket-1' }
const CLINICIAN = { username: 'perawat1', password: 'rahasia-perawat-1' }
const CARD = '0009999000001'
const DIAGNOSIS = { kdDiag: 'J45.9', nmDiag: 'Asthma, unspecified' }
/** The channels an anonymous caller may use: sign in, the lock screen's unlock, and first run. */
const ANONYMOUS = new Set(['auth.me', 'auth.setup', 'auth.login', 'auth.logout', 'auth.unlock'])

const tmp = tempDir('faskes-sec-channels-')
let shell: BrowserShell
let noRawat: string

beforeAll(async () => {
  requireBuiltRenderer()
  noRawat = await seedCore(
    tmp.dir,
    async (core) => {
      core.settings.update({ faskesName: 'Puskesmas Rahasia', kdPPK: '0199B001' })
      await createUser(core, COUNTER, 'counter')
      await createUser(core, CLINICIAN, 'clinician')
      core.db.prepare(`INSERT INTO patients (no_kartu, nik, nama, kd_provider, aktif, updated_at) VALUES (?, '9999734602235274', 'X', '0199B001', 1, 0)`).run(CARD)
      // A past visit with its examination, stored as core stores it (the diagnoses inside the examination's data).
      const visit = registerVisit(core.db, core.settings.get(), registrationInput(CARD, { penjamin: 'umum' }), { userId: 'loket1' }).noRawat
      core.db
        .prepare(`INSERT INTO examinations (no_rawat, data, ledger_visit_id, created_at, updated_at) VALUES (?, ?, 'lv-sec-1', 0, 0)`)
        .run(visit, JSON.stringify({ diagnoses: [DIAGNOSIS] }))
      return visit
    },
    { keychain: false },
  )
  shell = await startShell(tmp.dir)
})

afterAll(async () => {
  await shell?.close()
  tmp.cleanup()
})

describe('anonymous callers (findings 1, 21)', () => {
  it('sync.status and app.info need a signed-in user', async () => {
    const anon = shellClient(shell)
    for (const channel of ['sync.status', 'app.info']) {
      const r = await anon.rpc(channel)
      expect(r.body, channel).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
      expect(JSON.stringify(r.body), channel).not.toContain('Puskesmas Rahasia')
    }
  })

  it('get only the sign-in and first-run channels: every other channel refuses them', async () => {
    const anon = shellClient(shell)
    for (const channel of channelNames.filter((c) => !ANONYMOUS.has(c))) {
      const r = await anon.rpc(channel, {})
      expect(r.body.ok, channel).toBe(false)
      // A channel whose input `{}` passes validation must refuse for want of a session, not for anything else.
      if (r.body.error?.code !== 'INVALID_INPUT') expect(r.body.error?.code, channel).toBe('UNAUTHENTICATED')
    }
    // The sign-in screen still has what it needs: who is signed in (nobody) and the locale.
    expect((await anon.rpc('auth.me')).body).toEqual({ ok: true, value: { user: null, setupRequired: false, setupCodeRequired: false, locale: 'id' } })
  })
})

describe('counter staff see no diagnoses (finding 21)', () => {
  it("patient.history gives the counter the card's visits without their diagnoses; the clinician gets them", async () => {
    const counter = shellClient(shell)
    expect((await counter.rpc('auth.login', COUNTER)).body).toMatchObject({ ok: true })
    const seen = await counter.rpc('patient.history', { noKartu: CARD, ledger: false })
    expect(seen.body.ok).toBe(true)
    const local = (seen.body.value as { local: { noRawat: string; diagnoses: unknown[] }[] }).local
    expect(local.map((v) => [v.noRawat, v.diagnoses])).toEqual([[noRawat, []]])
    expect(JSON.stringify(seen.body)).not.toContain(DIAGNOSIS.kdDiag)
    expect(JSON.stringify(seen.body)).not.toContain(DIAGNOSIS.nmDiag)

    const clinician = shellClient(shell)
    expect((await clinician.rpc('auth.login', CLINICIAN)).body).toMatchObject({ ok: true })
    const full = await clinician.rpc('patient.history', { noKartu: CARD, ledger: false })
    expect((full.body.value as { local: { diagnoses: unknown[] }[] }).local[0].diagnoses).toEqual([DIAGNOSIS])
  })
})
