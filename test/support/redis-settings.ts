/** RedisSettings for tests that build a Redis-backed piece (bus, presence store) without a server. */
import { pino } from 'pino';
import { createDependencyLog } from '../../api/core/dependency-log.ts';
import type { Logger } from '../../api/core/logger.ts';
import type { RedisSettings } from '../../api/core/redis.ts';
import { createRedisFallback } from '../../api/core/redis-fallback.ts';

export function testRedisSettings(
  url: string,
  prefix: string,
  logger: Logger = pino({ level: 'silent' }),
): RedisSettings {
  return {
    url,
    prefix,
    commandTimeoutMs: 500,
    log: createDependencyLog(logger),
    fallback: createRedisFallback({
      logger,
      metrics: { degraded: () => undefined, fallback: () => undefined },
    }),
  };
}
