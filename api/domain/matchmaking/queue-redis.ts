/**
 * The matchmaking queue in Redis: one queue for every instance of a
 * deployment. Keys under `<REDIS_PREFIX>mm:`: `tickets` (hash user → ticket
 * JSON), `joined` (sorted set of users by the time they took their place),
 * `reported` (hash user → window last told to the player) and `made`
 * (matches started). Each write is one Lua script, so a user is never queued
 * twice, a same-mode join keeps its place even when two instances join at
 * once, and a pair is taken whole by one matcher or not at all.
 */
import type { QueueMode } from '../../contract/matchmaking.ts';
import { closeRedis, type Redis } from '../../core/redis.ts';
import type { QueueStore, Ticket } from './queue.ts';

/** What a ticket stores besides its place (the score in `joined`) and its reported window. */
interface StoredTicket {
  username: string;
  rating: number;
  mode: QueueMode;
  blocked: string[];
  joinId: string;
  joinedAt: number;
}

// KEYS: tickets, joined, reported; ARGV: user, json, mode, enqueuedAt. Returns {existed, score}.
const joinScript = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
local score = ARGV[4]
if old and cjson.decode(old).mode == ARGV[3] then
  score = redis.call('ZSCORE', KEYS[2], ARGV[1]) or score
else
  redis.call('HDEL', KEYS[3], ARGV[1])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], score, ARGV[1])
return {old and 1 or 0, tostring(score)}`;

// KEYS: tickets, joined, reported; ARGV: user. Returns {json, score} or nil.
const takeScript = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return nil end
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return {v, tostring(score)}`;

// KEYS: tickets, joined, reported; ARGV: user a, join id a, user b, join id b. Returns 1 when taken.
const takePairScript = `
if ARGV[1] == ARGV[3] then return 0 end
for i = 1, 3, 2 do
  local v = redis.call('HGET', KEYS[1], ARGV[i])
  if not v or cjson.decode(v).joinId ~= ARGV[i + 1] then return 0 end
end
redis.call('HDEL', KEYS[1], ARGV[1], ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1], ARGV[3])
redis.call('HDEL', KEYS[3], ARGV[1], ARGV[3])
return 1`;

// KEYS: tickets, joined; ARGV: user, json, score. Returns 1 when put back.
const restoreScript = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1`;

// KEYS: tickets, reported; ARGV: user, window. Only for a user still queued.
const reportedScript = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]) end
return 1`;

function stored(ticket: Ticket): string {
  const value: StoredTicket = {
    username: ticket.username,
    rating: ticket.rating,
    mode: ticket.mode,
    blocked: [...ticket.blocked],
    joinId: ticket.joinId,
    joinedAt: ticket.joinedAt,
  };
  return JSON.stringify(value);
}

function ticketOf(
  userId: string,
  json: string,
  score: string | number,
  reported?: string | null,
): Ticket {
  const t = JSON.parse(json) as StoredTicket;
  return {
    userId,
    username: t.username,
    rating: Number(t.rating),
    enqueuedAt: Number(score),
    pool: t.mode,
    mode: t.mode,
    blocked: new Set(t.blocked),
    joinId: t.joinId,
    joinedAt: Number(t.joinedAt),
    reportedWindow: reported === null || reported === undefined ? undefined : Number(reported),
  };
}

/** The queue under `<prefix>mm:` on a connection this store owns (closed by `close`). */
export function createRedisQueueStore(redis: Redis, prefix: string): QueueStore {
  const key = {
    tickets: `${prefix}mm:tickets`,
    joined: `${prefix}mm:joined`,
    reported: `${prefix}mm:reported`,
    made: `${prefix}mm:made`,
  };
  const three = [key.tickets, key.joined, key.reported] as const;
  return {
    kind: 'redis',
    busy: false,
    async get(userId) {
      const result = await redis
        .multi()
        .hget(key.tickets, userId)
        .zscore(key.joined, userId)
        .hget(key.reported, userId)
        .exec();
      const [json, score, reported] = (result ?? []).map(([, v]) => v as string | null);
      return json && score !== null && score !== undefined
        ? ticketOf(userId, json, score, reported)
        : undefined;
    },
    async join(ticket) {
      const [existed, score] = (await redis.eval(
        joinScript,
        3,
        ...three,
        ticket.userId,
        stored(ticket),
        ticket.mode,
        String(ticket.enqueuedAt),
      )) as [number, string];
      return { ticket: { ...ticket, enqueuedAt: Number(score) }, existed: existed === 1 };
    },
    async take(userId) {
      const got = (await redis.eval(takeScript, 3, ...three, userId)) as [string, string] | null;
      return got ? ticketOf(userId, got[0], got[1]) : undefined;
    },
    async takePair(a, b) {
      const args = [a.userId, a.joinId, b.userId, b.joinId];
      return (await redis.eval(takePairScript, 3, ...three, ...args)) === 1;
    },
    async restore(ticket) {
      const args = [ticket.userId, stored(ticket), String(ticket.enqueuedAt)];
      return (await redis.eval(restoreScript, 2, key.tickets, key.joined, ...args)) === 1;
    },
    async tickets() {
      const result = await redis
        .multi()
        .hgetall(key.tickets)
        .zrange(key.joined, '0', '-1', 'WITHSCORES')
        .hgetall(key.reported)
        .exec();
      const [all, joined, reported] = (result ?? []).map(([, v]) => v) as [
        Record<string, string>,
        string[],
        Record<string, string>,
      ];
      const tickets: Ticket[] = [];
      for (let i = 0; i + 1 < (joined ?? []).length; i += 2) {
        const userId = joined[i]!;
        const json = all?.[userId];
        if (json) tickets.push(ticketOf(userId, json, joined[i + 1]!, reported?.[userId]));
      }
      return tickets;
    },
    size: () => redis.zcard(key.joined),
    async setReported(userId, window) {
      await redis.eval(reportedScript, 2, key.tickets, key.reported, userId, String(window));
    },
    countMatch: async () => void (await redis.incr(key.made)),
    matchesMade: async () => Number((await redis.get(key.made)) ?? 0),
    close: () => closeRedis(redis),
  };
}
