/**
 * The bus over Redis pub/sub: one connection publishes, one subscribes (a
 * subscribed Redis connection can do nothing else). Every topic becomes the
 * channel `<prefix><topic>`, so deployments or test runs sharing a Redis do
 * not hear each other. Pub/sub is at-most-once: what is published while an
 * instance is disconnected is lost for it, which suits live delivery (history
 * is in the database). While Redis is away, a publish reaches the listeners
 * of this instance only, so local sockets keep getting their events.
 */
import { closeRedis, connectRedis, createRedisClient, type RedisSettings } from '../core/redis.ts';
import type { Logger } from '../core/logger.ts';
import { dispatchToListeners, type Bus, type BusListener } from './bus.ts';

export interface RedisBusOptions {
  /** Connection settings; channels are `<prefix><topic>`. */
  redis: RedisSettings;
  logger: Logger;
  /** How long start-up waits for Redis before failing. */
  connectTimeoutMs?: number;
}

export async function createRedisBus(options: RedisBusOptions): Promise<Bus> {
  const { logger, redis } = options;
  const { prefix } = redis;
  const publisher = createRedisClient(redis, 'pongctl-bus-pub');
  const subscriber = createRedisClient(redis, 'pongctl-bus-sub');
  const topics = new Map<string, Set<BusListener>>();
  // Concurrent first subscribers of a topic all wait for the one SUBSCRIBE.
  const confirmed = new Map<string, Promise<unknown>>();
  try {
    await Promise.all([
      connectRedis(publisher, options.connectTimeoutMs),
      connectRedis(subscriber, options.connectTimeoutMs),
    ]);
  } catch (err) {
    publisher.disconnect();
    subscriber.disconnect();
    throw err;
  }
  subscriber.on('message', (channel: string, data: string) => {
    const topic = channel.slice(prefix.length);
    const listeners = topics.get(topic);
    if (listeners) dispatchToListeners([...listeners], data, logger, topic);
  });
  return {
    kind: 'redis',
    // While Redis is away this instance's own listeners still get the event; other instances miss it.
    async publish(topic, event) {
      const data = JSON.stringify(event);
      await redis.fallback.run(
        'bus',
        async () => void (await publisher.publish(prefix + topic, data)),
        () => {
          const listeners = topics.get(topic);
          if (listeners) dispatchToListeners([...listeners], data, logger, topic);
        },
      );
    },
    async subscribe(topic, listener) {
      let listeners = topics.get(topic);
      if (!listeners) {
        topics.set(topic, (listeners = new Set()));
        confirmed.set(topic, subscriber.subscribe(prefix + topic));
      }
      listeners.add(listener);
      await confirmed.get(topic);
      return async () => {
        listeners.delete(listener);
        if (listeners.size > 0 || topics.get(topic) !== listeners) return;
        topics.delete(topic);
        confirmed.delete(topic);
        await subscriber.unsubscribe(prefix + topic);
      };
    },
    async close() {
      topics.clear();
      confirmed.clear();
      await Promise.all([closeRedis(publisher), closeRedis(subscriber)]);
    },
  };
}
