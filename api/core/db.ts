/**
 * The one knex factory. PostgreSQL through pg with a pool when DATABASE_URL is
 * a postgres URL; otherwise embedded PGlite (a folder, or memory://) running in
 * a worker thread. Both engines return counts and bigints as numbers. With
 * `timeouts`, PostgreSQL fails fast: a statement, a connection attempt and a
 * wait for a pooled connection are all bounded, so a frozen or stopped server
 * costs a request seconds, not minutes.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import pg from 'pg';
import { unavailable } from './errors.ts';
import { PgliteProxy } from './pglite-proxy.ts';

export type Db = Knex;

export interface DbOptions {
  /** postgres://…, memory://, or undefined for the embedded database in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  poolMax?: number;
  /** PostgreSQL only. Unset: no statement timeout (`pongctl db migrate`) and a 10 s acquire timeout. */
  timeouts?: DbTimeouts;
  /** Where knex's own warnings go (acquire errors, dropped connections); the console when unset. */
  log?: DbLog;
}

export interface DbTimeouts {
  /** Server-side statement_timeout; the client gives up shortly after, for a server that does not answer at all. */
  statementMs: number;
  /** Waiting for a pooled connection, and opening a new one. */
  acquireMs: number;
}

export type DbLog = (level: 'warn' | 'error' | 'debug', message: string) => void;

export const migrationsDirectory = fileURLToPath(new URL('../../migrations', import.meta.url));

const INT8 = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

// The server cancels a statement at statementMs; the client waits this much longer before it gives up itself.
const clientGraceMs = 500;

type PooledClient = pg.Client & { __knex__disposed?: unknown };

/**
 * A query that timed out on the client may still run on the server, inside a
 * transaction whose ROLLBACK timed out too; such a connection must never be
 * handed out again. Marking it disposed makes knex destroy it on the next acquire.
 */
function discardAfterReadTimeout(connection: PooledClient, done: (err: null, c: unknown) => void) {
  const query = connection.query.bind(connection) as (...args: unknown[]) => unknown;
  connection.query = ((...args: unknown[]) => {
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      args[args.length - 1] = (err: Error | null, result: unknown) => {
        if (err?.message === 'Query read timeout') connection.__knex__disposed = err;
        (callback as (e: Error | null, r: unknown) => void)(err, result);
      };
    }
    return query(...args);
  }) as typeof connection.query;
  done(null, connection);
}

function knexLog(log: DbLog | undefined): Knex.Config['log'] {
  if (!log) return undefined;
  return {
    warn: (message: unknown) => log('warn', String(message)),
    error: (message: unknown) => log('error', String(message)),
    debug: (message: unknown) => log('debug', String(message)),
    deprecate: (method: unknown, alternative: unknown) =>
      log('warn', `${String(method)} is deprecated, use ${String(alternative)}`),
  };
}

export function engineOf(options: DbOptions): 'postgres' | 'pglite' {
  return options.databaseUrl?.startsWith('postgres') ? 'postgres' : 'pglite';
}

/** Builds knex for the configured engine. The embedded one opens lazily on first query. */
export function createDb(options: DbOptions): Db {
  const migrations: Knex.MigratorConfig = {
    directory: migrationsDirectory,
    loadExtensions: ['.ts'],
    tableName: 'knex_migrations',
  };
  const log = knexLog(options.log);
  if (engineOf(options) === 'postgres') {
    const t = options.timeouts;
    return knexFactory({
      client: 'pg',
      connection: {
        connectionString: options.databaseUrl,
        types: pgTypes,
        ...(t && {
          statement_timeout: t.statementMs,
          query_timeout: t.statementMs + clientGraceMs,
          connectionTimeoutMillis: t.acquireMs,
        }),
      } as Knex.PgConnectionConfig,
      pool: { min: 0, max: options.poolMax ?? 10, afterCreate: discardAfterReadTimeout },
      acquireConnectionTimeout: t?.acquireMs ?? 10_000,
      migrations,
      log,
    });
  }
  const target =
    options.databaseUrl === 'memory://' ? 'memory://' : path.resolve(options.dataDir, 'pglite');
  if (target !== 'memory://') mkdirSync(target, { recursive: true });
  let proxy: PgliteProxy | undefined;
  return knexFactory({
    client: ClientPgLite as unknown as typeof knexFactory.Client,
    // A function, so the worker starts only when knex first needs a connection.
    connection: () => ({ pglite: (proxy ??= new PgliteProxy(target)) }) as never,
    acquireConnectionTimeout: 30_000,
    migrations,
    log,
  });
}

/**
 * Cheap liveness query used by /readyz: rejects with UNAVAILABLE after
 * `withinMs` whether the pool, the connection or the server is what hangs.
 */
export async function pingDb(db: Db, withinMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(unavailable(`The database did not answer within ${withinMs} ms`)),
      withinMs,
    );
  });
  // query_timeout bounds the query on the client too, so a frozen server does not keep the connection.
  const ping = db.raw('select 1').options({ query_timeout: withinMs });
  try {
    await Promise.race([ping, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
