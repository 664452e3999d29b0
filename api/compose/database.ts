/**
 * The database of a server: knex options from the config (driver warnings go
 * to the dependency log once logging exists; knex says nothing before the
 * first query) and the migrations applied at start.
 */
import type { Config } from '../core/config.ts';
import { createDb, engineOf, type Db, type DbOptions } from '../core/db.ts';
import type { DependencyLog } from '../core/dependency-log.ts';
import type { Logger } from '../core/logger.ts';

export interface Database {
  db: Db;
  options: DbOptions;
  /** Sends driver warnings to `log` from now on. */
  logTo(log: DependencyLog): void;
}

export function openDatabase(config: Config): Database {
  let dependencyLog: DependencyLog | undefined;
  const options: DbOptions = {
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolMax: config.databasePoolMax,
    timeouts: {
      statementMs: config.databaseStatementTimeoutMs,
      acquireMs: config.databaseAcquireTimeoutMs,
    },
    log: (level, message) => {
      if (level !== 'debug') dependencyLog?.driverWarning('postgresql', message);
    },
  };
  return { db: createDb(options), options, logTo: (log) => (dependencyLog = log) };
}

/** Applies pending migrations, on PostgreSQL through a connection without the request timeouts. */
export async function migrate(db: Db, options: DbOptions, logger: Logger): Promise<void> {
  const migrator =
    engineOf(options) === 'postgres' ? createDb({ ...options, timeouts: undefined }) : db;
  try {
    const [, applied] = (await migrator.migrate.latest()) as [number, string[]];
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
  } finally {
    if (migrator !== db) await migrator.destroy();
  }
}
