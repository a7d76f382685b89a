export { createLogger, memorySink } from './logger'
export type { Logger, LogLevel, LogRecord, LoggerOptions } from './logger'
export { maskText, redact, isSecretKey, REDACTED } from './mask'
