/**
 * What the social services need, built once by the composition root: the
 * presence service over its store (Redis when configured), and the
 * notification deps that friends, chat and later areas use to notify users.
 */
import type { Knex } from 'knex';
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import type { RedisSettings } from '../../core/redis.ts';
import type { NotificationDeps, Pusher } from '../notifications/service.ts';
import { createMemoryPresenceStore, type PresenceStore } from './presence-store.ts';
import { createPresence, type Presence } from './presence.ts';

export interface SocialDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  presence: Presence;
  /** Friend requests and acceptances notify the other user. */
  notifications: NotificationDeps;
}

export interface SocialOptions {
  db: Knex;
  clock: Clock;
  logger: Logger;
  auditLogger: Logger;
  /** The gateway: reaches users' sockets on every instance. */
  push: Pusher;
  /** Presence counts in Redis when set (several instances), else in this process. */
  redis?: RedisSettings;
  /** Users per broadcast statement (default 500). */
  broadcastBatchSize?: number;
  /** This instance's id, so its per-instance socket counts are found by it (match placement). */
  instanceId?: string;
}

/** Builds presence (store + service), notifications and the social deps for the composition root. */
/** Redis with this instance's own view while it is away (loaded only with Redis), or memory. */
async function presenceStore(o: SocialOptions): Promise<PresenceStore> {
  if (!o.redis) return createMemoryPresenceStore();
  const [{ createRedisPresenceStore }, { fallbackPresenceStore }] = await Promise.all([
    import('./presence-redis.ts'),
    import('./presence-fallback.ts'),
  ]);
  const remote = await createRedisPresenceStore({
    redis: o.redis,
    logger: o.logger,
    instanceId: o.instanceId,
  });
  return fallbackPresenceStore(remote, o.redis.fallback);
}

export async function createSocialDeps(o: SocialOptions): Promise<SocialDeps> {
  const store = await presenceStore(o);
  const presence = createPresence({
    db: o.db,
    clock: o.clock,
    logger: o.logger,
    store,
    push: o.push,
  });
  const notifications: NotificationDeps = {
    db: o.db,
    clock: o.clock,
    logger: o.logger,
    auditLogger: o.auditLogger,
    push: o.push,
    onlineAmong: (ids) => presence.onlineAmong(ids),
    broadcastBatchSize: o.broadcastBatchSize ?? 500,
  };
  return { db: o.db, clock: o.clock, logger: o.logger, presence, notifications };
}
