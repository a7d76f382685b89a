/**
 * The page-side global: window.faskes, exposed by the Electron preload and by the browser shell.
 * The renderer includes this file (type-only) so it sees the same FaskesApi as the preload.
 */
import type { FaskesApi } from './index'

declare global {
  interface Window {
    faskes: FaskesApi
  }
}

export {}
