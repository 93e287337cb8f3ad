// @idp/observability: structured JSON logging with secrets redacted.
export { childFor, createLogger, type Logger, type LoggerOptions, REDACTED_PATHS } from './logger.js';
