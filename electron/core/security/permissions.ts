import { isSameOrigin, type AppOrigin } from './origin'

/**
 * Chromium permissions. The only one the workstation needs is the webcam (QR on the BPJS card),
 * video only, requested by the app's own page. Everything else (notifications, geolocation,
 * microphone, clipboard read, HID/serial/USB, …) is denied.
 */
export interface PermissionRequest {
  permission: string
  requestingUrl: string | undefined
  /** For 'media': which devices the page asked for (Electron's details.mediaTypes). */
  mediaTypes?: readonly string[]
}

export function decidePermissionRequest(req: PermissionRequest, appOrigin: AppOrigin): boolean {
  if (req.permission !== 'media') return false
  if (!isSameOrigin(req.requestingUrl, appOrigin)) return false
  const types = req.mediaTypes ?? []
  return types.length > 0 && types.every((t) => t === 'video')
}

/** setPermissionCheckHandler: synchronous "may this origin use X" (e.g. camera labels in enumerateDevices). */
export function decidePermissionCheck(permission: string, requestingOrigin: string | undefined, appOrigin: AppOrigin): boolean {
  return permission === 'media' && isSameOrigin(requestingOrigin, appOrigin)
}
