/**
 * What an instance does while Redis is away: features that use Redis only to
 * share state between instances (throttles, rate limits, presence, the bus)
 * answer from this instance's memory instead of failing. The first failure
 * switches the instance to its local fallbacks (a warning, the gauge
 * `redis_degraded` at 1); from then on one call per `retryMs` tries Redis
 * again while the others answer locally at once, and the first success
 * switches back (an info line, the gauge at 0) and runs the recovery
 * listeners, which write what was kept locally back to Redis.
 */
import { toAppError } from './errors.ts';
import type { Logger } from './logger.ts';
import type { RedisFallbackFeature } from '../contract/metrics.ts';

export interface RedisFallbackMetrics {
  degraded(on: boolean): void;
  fallback(feature: RedisFallbackFeature): void;
}

export interface RedisFallback {
  /** Runs `remote`; while Redis is away, or when `remote` finds it away, answers with `local`. */
  run<T>(
    feature: RedisFallbackFeature,
    remote: () => Promise<T>,
    local: () => T | Promise<T>,
  ): Promise<T>;
  /** True while this instance works without Redis. */
  away(): boolean;
  /** Runs after each outage, once Redis answers again. */
  onRecover(listener: () => Promise<void>): void;
}

export interface RedisFallbackOptions {
  logger: Logger;
  metrics: RedisFallbackMetrics;
  /** How often a call tries Redis again during an outage (default 1 s). */
  retryMs?: number;
  now?: () => number;
}

export function createRedisFallback(options: RedisFallbackOptions): RedisFallback {
  const { logger, metrics } = options;
  const retryMs = options.retryMs ?? 1_000;
  const now = options.now ?? (() => performance.now());
  const listeners: Array<() => Promise<void>> = [];
  let downSince: number | undefined;
  let nextTryAt = 0;
  let trying = false;

  const wentAway = (err: unknown) => {
    downSince = now();
    nextTryAt = downSince + retryMs;
    metrics.degraded(true);
    logger.warn(
      {
        'event.action': 'redis-degraded',
        'service.target.type': 'redis',
        error: { message: toAppError(err).message },
      },
      'Redis is away: throttles, rate limits and presence count on this instance only until it returns',
    );
  };
  const cameBack = () => {
    const awayMs = Math.round(now() - downSince!);
    downSince = undefined;
    metrics.degraded(false);
    logger.info(
      {
        'event.action': 'redis-recovered',
        'service.target.type': 'redis',
        'event.duration': awayMs * 1e6,
      },
      'Redis is back: shared throttles and presence resume',
    );
    for (const listener of listeners)
      listener().catch((err: unknown) =>
        logger.warn(
          { err, 'event.action': 'redis-resync-failed' },
          'Redis resynchronisation failed',
        ),
      );
  };
  const isAway = (err: unknown) => toAppError(err).code === 'UNAVAILABLE';

  return {
    async run(feature, remote, local) {
      if (downSince === undefined) {
        try {
          return await remote();
        } catch (err) {
          if (!isAway(err)) throw err;
          if (downSince === undefined) wentAway(err);
          metrics.fallback(feature);
          return local();
        }
      }
      if (trying || now() < nextTryAt) {
        metrics.fallback(feature);
        return local();
      }
      trying = true;
      try {
        const value = await remote();
        if (downSince !== undefined) cameBack();
        return value;
      } catch (err) {
        if (!isAway(err)) throw err;
        nextTryAt = now() + retryMs;
        metrics.fallback(feature);
        return local();
      } finally {
        trying = false;
      }
    },
    away: () => downSince !== undefined,
    onRecover(listener) {
      listeners.push(listener);
    },
  };
}
