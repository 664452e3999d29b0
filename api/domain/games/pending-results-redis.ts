/**
 * Pending match results in Redis, shared by every instance. Keys under
 * `<REDIS_PREFIX>results:`: `pending` (hash match id → entry) and
 * `claim:<match id>` (the instance storing it; expires unless renewed). The
 * holder renews its claims while it retries; when it dies they expire, and the
 * next instance to look claims the entry with SET NX, so exactly one instance
 * stores it. Storing is idempotent anyway: a second writer finds the match
 * ended and writes nothing.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../../core/logger.ts';
import {
  decodeEntry,
  encodeEntry,
  type PendingResult,
  type PendingResultStore,
} from './pending-results.ts';

export interface RedisPendingOptions {
  url: string;
  prefix: string;
  instanceId: string;
  logger: Logger;
  /** How long a claim outlives its last renewal. */
  claimTtlMs: number;
}

// KEYS: claim; ARGV: instance id, ttl ms. Renews a claim that is ours or free; 0 when another holds it.
const renewScript = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

// KEYS: pending, claim; ARGV: match id. Deletes the entry and the claim together.
const releaseScript = `
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
return 1`;

/** The hash of held results: a match in it has ended, whatever its row says yet. */
export const pendingResultsKey = (prefix: string) => `${prefix}results:pending`;

export async function createRedisPendingStore(
  options: RedisPendingOptions,
): Promise<PendingResultStore> {
  const base = `${options.prefix}results:`;
  const pendingKey = pendingResultsKey(options.prefix);
  const claimKey = (matchId: string) => `${base}claim:${matchId}`;
  const redis = new Redis(options.url, {
    lazyConnect: true,
    connectionName: 'pongctl-results',
    // Fail fast: a result that cannot reach Redis goes to the spool instead of waiting here.
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: 2_000,
  });
  redis.on('error', (err: Error) =>
    options.logger.warn({ err }, 'redis pending-results connection error'),
  );
  await redis.connect();
  const ttl = String(options.claimTtlMs);
  return {
    name: 'redis',
    async hold(entry) {
      const id = entry.result.spec.id;
      const replies = await redis
        .multi()
        .hset(pendingKey, id, encodeEntry(entry))
        .set(claimKey(id), options.instanceId, 'PX', ttl)
        .exec();
      const failed = replies?.find(([err]) => err);
      if (!replies || failed) throw failed?.[0] ?? new Error('the Redis transaction was discarded');
    },
    async release(matchId) {
      await redis.eval(releaseScript, 2, pendingKey, claimKey(matchId), matchId);
    },
    async claimOrphans() {
      const claimed: PendingResult[] = [];
      for (const id of await redis.hkeys(pendingKey)) {
        if ((await redis.set(claimKey(id), options.instanceId, 'PX', ttl, 'NX')) !== 'OK') continue;
        const text = await redis.hget(pendingKey, id);
        if (text === null) {
          await redis.del(claimKey(id)); // stored and released meanwhile
          continue;
        }
        try {
          claimed.push(decodeEntry(text));
        } catch (err) {
          options.logger.error(
            { err, 'game.match.id': id },
            'a pending match result in Redis is not readable; left in place for an operator',
          );
        }
      }
      return claimed;
    },
    async renew(matchIds) {
      for (const id of matchIds)
        await redis.eval(renewScript, 1, claimKey(id), options.instanceId, ttl);
    },
    async close() {
      redis.disconnect();
    },
  };
}
