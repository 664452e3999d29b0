/**
 * The one way to open a Redis connection. Every command fails within the
 * command timeout instead of waiting for a frozen server, and never queues
 * while the connection is down (no offline queue): a caller learns at once
 * that Redis is away and can fall back (redis-fallback.ts). The connection
 * keeps reconnecting in the background, with a capped backoff. Errors become
 * rate-limited JSON lines (dependency-log.ts), never ioredis' "Unhandled error
 * event" stack traces on stderr.
 */
import { Redis } from 'ioredis';
import type { DependencyLog } from './dependency-log.ts';
import type { RedisFallback } from './redis-fallback.ts';
import { AppError } from '../contract/errors.ts';
import { unavailable } from './errors.ts';

export type { Redis };

/** What every Redis user needs, built once by the composition root. */
export interface RedisSettings {
  url: string;
  /** Prefix of every key and channel, so deployments sharing a Redis stay apart. */
  prefix: string;
  commandTimeoutMs: number;
  log: DependencyLog;
  /** The instance's switch to local fallbacks while Redis is away. */
  fallback: RedisFallback;
}

const maxBackoffMs = 2_000;
/** How long start-up waits for Redis before it fails. */
export const redisConnectTimeoutMs = 5_000;

/** A lazily connecting client with the fail-fast options; `connectRedis` opens it. */
export function createRedisClient(settings: RedisSettings, name: string): Redis {
  const client = new Redis(settings.url, {
    lazyConnect: true,
    connectionName: name,
    commandTimeout: settings.commandTimeoutMs,
    enableOfflineQueue: false,
    // A command written before a disconnect is failed, not replayed later.
    maxRetriesPerRequest: 0,
    connectTimeout: redisConnectTimeoutMs,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, maxBackoffMs),
  });
  client.on('error', (err: Error) =>
    settings.log.failed('redis', err, { 'redis.connection': name }),
  );
  return client;
}

/** Connects, bounded in time (a frozen Redis accepts the TCP connection and then says nothing). */
export async function connectRedis(
  client: Redis,
  timeoutMs = redisConnectTimeoutMs,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(unavailable(`Redis did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([client.connect(), timeout]);
  } catch (err) {
    client.disconnect();
    throw err instanceof AppError
      ? err
      : unavailable(`Redis is not reachable: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Opens a named connection with the fail-fast options; UNAVAILABLE when Redis does not answer in time. */
export async function openRedis(settings: RedisSettings, name: string): Promise<Redis> {
  const client = createRedisClient(settings, name);
  await connectRedis(client);
  return client;
}

/** Closes politely when Redis answers, at once when it does not. */
export async function closeRedis(client: Redis, timeoutMs = 1_000): Promise<void> {
  const timer = setTimeout(() => client.disconnect(), timeoutMs);
  try {
    await client.quit();
  } catch {
    client.disconnect();
  } finally {
    clearTimeout(timer);
  }
}
