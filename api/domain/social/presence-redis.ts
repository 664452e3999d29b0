/**
 * The presence store on Redis, shared by every API instance.
 *
 * Keys (under `<REDIS_PREFIX>presence:`): `count` (hash user → sockets on
 * every instance), `inst:<id>` (hash user → sockets on one instance),
 * `alive:<id>` (expires unless the instance keeps refreshing it),
 * `instances` (set of instance ids) and `match` (hash user → match id).
 * Each change runs as one Lua script, so two instances changing one user's
 * count at once cannot both miss the 0 ↔ 1 transition. An instance that dies
 * without closing its sockets stops refreshing `alive:<id>`; the next sweep
 * by any other instance subtracts its per-instance counts from `count` and
 * reports who went offline because of it.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../core/logger.ts';
import { closeRedis, openRedis, type Redis, type RedisSettings } from '../../core/redis.ts';
import type { PresenceSnapshot, PresenceStore } from './presence-store.ts';

export interface RedisPresenceOptions {
  /** Connection settings; keys live under `<prefix>presence:`. */
  redis: RedisSettings;
  logger: Logger;
  /** How long an instance counts as alive without a refresh (default 30 s). */
  aliveTtlMs?: number;
  /** How often an instance refreshes its alive key and sweeps dead ones (default 10 s). */
  refreshMs?: number;
  /** Fixed instance id (tests); a random one by default. */
  instanceId?: string;
}

// KEYS: count, inst; ARGV: user, delta (+1/-1). Returns the user's new total.
const changeScript = `
local mine = redis.call('HINCRBY', KEYS[2], ARGV[1], ARGV[2])
if mine <= 0 then redis.call('HDEL', KEYS[2], ARGV[1]) end
local total = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
if total <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return total`;

// KEYS: count, inst, alive, instances; ARGV: instance id, force ('1' = close of this instance).
// Returns the users whose total dropped to 0.
const dropInstanceScript = `
if ARGV[2] ~= '1' and redis.call('EXISTS', KEYS[3]) == 1 then return {} end
local entries = redis.call('HGETALL', KEYS[2])
local gone = {}
for i = 1, #entries, 2 do
  local total = redis.call('HINCRBY', KEYS[1], entries[i], -tonumber(entries[i + 1]))
  if total <= 0 then
    redis.call('HDEL', KEYS[1], entries[i])
    table.insert(gone, entries[i])
  end
end
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('SREM', KEYS[4], ARGV[1])
return gone`;

// KEYS: count, inst; ARGV: user, sockets, user, sockets… (this instance's own truth).
// Replaces this instance's counts, adjusting the totals by the difference.
const replaceInstanceScript = `
local old = redis.call('HGETALL', KEYS[2])
for i = 1, #old, 2 do
  local total = redis.call('HINCRBY', KEYS[1], old[i], -tonumber(old[i + 1]))
  if total <= 0 then redis.call('HDEL', KEYS[1], old[i]) end
end
redis.call('DEL', KEYS[2])
for i = 1, #ARGV, 2 do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
end
return 1`;

function presenceKeys(prefix: string) {
  const base = `${prefix}presence:`;
  return {
    count: `${base}count`,
    instances: `${base}instances`,
    match: `${base}match`,
    inst: (instance: string) => `${base}inst:${instance}`,
    alive: (instance: string) => `${base}alive:${instance}`,
  };
}
type Keys = ReturnType<typeof presenceKeys>;

/** Socket counting and the admin snapshot. */
function counting(
  redis: Redis,
  key: Keys,
  id: string,
): Pick<PresenceStore, 'connected' | 'disconnected' | 'socketCounts' | 'snapshot'> {
  const change = async (userId: string, delta: 1 | -1) =>
    Number(await redis.eval(changeScript, 2, key.count, key.inst(id), userId, String(delta)));
  return {
    connected: async (userId) => (await change(userId, 1)) === 1,
    disconnected: async (userId) => (await change(userId, -1)) <= 0,
    async socketCounts(userIds) {
      if (userIds.length === 0) return new Map();
      const values = await redis.hmget(key.count, ...userIds);
      return new Map(userIds.map((u, i) => [u, Math.max(0, Number(values[i] ?? 0))]));
    },
    async snapshot(): Promise<PresenceSnapshot> {
      const [counts, matches] = await Promise.all([
        redis.hgetall(key.count),
        redis.hgetall(key.match),
      ]);
      const sockets = new Map(
        Object.entries(counts)
          .map(([u, n]) => [u, Number(n)] as const)
          .filter(([, n]) => n > 0),
      );
      return { sockets, matches: new Map(Object.entries(matches)) };
    },
  };
}

function matching(redis: Redis, key: Keys): Pick<PresenceStore, 'setMatch' | 'matches'> {
  return {
    async setMatch(userId, matchId) {
      if (matchId === null) await redis.hdel(key.match, userId);
      else await redis.hset(key.match, userId, matchId);
    },
    async matches(userIds) {
      if (userIds.length === 0) return new Map();
      const values = await redis.hmget(key.match, ...userIds);
      const found = new Map<string, string>();
      userIds.forEach((u, i) => values[i] && found.set(u, values[i]));
      return found;
    },
  };
}

/** The Redis store, plus what the fallback needs to write an instance's own truth back after an outage. */
export interface RedisPresenceStore extends PresenceStore {
  /** Makes Redis hold exactly these socket counts for this instance (and renews its alive key first). */
  replaceOwnCounts(counts: ReadonlyMap<string, number>): Promise<void>;
}

export async function createRedisPresenceStore(
  options: RedisPresenceOptions,
): Promise<RedisPresenceStore> {
  const id = options.instanceId ?? randomUUID();
  const key = presenceKeys(options.redis.prefix);
  const redis = await openRedis(options.redis, 'pongctl-presence');
  const refresh = async () => {
    await redis
      .multi()
      .set(key.alive(id), '1', 'PX', options.aliveTtlMs ?? 30_000)
      .sadd(key.instances, id)
      .exec();
  };
  await refresh();
  const timer = setInterval(() => {
    refresh().catch((err: unknown) =>
      options.redis.log.failed('redis', err, { 'redis.connection': 'pongctl-presence' }),
    );
  }, options.refreshMs ?? 10_000);
  timer.unref();
  const dropInstance = async (instance: string, force: boolean) =>
    (await redis.eval(
      dropInstanceScript,
      4,
      key.count,
      key.inst(instance),
      key.alive(instance),
      key.instances,
      instance,
      force ? '1' : '0',
    )) as string[];
  return {
    kind: 'redis',
    ...counting(redis, key, id),
    ...matching(redis, key),
    async sweep() {
      const gone: string[] = [];
      for (const instance of await redis.smembers(key.instances)) {
        if (instance !== id) gone.push(...(await dropInstance(instance, false)));
      }
      return gone;
    },
    async replaceOwnCounts(counts) {
      await refresh();
      const pairs = [...counts].flatMap(([user, n]) => [user, String(n)]);
      await redis.eval(replaceInstanceScript, 2, key.count, key.inst(id), ...pairs);
    },
    async close() {
      clearInterval(timer);
      try {
        await dropInstance(id, true);
      } finally {
        await closeRedis(redis);
      }
    },
  };
}
