/**
 * `toAppError`: the one function that turns anything thrown (zod, Postgres,
 * sockets, a closed database) into the AppError of the contract.
 */
import { z } from 'zod';
import { AppError } from '../contract/errors.ts';

export interface FieldIssue {
  path: string;
  message: string;
  code: string;
}

/** Flattens zod issues into `{path, message, code}` entries, one per problem. */
export function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
    code: issue.code,
  }));
}

const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNABORTED',
  'EPIPE',
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08006', // connection_failure
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

/** Seconds a client should wait before retrying after a dependency failed. */
export const retryAfterSeconds = 5;

/** 503 with Retry-After: a dependency is down, frozen or too slow; the request may succeed later. */
export function unavailable(message: string, details?: unknown): AppError {
  return new AppError('UNAVAILABLE', message, details, {
    'Retry-After': String(retryAfterSeconds),
  });
}

// What pg, knex and ioredis say when a server is unreachable, frozen or gone (they carry no code).
const unavailableMessages: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /Query read timeout|Timeout acquiring a connection|Connection terminated|not queryable|timeout expired/i,
    'The database did not answer in time',
  ],
  [
    /database (is )?closed|pool is destroyed|Unable to acquire a connection/i,
    'The database is not reachable',
  ],
  [
    /Command timed out|Stream isn't writeable|Connection is closed|max retries per request|ETIMEDOUT|ECONNREFUSED/i,
    'Redis did not answer in time',
  ],
];

interface PgLikeError {
  code?: unknown;
  constraint?: unknown;
  detail?: unknown;
  message?: unknown;
}

function fromDatabaseError(err: PgLikeError): AppError | undefined {
  const code = typeof err.code === 'string' ? err.code : undefined;
  if (!code) return undefined;
  const constraint = typeof err.constraint === 'string' ? err.constraint : undefined;
  switch (code) {
    case '23505':
      return new AppError('CONFLICT', 'A record with these values already exists', { constraint });
    case '23503':
      // An insert pointing at a missing row is NOT_FOUND; a delete still referenced is CONFLICT.
      return /is still referenced/.test(String(err.detail ?? ''))
        ? new AppError('CONFLICT', 'The record is still in use', { constraint })
        : new AppError('NOT_FOUND', 'A referenced record does not exist', { constraint });
    case '57014': // query_canceled: statement_timeout
      return unavailable('The database did not answer in time');
    case '22P02':
    case '22003':
    case '23502':
    case '23514':
      return new AppError('VALIDATION', 'A value is not valid for the database', { constraint });
  }
  if (connectionErrorCodes.has(code)) return unavailable('The database is not reachable');
  return undefined;
}

/** Maps any thrown value to an AppError; unknown failures become INTERNAL. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError) {
    return new AppError('VALIDATION', 'The request is not valid', zodIssues(err));
  }
  if (err && typeof err === 'object') {
    const mapped = fromDatabaseError(err as PgLikeError);
    if (mapped) return mapped;
    const message = (err as { message?: unknown }).message;
    if (typeof message === 'string') {
      const known = unavailableMessages.find(([pattern]) => pattern.test(message));
      if (known) return unavailable(known[1]);
    }
  }
  return new AppError('INTERNAL', 'Internal server error');
}
