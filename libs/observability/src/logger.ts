// One pino logger per service: JSON lines, ISO timestamps, the service name on every line, and
// credentials redacted wherever they appear in a logged object.
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where lines go (stdout by default); tests pass an in-memory stream. */
  destination?: DestinationStream;
}

export const REDACTED_PATHS = [
  'authorization',
  'token',
  'api_key',
  'password',
  'secret',
  'bearer',
  '*.authorization',
  '*.token',
  '*.api_key',
  '*.password',
  '*.secret',
  '*.bearer',
  'cookie',
  '["x-api-key"]',
  '*["x-api-key"]',
  '*.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'request.headers.authorization',
  'request.headers["x-api-key"]',
  'request.headers.cookie',
  '*.*.token',
  '*.*.api_key',
  '*.*.secret',
  '*.*.password',
];

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}

/** A child logger carrying the ids that tie a line to a request, tenant, subject or connection. */
export function childFor(
  logger: Logger,
  ids: { request_id?: string; tenant_id?: string; subject?: string; connection_id?: string },
): Logger {
  return logger.child(Object.fromEntries(Object.entries(ids).filter(([, value]) => value !== undefined)));
}
