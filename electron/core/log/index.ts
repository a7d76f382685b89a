export { createLogger, memorySink } from './logger'
export type { Logger } from './logger'
export { maskText, namesIn, redact, REDACTED } from './mask'
