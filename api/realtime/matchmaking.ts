/**
 * Matchmaking over the WebSocket: builds the queue's deps on the gateway and
 * presence (a user queues with an open socket on any instance; queue messages
 * reach every socket of the user through the gateway's bus), registers
 * queue.join / queue.leave, drops the ticket when the user's last socket
 * anywhere closes (presence's offline transition), and runs the matcher.
 *
 * Without Redis the queue lives in this process's memory and this process
 * matches. With REDIS_URL the queue is one for the deployment, in Redis, and
 * only the holder of the `matcher` lease runs passes; while Redis is away
 * every instance queues and matches its own players (queue-fallback.ts).
 */
import type { Knex } from 'knex';
import type { Clock } from '../core/clock.ts';
import type { MatchmakingConfig } from '../core/config.ts';
import { holdLease, redisLeaseBackend, type Lease } from '../core/lease.ts';
import type { Logger } from '../core/logger.ts';
import type { MatchmakingMetrics } from '../core/matchmaking-metrics.ts';
import { openRedis, type RedisSettings } from '../core/redis.ts';
import type { GamesDeps } from '../domain/games/deps.ts';
import { createMatchmakingDeps, type MatchmakingDeps } from '../domain/matchmaking/deps.ts';
import { startMatcher } from '../domain/matchmaking/matcher.ts';
import { createMemoryQueueStore, type QueueStore } from '../domain/matchmaking/queue.ts';
import { fallbackQueueStore } from '../domain/matchmaking/queue-fallback.ts';
import { createRedisQueueStore } from '../domain/matchmaking/queue-redis.ts';
import { dropTicket, joinQueue, leaveQueue } from '../domain/matchmaking/service.ts';
import type { Presence } from '../domain/social/presence.ts';
import { actorOf } from './connection.ts';
import type { Gateway } from './gateway.ts';

export interface MatchmakingOptions {
  db: Knex;
  clock: Clock;
  logger: Logger;
  config: MatchmakingConfig;
  gateway: Gateway;
  games: GamesDeps;
  /** Who is online on any instance, and the offline transition that ends a ticket. */
  presence: Pick<Presence, 'onlineAmong' | 'onOffline'>;
  metrics?: MatchmakingMetrics;
  /** One queue in Redis for every instance, matched under a lease, when set. */
  redis?: RedisSettings;
  /** This instance and its leases' TTL (config.instance). */
  instance: { id: string; leaseTtlMs: number };
  /** Run the matcher's timer (default true); tests may drive `runMatcher` themselves. */
  autoMatch?: boolean;
}

export interface Matchmaking {
  deps: MatchmakingDeps;
  /** Stops the matcher and gives up its lease (shutdown: before the runner closes). */
  close(): Promise<void>;
}

interface Shared {
  queue: QueueStore;
  /** When the matcher may run: always without Redis; with it, under the lease (or alone while Redis is away). */
  gate?: Pick<Lease, 'held'>;
  lease?: Lease;
}

/** The queue store, and with Redis the matcher lease on the same connection. */
async function sharedQueue(options: MatchmakingOptions): Promise<Shared> {
  const settings = options.redis;
  if (!settings) return { queue: createMemoryQueueStore() };
  const redis = await openRedis(settings, 'pongctl-matchmaking');
  const queue = fallbackQueueStore(
    createRedisQueueStore(redis, settings.prefix),
    settings.fallback,
  );
  if (options.autoMatch === false) return { queue };
  const backend = redisLeaseBackend(redis, settings.prefix, options.instance.id);
  const lease = holdLease(backend, 'matcher', {
    ttlMs: options.instance.leaseTtlMs,
    logger: options.logger,
    onAcquire: () =>
      options.logger.info({ 'lease.name': 'matcher' }, 'matching for every instance'),
  });
  const gate = {
    get held() {
      return lease.held || settings.fallback.away();
    },
  };
  return { queue, gate, lease };
}

export async function startMatchmaking(options: MatchmakingOptions): Promise<Matchmaking> {
  const { gateway, presence } = options;
  const { queue, gate, lease } = await sharedQueue(options);
  const deps = createMatchmakingDeps({
    db: options.db,
    clock: options.clock,
    logger: options.logger,
    config: options.config,
    games: options.games,
    metrics: options.metrics,
    queue,
    // A socket here counts at once; presence counts sockets of every instance (a moment later).
    online: async (userIds) => {
      const here = userIds.filter((id) => gateway.socketsOf(id).length > 0);
      if (here.length === userIds.length) return new Set(here);
      return new Set([...here, ...(await presence.onlineAmong(userIds))]);
    },
    push: (userId, message) => gateway.sendToUsers([userId], message),
  });
  gateway.handle('queue.join', async ({ conn, message, reply }) => {
    const status = await joinQueue(deps, actorOf(conn), { mode: message.mode });
    reply({ type: 'queue.status', ...status });
  });
  gateway.handle('queue.leave', async ({ conn, reply }) => {
    reply({ type: 'queue.status', ...(await leaveQueue(deps, actorOf(conn))) });
  });
  presence.onOffline((userId) => {
    dropTicket(deps, userId, 'disconnected').catch((err: unknown) =>
      options.logger.warn({ err, 'user.id': userId }, 'dropping a matchmaking ticket failed'),
    );
  });
  const stop = options.autoMatch === false ? async () => undefined : startMatcher(deps, gate);
  return {
    deps,
    async close() {
      await stop();
      await lease?.stop();
      // The shared queue outlives this instance; tickets of users who went with it expire (no socket).
      await queue.close();
    },
  };
}
