/**
 * Cross-instance cache invalidation: with REDIS_URL, every revocation or user
 * change one instance makes is published on a Redis channel and applied by
 * the others, so a logout is effective on the next request whichever
 * instance answers it. Without Redis there is one instance and nothing to do.
 *
 * Pub/sub loses what is published while an instance cannot hear it, so each
 * instance also publishes a heartbeat every second and knows whether it still
 * hears the channel: while it does not (Redis stopped, frozen or cut off), the
 * credential cache trusts its entries for a short bound only, and when it
 * hears again the cache starts afresh. The database stays the truth.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { closeRedis, openRedis, type RedisSettings } from '../../core/redis.ts';

export const invalidationChannel = 'pong:auth:invalidate';

const eventSchema = z.strictObject({
  from: z.string(),
  kind: z.enum(['session', 'user', 'token', 'role']),
  id: z.string(),
  revoked: z.boolean().optional(),
});
const heartbeatSchema = z.strictObject({ from: z.string(), kind: z.literal('heartbeat') });
const messageSchema = z.union([heartbeatSchema, eventSchema]);

export type Invalidation = Omit<z.infer<typeof eventSchema>, 'from'>;

export interface InvalidationBus {
  publish(event: Invalidation): void;
  /** True while messages on the channel reach this instance (one arrived within the last few heartbeats). */
  hearing(): boolean;
  close(): Promise<void>;
}

export interface InvalidationBusOptions {
  redis: RedisSettings;
  apply(event: Invalidation): void;
  /** The instance hears the channel again after a gap that began at `deafSince` (epoch ms): it may have missed invalidations. */
  onResume(deafSince: number): void;
  /** A message on the channel that is not ours to read. */
  onError(err: Error): void;
  /** Heartbeat period (default 1 s); the channel counts as deaf after 2.5 periods without a message. */
  heartbeatMs?: number;
}

export async function redisInvalidationBus(o: InvalidationBusOptions): Promise<InvalidationBus> {
  const me = randomUUID();
  const heartbeatMs = o.heartbeatMs ?? 1_000;
  const deafAfterMs = heartbeatMs * 2.5;
  const [pub, sub] = await Promise.all([
    openRedis(o.redis, 'pongctl-auth-pub'),
    openRedis(o.redis, 'pongctl-auth-sub'),
  ]);
  let heardAt = performance.now();
  const hearing = () => performance.now() - heardAt < deafAfterMs;
  sub.on('message', (_channel: string, text: string) => {
    try {
      const message = messageSchema.parse(JSON.parse(text));
      if (!hearing()) o.onResume(Date.now() - (performance.now() - heardAt));
      heardAt = performance.now();
      if (message.kind === 'heartbeat' || message.from === me) return;
      const { from: _from, ...event } = message;
      o.apply(event);
    } catch (err) {
      o.onError(err as Error);
    }
  });
  await sub.subscribe(invalidationChannel);
  const send = (message: object) =>
    pub
      .publish(invalidationChannel, JSON.stringify({ from: me, ...message }))
      .catch((err: unknown) =>
        o.redis.log.failed('redis', err, { 'redis.connection': 'pongctl-auth-pub' }),
      );
  const timer = setInterval(() => void send({ kind: 'heartbeat' }), heartbeatMs);
  timer.unref();
  return {
    publish: (event) => void send(event),
    hearing,
    async close() {
      clearInterval(timer);
      sub.disconnect();
      await closeRedis(pub);
    },
  };
}
