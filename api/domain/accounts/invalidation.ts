/**
 * Cross-instance cache invalidation: with REDIS_URL, every revocation or user
 * change one instance makes is published on a Redis channel and applied by
 * the others, so a logout is effective on the next request whichever
 * instance answers it. Without Redis there is one instance and nothing to do.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

export const invalidationChannel = 'pong:auth:invalidate';

const messageSchema = z.strictObject({
  from: z.string(),
  kind: z.enum(['session', 'user', 'token']),
  id: z.string(),
  revoked: z.boolean().optional(),
});

export type Invalidation = Omit<z.infer<typeof messageSchema>, 'from'>;

export interface InvalidationBus {
  publish(event: Invalidation): void;
  close(): Promise<void>;
}

export async function redisInvalidationBus(
  url: string,
  apply: (event: Invalidation) => void,
  onError: (err: Error) => void,
): Promise<InvalidationBus> {
  const { Redis } = await import('ioredis');
  const me = randomUUID();
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  const sub = new Redis(url, { lazyConnect: true });
  pub.on('error', onError);
  sub.on('error', onError);
  await Promise.all([pub.connect(), sub.connect()]);
  sub.on('message', (_channel: string, text: string) => {
    try {
      const { from, ...event } = messageSchema.parse(JSON.parse(text));
      if (from !== me) apply(event);
    } catch (err) {
      onError(err as Error);
    }
  });
  await sub.subscribe(invalidationChannel);
  return {
    publish(event) {
      pub.publish(invalidationChannel, JSON.stringify({ from: me, ...event })).catch(onError);
    },
    async close() {
      sub.disconnect();
      await pub.quit();
    },
  };
}
