/**
 * What every area of a server is built from, started in order: metrics,
 * logging (registered in `parts` at once, so a failure after it still flushes
 * the logs), the dependency log, the Redis settings (with their per-instance
 * fallbacks), and the database with its migrations applied.
 */
import type { DestinationStream } from 'pino';
import type { Clock } from '../core/clock.ts';
import type { Config } from '../core/config.ts';
import { engineOf, type Db, type DbOptions } from '../core/db.ts';
import { createDependencyLog, type DependencyLog } from '../core/dependency-log.ts';
import type { Logger, StreamLoggers } from '../core/logger.ts';
import { createLogging } from '../core/logging.ts';
import { createMetrics, type Metrics } from '../core/metrics.ts';
import { createRedisFallback } from '../core/redis-fallback.ts';
import type { RedisSettings } from '../core/redis.ts';
import { version } from '../core/version.ts';
import { migrate, type Database } from './database.ts';
import type { Parts } from './parts.ts';

export interface Base {
  config: Config;
  db: Db;
  dbOptions: DbOptions;
  clock: Clock;
  metrics: Metrics;
  /** Application log (dataset pong.api). */
  logger: Logger;
  logs: StreamLoggers;
  /** Unset without REDIS_URL. */
  redis: RedisSettings | undefined;
}

export interface BaseOptions {
  config: Config;
  clock: Clock;
  /** Run pending migrations first. The embedded database always does. */
  migrate?: boolean;
  logDestination?: DestinationStream;
}

export async function startBase(
  options: BaseOptions,
  database: Database,
  parts: Partial<Parts>,
): Promise<Base> {
  const { config } = options;
  const { db } = database;
  const metrics = createMetrics({ version, db });
  const logging = (parts.logging = await createLogging({
    config,
    metrics,
    version,
    destination: options.logDestination,
  }));
  const { logger, logs } = logging;
  const dependencyLog = createDependencyLog(logs.app);
  database.logTo(dependencyLog);
  const redis = redisSettings(
    config,
    dependencyLog,
    createRedisFallback({ logger: logs.app, metrics: metrics.redis }),
  );
  if (engineOf(config) === 'pglite' || options.migrate) await migrate(db, database.options, logger);
  return {
    config,
    db,
    dbOptions: database.options,
    clock: options.clock,
    metrics,
    logger,
    logs,
    redis,
  };
}

function redisSettings(
  config: Config,
  log: DependencyLog,
  fallback: RedisSettings['fallback'],
): RedisSettings | undefined {
  if (!config.redisUrl) return undefined;
  return {
    url: config.redisUrl,
    prefix: config.redisPrefix,
    commandTimeoutMs: config.redisCommandTimeoutMs,
    log,
    fallback,
  };
}
