import type { Result } from '../../contract'
import { windowSetupGate } from '../auth/setup-gate'
import { msg } from '../errors'
import { dispatch, type HandlerTable, type SessionCarrier } from '../ipc/dispatch'
import { isTrustedSender, type AppOrigin, type SenderFrame } from './origin'

const FORBIDDEN_RESULT: Result<never> = Object.freeze({
  ok: false,
  error: Object.freeze({ code: 'FORBIDDEN', message: msg('err.foreignSender').text, key: 'err.foreignSender' }),
}) as Result<never>

export interface IpcInvokerOptions {
  table: HandlerTable
  appOrigin: AppOrigin
  /** Told about refused callers and about internal errors inside handlers. */
  onForbidden?: (channel: string, frameUrl: string | undefined) => void
  onInternalError?: (channel: string, err: unknown) => void
}

/**
 * What each ipcMain.handle calls: the sender-frame check first (a frame that is not the app's own
 * top-level page gets FORBIDDEN and nothing is dispatched), then the validating dispatcher.
 * Never throws, so the page always receives a Result.
 */
export function createIpcInvoker(options: IpcInvokerOptions) {
  return (frame: SenderFrame | null | undefined, channel: string, input: unknown, session?: () => SessionCarrier): Promise<Result<unknown>> => {
    if (!isTrustedSender(frame, options.appOrigin)) {
      options.onForbidden?.(channel, frame?.url)
      return Promise.resolve(FORBIDDEN_RESULT)
    }
    // The app's own window is the first-run proof: this check refused every other frame and no other process reaches ipcMain.
    return dispatch(options.table, channel, input, { transport: 'ipc', session: session?.(), setupGate: windowSetupGate }, options.onInternalError)
  }
}
