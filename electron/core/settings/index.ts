import { Settings, SettingsPatch, type LedgerIdentity } from '../../contract'
import type { DB } from '../db'
import { writeTx } from '../db/tx'
import { writeSettingRow } from './rows'
import { AppError, fieldError, msg } from '../errors'

/** Defaults for a fresh install: demo remotes until an admin configures real ones. */
export const defaultSettings: Settings = {
  faskesName: 'Faskes Demo',
  kdPPK: null,
  locale: 'id',
  ledger: {
    org: 'Puskesmas',
    peerEndpoint: null,
    channel: 'bpjs-main',
    mspId: null,
    peerTlsCaPem: null,
    tlsServerName: null,
    caUrl: null,
    caTlsCaPem: null,
    enrollmentId: null,
    identity: { kind: 'none' },
  },
  pcare: {
    baseUrl: null,
    antreanBaseUrl: null,
    kunjunganPath: 'kunjungan/V1',
    postContentType: 'text/plain',
    timeoutMs: 30_000,
  },
  updater: { url: null },
  // Off until the faskes has its SATUSEHAT onboarding; once on, the demo simulator until real hosts are chosen.
  satusehat: {
    enabled: false,
    environment: 'demo',
    authBase: null,
    fhirBase: null,
    kfaBase: null,
    orgId: null,
    zone: 'Asia/Jakarta',
    encounterStyle: 'bundle',
    timeStyle: 'utc',
    timeoutMs: 30_000,
  },
}

/**
 * Non-secret settings as one JSON row per top-level key. Secrets never come here: they go to the
 * OS keychain through the credentials store.
 */
export class SettingsStore {
  constructor(private readonly db: DB) {}

  get(): Settings {
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[]
    const stored: Record<string, unknown> = {}
    for (const r of rows) stored[r.key] = JSON.parse(r.value)
    const merged: Record<string, unknown> = { ...defaultSettings }
    for (const [k, v] of Object.entries(stored)) {
      const def = (defaultSettings as Record<string, unknown>)[k]
      merged[k] = def && typeof def === 'object' && v && typeof v === 'object' ? { ...def, ...v } : v
    }
    // Parse, not cast: a value written by an older version that no longer validates falls back to the default.
    const parsed = Settings.safeParse(merged)
    return parsed.success ? parsed.data : { ...defaultSettings, ...pickValid(merged) }
  }

  update(patch: SettingsPatch): Settings {
    const valid = SettingsPatch.parse(patch)
    const current = this.get()
    const next = { ...current } as Record<string, unknown>
    for (const [k, v] of Object.entries(valid)) {
      const cur = (current as Record<string, unknown>)[k]
      next[k] = cur && typeof cur === 'object' && v && typeof v === 'object' ? { ...cur, ...v } : v
    }
    const checked = Settings.parse(next)
    // Sandbox, production and custom addresses send as the faskes's Organization: without its id nothing can be sent,
    // so the lane is refused here rather than shown on and failing every visit (the demo uses the simulator's id).
    const ss = checked.satusehat
    if (valid.satusehat && ss.enabled && ss.environment !== 'demo' && !ss.orgId) {
      throw new AppError('INVALID_INPUT', msg('err.invalidInput'), [fieldError('satusehat.orgId', msg('v.required'))])
    }
    const now = Date.now()
    writeTx(this.db, () => {
      for (const k of Object.keys(valid)) writeSettingRow(this.db, k, (checked as Record<string, unknown>)[k], now)
    })
    return checked
  }

  /**
   * Core-only: stores the enrolled ledger identity (ledger/enrolment.ts) in the `ledger` row. Not part of
   * SettingsPatch, so the page can never set it; only a checked enrolment does. Returns the whole new settings.
   */
  setLedgerIdentity(identity: LedgerIdentity): Settings {
    const current = this.get()
    const checked = Settings.parse({ ...current, ledger: { ...current.ledger, identity } })
    writeSettingRow(this.db, 'ledger', checked.ledger, Date.now())
    return checked
  }
}

function pickValid(merged: Record<string, unknown>): Partial<Settings> {
  const out: Record<string, unknown> = {}
  for (const [k, schema] of Object.entries(Settings.shape)) {
    const r = (schema as { safeParse(v: unknown): { success: boolean } }).safeParse(merged[k])
    if (r.success) out[k] = merged[k]
  }
  return out as Partial<Settings>
}
