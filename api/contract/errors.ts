/**
 * Error codes of the API: the one vocabulary shared by the server, the
 * WebSocket gateway and the CLI. How each code maps to an HTTP status, an exit
 * code and a WebSocket close code lives in `errorTable` so no edge invents its own.
 */
import { z } from 'zod';

export const errorCodes = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'CONFIG',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorMapping {
  http: number;
  exit: number;
  wsClose: number;
}

/** The single table of docs/ARCHITECTURE.md, plus 405 and 415 which HTTP needs. */
export const errorTable: Readonly<Record<ErrorCode, ErrorMapping>> = Object.freeze({
  VALIDATION: { http: 400, exit: 2, wsClose: 4400 },
  UNAUTHENTICATED: { http: 401, exit: 4, wsClose: 4401 },
  FORBIDDEN: { http: 403, exit: 4, wsClose: 4403 },
  NOT_FOUND: { http: 404, exit: 3, wsClose: 4404 },
  METHOD_NOT_ALLOWED: { http: 405, exit: 2, wsClose: 4400 },
  CONFLICT: { http: 409, exit: 5, wsClose: 4409 },
  PAYLOAD_TOO_LARGE: { http: 413, exit: 2, wsClose: 1009 },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, exit: 2, wsClose: 4400 },
  RATE_LIMITED: { http: 429, exit: 6, wsClose: 4429 },
  UNAVAILABLE: { http: 503, exit: 6, wsClose: 1013 },
  CONFIG: { http: 500, exit: 78, wsClose: 1011 },
  INTERNAL: { http: 500, exit: 1, wsClose: 1011 },
});

/** The error envelope every failing HTTP response carries. */
export const errorEnvelopeSchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(errorCodes),
    message: z.string(),
    details: z.unknown().optional(),
    requestId: z.string().optional(),
  }),
});

/**
 * The one error type: domain code throws it, edges render it, and the CLI
 * client rebuilds it from an error envelope. It never knows HTTP itself; the
 * table above does.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  /** Extra response headers an edge should send with this error (Allow, Retry-After). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ErrorCode,
    message: string,
    details?: unknown,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.headers = headers;
  }

  get status(): number {
    return errorTable[this.code].http;
  }

  get exitCode(): number {
    return errorTable[this.code].exit;
  }

  get wsCloseCode(): number {
    return errorTable[this.code].wsClose;
  }
}

export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

/** What `details` of every RATE_LIMITED error carries, beside the `Retry-After` header. */
export const rateLimitedDetailsSchema = z.strictObject({
  retryAfterSeconds: z.number().int().min(1),
});

/** The one way to refuse for rate: `details.retryAfterSeconds` and `Retry-After` agree (at least 1 s). */
export function rateLimitedError(retryAfterSeconds: number, message: string): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  const details: z.infer<typeof rateLimitedDetailsSchema> = { retryAfterSeconds: seconds };
  return new AppError('RATE_LIMITED', message, details, { 'Retry-After': String(seconds) });
}
