/**
 * The one knex factory. PostgreSQL through pg with a pool when DATABASE_URL is
 * a postgres URL; otherwise embedded PGlite (a folder, or memory://) running in
 * a worker thread. Both engines return counts and bigints as numbers.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import pg from 'pg';
import { PgliteProxy } from './pglite-proxy.ts';

export type Db = Knex;

export interface DbOptions {
  /** postgres://…, memory://, or undefined for the embedded database in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  poolMax?: number;
}

export const migrationsDirectory = fileURLToPath(new URL('../../migrations', import.meta.url));

const INT8 = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

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
  if (engineOf(options) === 'postgres') {
    return knexFactory({
      client: 'pg',
      connection: {
        connectionString: options.databaseUrl,
        types: pgTypes,
      } as Knex.PgConnectionConfig,
      pool: { min: 0, max: options.poolMax ?? 10 },
      acquireConnectionTimeout: 10_000,
      migrations,
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
  });
}

/** Cheap liveness query used by /readyz. */
export async function pingDb(db: Db): Promise<void> {
  await db.raw('select 1');
}
