/**
 * Builds the realtime layer for the composition root: the bus (Redis when
 * REDIS_URL is set, else in-process) and the gateway on top of it, and the
 * one `close` that shuts both down in order.
 */
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import type { RedisSettings } from '../core/redis.ts';
import type { WsMetrics } from '../core/ws-metrics.ts';
import { createMemoryBus, type Bus } from './bus.ts';
import { createRedisBus } from './bus-redis.ts';
import { createGateway, type AuthenticateToken, type Gateway } from './gateway.ts';

export interface Realtime {
  bus: Bus;
  gateway: Gateway;
  /** Closes every socket with 1001 (bounded by timeoutMs), then the bus. */
  close(timeoutMs: number): Promise<void>;
}

export interface RealtimeOptions {
  config: Config;
  logger: Logger;
  metrics: WsMetrics;
  /** The bus runs over Redis when set. */
  redis: RedisSettings | undefined;
  authenticateToken: AuthenticateToken | undefined;
  validateOutgoing?: boolean;
}

export async function startRealtime(options: RealtimeOptions): Promise<Realtime> {
  const { config, logger } = options;
  const bus = options.redis
    ? await createRedisBus({ redis: options.redis, logger })
    : createMemoryBus(logger);
  try {
    const gateway = await createGateway({
      config: config.ws,
      logger,
      metrics: options.metrics,
      bus,
      authenticateToken: options.authenticateToken,
      validateOutgoing: options.validateOutgoing,
    });
    return {
      bus,
      gateway,
      async close(timeoutMs) {
        await gateway.close(timeoutMs);
        await bus.close();
      },
    };
  } catch (err) {
    await bus.close();
    throw err;
  }
}
