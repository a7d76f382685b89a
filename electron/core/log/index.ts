export { createLogger, memorySink } from './logger'
export type { Logger } from './logger'
export { maskText, redact, REDACTED } from './mask'
