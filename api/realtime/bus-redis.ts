/**
 * The bus over Redis pub/sub: one connection publishes, one subscribes (a
 * subscribed Redis connection can do nothing else). Every topic becomes the
 * channel `<prefix><topic>`, so deployments or test runs sharing a Redis do
 * not hear each other. Pub/sub is at-most-once: what is published while an
 * instance is disconnected is lost for it, which suits live delivery (history
 * is in the database).
 */
import { Redis } from 'ioredis';
import { AppError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { dispatchToListeners, type Bus, type BusListener } from './bus.ts';

export interface RedisBusOptions {
  url: string;
  prefix: string;
  logger: Logger;
  /** How long start-up waits for Redis before failing. */
  connectTimeoutMs?: number;
}

function connect(url: string, name: string, logger: Logger): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    connectionName: name,
    maxRetriesPerRequest: 2,
  });
  client.on('error', (err: Error) =>
    logger.warn({ err, 'bus.connection': name }, 'redis bus connection error'),
  );
  return client;
}

async function ready(client: Redis, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AppError('UNAVAILABLE', `Redis did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([client.connect(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function createRedisBus(options: RedisBusOptions): Promise<Bus> {
  const { prefix, logger } = options;
  const publisher = connect(options.url, 'pongctl-bus-pub', logger);
  const subscriber = connect(options.url, 'pongctl-bus-sub', logger);
  const topics = new Map<string, Set<BusListener>>();
  // Concurrent first subscribers of a topic all wait for the one SUBSCRIBE.
  const confirmed = new Map<string, Promise<unknown>>();
  try {
    await Promise.all([
      ready(publisher, options.connectTimeoutMs ?? 5_000),
      ready(subscriber, options.connectTimeoutMs ?? 5_000),
    ]);
  } catch (err) {
    publisher.disconnect();
    subscriber.disconnect();
    throw err instanceof AppError
      ? err
      : new AppError('UNAVAILABLE', `Redis is not reachable: ${(err as Error).message}`);
  }
  subscriber.on('message', (channel: string, data: string) => {
    const topic = channel.slice(prefix.length);
    const listeners = topics.get(topic);
    if (listeners) dispatchToListeners([...listeners], data, logger, topic);
  });
  return {
    kind: 'redis',
    async publish(topic, event) {
      await publisher.publish(prefix + topic, JSON.stringify(event));
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
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}
