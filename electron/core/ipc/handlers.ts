import type { HandlerTable } from './dispatch'
import type { Core } from '../app'
import { schemaVersion } from '../db'
import { syncStatus } from '../sync/status'

/**
 * The handler table: one function per contract channel, each a thin call into core.
 * Electron's ipcMain and the browser shell both dispatch into this same table.
 */
export function createHandlers(core: Core): HandlerTable {
  return {
    'app.info': () => {
      const s = core.settings.get()
      return {
        version: core.version,
        schemaVersion: schemaVersion(core.db),
        faskesName: s.faskesName,
        kdPPK: s.kdPPK,
        locale: s.locale,
        demo: { ledger: s.ledger.peerEndpoint === null, pcare: s.pcare.baseUrl === null },
      }
    },
    'sync.status': () => syncStatus(core.db, core.connectivity),
    'settings.get': () => core.settings.get(),
    'settings.update': (patch) => core.settings.update(patch),
  }
}
