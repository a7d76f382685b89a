import type { AppInfo, SettingsPatch, Settings } from '../../contract'
import type { Core } from '../app'
import { schemaVersion } from '../db'
import type { SyncEngine } from '../sync/engine'
import type { SettingsStore } from './index'

/** What the title bar and the about box show; `demo` names the remotes that are local stand-ins (no address set). */
export function appInfo(core: Pick<Core, 'db' | 'version' | 'settings'>): AppInfo {
  const s = core.settings.get()
  return {
    version: core.version,
    schemaVersion: schemaVersion(core.db),
    faskesName: s.faskesName,
    kdPPK: s.kdPPK,
    locale: s.locale,
    demo: { ledger: s.ledger.peerEndpoint === null, pcare: s.pcare.baseUrl === null, satusehat: s.satusehat.enabled && s.satusehat.environment === 'demo' },
  }
}

/** Saves a settings patch (see SettingsStore.update for validation) and returns the whole new settings. */
export function updateSettings(settings: SettingsStore, engine: SyncEngine | null, patch: SettingsPatch): Settings {
  const s = settings.update(patch)
  // A newly configured PCare fills the reference lists at once instead of at the next check.
  engine?.reference?.kick()
  return s
}
