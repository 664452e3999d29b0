/**
 * The process logger: pino writing JSON lines in Elastic Common Schema field
 * names. Secrets are redacted by path wherever they appear.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Paths censored in every log line, whichever stream writes it. */
export const redactPaths = [
  'authorization',
  'password',
  'token',
  'accessToken',
  'refreshToken',
  '*.authorization',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  'http.request.headers.authorization',
  'http.request.headers.cookie',
  'http.response.headers["set-cookie"]',
];

export interface LoggerOptions {
  level: string;
  service: { name: string; version: string; environment: string };
  /** Where lines go; stdout when omitted. Tests pass a memory stream. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      messageKey: 'message',
      timestamp: () => `,"@timestamp":"${new Date().toISOString()}"`,
      base: {
        'ecs.version': '8.10.0',
        'service.name': options.service.name,
        'service.version': options.service.version,
        'service.environment': options.service.environment,
        'event.dataset': 'pong.api',
      },
      formatters: {
        level: (label) => ({ 'log.level': label }),
      },
      redact: { paths: redactPaths, censor: '[REDACTED]' },
      errorKey: 'error',
      serializers: {
        error: (err: Error) => ({ type: err.name, message: err.message, stack_trace: err.stack }),
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
