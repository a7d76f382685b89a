/**
 * The preload: exposes exactly one object, window.faskes, with one method. It forwards only the
 * contract's channel names, passes only (channel, input) to main, and always resolves to a Result:
 * no ipcRenderer, no event objects, no Node reaches the page. Runs sandboxed, so it imports nothing
 * but electron and the plain list of channel names (the schemas stay in main).
 */
import { contextBridge, ipcRenderer } from 'electron'
import { channelNames } from '../contract/channels'
import type { FaskesApi, Result } from '../contract'

const allowed: ReadonlySet<string> = new Set(channelNames)

function failure(code: 'UNKNOWN_CHANNEL' | 'UNAVAILABLE', message: string): Result<never> {
  return { ok: false, error: { code, message } }
}

async function invoke(channel: unknown, input: unknown): Promise<Result<unknown>> {
  if (typeof channel !== 'string' || !allowed.has(channel)) {
    return failure('UNKNOWN_CHANNEL', 'Perintah tidak dikenal.')
  }
  try {
    return (await ipcRenderer.invoke(channel, input)) as Result<unknown>
  } catch {
    // Main's handler never throws; this is a missing handler or a closing window.
    return failure('UNAVAILABLE', 'Aplikasi sedang tidak dapat memproses permintaan. Coba lagi.')
  }
}

const api: FaskesApi = { invoke: invoke as FaskesApi['invoke'] }

contextBridge.exposeInMainWorld('faskes', api)
