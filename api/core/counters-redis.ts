/**
 * The throttling counters in Redis, shared by every instance, and the store
 * the composition root uses with Redis: Redis while it answers, this
 * instance's memory while it is away (a frozen or stopped Redis must never
 * turn a sign-in or a chat message into a 500 or a 10 s wait). Loaded only
 * when REDIS_URL is set.
 */
import { closeRedis, openRedis, type Redis, type RedisSettings } from './redis.ts';
import type { RedisFallback } from './redis-fallback.ts';
import type { CounterStore, WindowCount } from './counters.ts';

const hitScript = `local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {c, redis.call('PTTL', KEYS[1])}`;

const toCount = (count: number, pttl: number): WindowCount => ({
  count,
  retryAfterSec: pttl > 0 ? Math.ceil(pttl / 1000) : 0,
});

/** Counters under `prefix`; INCR and PEXPIRE run atomically in one script. */
export function redisCounterStore(redis: Redis, prefix = 'pong:throttle:'): CounterStore {
  return {
    async hit(key, windowMs) {
      const [count, pttl] = (await redis.eval(hitScript, 1, prefix + key, String(windowMs))) as [
        number,
        number,
      ];
      return toCount(count, pttl);
    },
    async peek(key) {
      const [count, pttl] = await Promise.all([redis.get(prefix + key), redis.pttl(prefix + key)]);
      return toCount(Number(count ?? 0), pttl);
    },
    async reset(key) {
      await redis.del(prefix + key);
    },
    async close() {
      await closeRedis(redis);
    },
  };
}

/** `remote` while Redis answers, `local` while it is away; a reset clears both. */
export function fallbackCounterStore(
  remote: CounterStore,
  local: CounterStore,
  fallback: RedisFallback,
): CounterStore {
  return {
    hit: (key, windowMs) =>
      fallback.run(
        'throttle',
        () => remote.hit(key, windowMs),
        () => local.hit(key, windowMs),
      ),
    peek: (key) =>
      fallback.run(
        'throttle',
        () => remote.peek(key),
        () => local.peek(key),
      ),
    async reset(key) {
      await local.reset(key);
      await fallback.run(
        'throttle',
        () => remote.reset(key),
        () => undefined,
      );
    },
    async close() {
      await Promise.all([local.close(), remote.close()]);
    },
  };
}

/** The shared store with its per-instance fallback, on a connection of its own. */
export async function sharedCounterStore(
  settings: RedisSettings,
  local: CounterStore,
): Promise<CounterStore> {
  const redis = await openRedis(settings, 'pongctl-throttle');
  return fallbackCounterStore(redisCounterStore(redis), local, settings.fallback);
}
