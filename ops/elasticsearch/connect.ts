/**
 * Connects the 9.x Elasticsearch client for the ops commands (imported lazily
 * by them) and turns its failures into AppErrors with the project's exit codes:
 * 401 → 4, 403 → 4, 404 → 3, 409 → 5, unreachable → 6, wrong major → 78.
 */
import { readFileSync } from 'node:fs';
import type { Client } from '@elastic/elasticsearch';
import { AppError } from '../../api/contract/errors.ts';
import { clientProblems, parseVersion, type ClusterVersion } from './compat.ts';

export interface EsConnection {
  url: string;
  apiKey?: string;
  username?: string;
  password?: string;
  caFile?: string;
  requestTimeoutMs?: number;
}

export interface EsSession {
  client: Client;
  version: ClusterVersion;
  close(): Promise<void>;
}

interface EsErrorLike {
  name?: string;
  message?: string;
  meta?: { statusCode?: number; body?: unknown };
}

function reasonOf(body: unknown): { type?: string; reason?: string } {
  const error = (body as { error?: { type?: string; reason?: string } } | undefined)?.error;
  return typeof error === 'object' && error ? error : {};
}

/** One mapping from client errors to AppError for every Elasticsearch call. */
export function toEsAppError(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const e = err as EsErrorLike;
  if (
    e.name === 'ConnectionError' ||
    e.name === 'TimeoutError' ||
    e.name === 'NoLivingConnectionsError'
  ) {
    return new AppError('UNAVAILABLE', `${what}: Elasticsearch is not reachable (${e.message})`);
  }
  if (e.name === 'ProductNotSupportedError')
    return new AppError('CONFIG', `${what}: the server is not Elasticsearch`);
  const status = e.meta?.statusCode;
  const { type, reason } = reasonOf(e.meta?.body);
  const detail = reason ? `${type}: ${reason}` : (e.message ?? String(err));
  if (type === 'media_type_header_exception') {
    return new AppError(
      'CONFIG',
      `${what}: the cluster refused the 9.x client's media type (it is not Elasticsearch 9.x; see the README, "Using an 8.x cluster")`,
    );
  }
  const code =
    status === 401
      ? 'UNAUTHENTICATED'
      : status === 403
        ? 'FORBIDDEN'
        : status === 404
          ? 'NOT_FOUND'
          : status === 409
            ? 'CONFLICT'
            : status === 400
              ? 'VALIDATION'
              : status === 429
                ? 'RATE_LIMITED'
                : 'UNAVAILABLE';
  return new AppError(code, `${what}: Elasticsearch answered ${status ?? 'an error'} (${detail})`);
}

function auth(conn: EsConnection): { apiKey: string } | { username: string; password: string } {
  if (conn.apiKey) return { apiKey: conn.apiKey };
  if (conn.username && conn.password !== undefined)
    return { username: conn.username, password: conn.password };
  throw new AppError(
    'UNAUTHENTICATED',
    'no Elasticsearch credentials: set PONGCTL_ES_API_KEY, or --es-user with PONGCTL_ES_PASSWORD or --es-password-stdin',
  );
}

/** Opens a client, checks the server's version against the client's major, and returns both. */
export async function connectElasticsearch(conn: EsConnection): Promise<EsSession> {
  const { Client } = await import('@elastic/elasticsearch');
  const installed = await import('@elastic/elasticsearch/package.json', { with: { type: 'json' } });
  const installedMajor = Number(String(installed.default.version).split('.')[0]);
  const client = new Client({
    node: conn.url,
    auth: auth(conn),
    maxRetries: 1,
    requestTimeout: conn.requestTimeoutMs ?? 30_000,
    ...(conn.caFile ? { tls: { ca: readFileSync(conn.caFile) } } : {}),
  });
  try {
    const info = await client.info();
    const version = parseVersion(info.version.number);
    const problems = clientProblems(version, installedMajor);
    if (problems.length > 0) throw new AppError('CONFIG', problems[0]!);
    return { client, version, close: () => client.close() };
  } catch (err) {
    await client.close();
    throw toEsAppError(err, 'connecting to Elasticsearch');
  }
}

/** Runs one Elasticsearch call and maps its failure; `notFound` turns a 404 into a value. */
export async function esCall<T, F = never>(
  what: string,
  call: () => Promise<T>,
  notFound?: () => F,
): Promise<T | F> {
  try {
    return await call();
  } catch (err) {
    if (notFound && (err as EsErrorLike).meta?.statusCode === 404) return notFound();
    throw toEsAppError(err, what);
  }
}
