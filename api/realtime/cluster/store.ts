/**
 * What the instances of a deployment share in Redis about each other and
 * their live matches, under `<REDIS_PREFIX>cluster:`:
 *
 * - `instance:<id>`: the instance's lease (JSON: started, renewed, sockets,
 *   matches), with a TTL; `instances` indexes every id ever seen recently;
 * - `owner` (hash match → `<instance>|<epoch>`): who steps each live match;
 *   every take-over raises the epoch, and changes are compare-and-set;
 * - `checkpoint` (hash match → checkpoint JSON, checkpoint.ts), written by the
 *   owner twice a second and read by whoever takes the match over; `log:<match>:0`
 *   and `:1`, each side's closed input runs, which only grow: each checkpoint
 *   writes what it adds at its offset (SETRANGE, so writing twice is harmless),
 *   in the same script as the checkpoint that covers it, and only while its
 *   writer owns the match at that epoch;
 * - `live` (hash match → summary JSON): state and score for listings.
 */
import { pendingResultsKey } from '../../domain/games/pending-results-redis.ts';
import {
  parseCheckpoint,
  type CheckpointWrite,
  type StoredCheckpoint,
} from '../../game/checkpoint.ts';
import type { LiveSummary } from '../../domain/games/host.ts';
import type { Redis } from '../../core/redis.ts';

export interface InstanceInfo {
  id: string;
  startedAt: string;
  renewedAt: string;
  sockets: number;
  matches: string[];
}

export interface Owner {
  instance: string;
  epoch: number;
}

const parseOwner = (value: string | null | undefined): Owner | null => {
  if (!value) return null;
  const bar = value.lastIndexOf('|');
  return { instance: value.slice(0, bar), epoch: Number(value.slice(bar + 1)) };
};
const ownerText = (o: Owner) => `${o.instance}|${o.epoch}`;

// KEYS: owner, checkpoint, live, the two log keys, the spectators key; ARGV: match, expected ('' = none), new ('' = delete).
const swapOwnerScript = `
local current = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if current ~= ARGV[2] then return 0 end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('HDEL', KEYS[3], ARGV[1])
  redis.call('DEL', KEYS[4], KEYS[5], KEYS[6])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
end
return 1`;

// KEYS: owner, checkpoint, live, then each match's two log keys and spectators key; ARGV: ten
// per match (match, owner text, checkpoint, summary, then offset and text of each side's closed
// runs, offset 0 replacing the whole text, then '1' and the spectators' text, or '0' and '' to
// keep the stored list). Returns match, current owner ('' = none) for each match refused.
const saveCheckpointsScript = `
local refused = {}
for i = 0, #ARGV / 10 - 1 do
  local a = i * 10
  local match = ARGV[a + 1]
  local current = redis.call('HGET', KEYS[1], match)
  if current == ARGV[a + 2] then
    for side = 0, 1 do
      local key = KEYS[4 + i * 3 + side]
      local at = tonumber(ARGV[a + 5 + side * 2])
      local text = ARGV[a + 6 + side * 2]
      if at == 0 then redis.call('SET', key, text)
      elseif text ~= '' then redis.call('SETRANGE', key, at, text) end
    end
    if ARGV[a + 9] == '1' then redis.call('SET', KEYS[6 + i * 3], ARGV[a + 10]) end
    redis.call('HSET', KEYS[2], match, ARGV[a + 3])
    redis.call('HSET', KEYS[3], match, ARGV[a + 4])
  else
    refused[#refused + 1] = match
    refused[#refused + 1] = current or ''
  end
end
return refused`;

export class ClusterStore {
  readonly #redis: Redis;
  readonly #k: Record<'instances' | 'owner' | 'checkpoint' | 'live', string>;
  readonly #prefix: string;
  readonly #presencePrefix: string;
  readonly #heldResults: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#presencePrefix = `${prefix}presence:inst:`;
    this.#heldResults = pendingResultsKey(prefix);
    this.#prefix = `${prefix}cluster:`;
    this.#k = {
      instances: `${this.#prefix}instances`,
      owner: `${this.#prefix}owner`,
      checkpoint: `${this.#prefix}checkpoint`,
      live: `${this.#prefix}live`,
    };
  }

  #instanceKey(id: string) {
    return `${this.#prefix}instance:${id}`;
  }

  #logKey(matchId: string, side: 0 | 1) {
    return `${this.#prefix}log:${matchId}:${side}`;
  }

  #spectatorsKey(matchId: string) {
    return `${this.#prefix}spectators:${matchId}`;
  }

  /** Takes or renews this instance's lease; false when the key says another process holds the id. */
  async renewInstance(info: InstanceInfo, ttlMs: number, first: boolean): Promise<boolean> {
    const key = this.#instanceKey(info.id);
    const text = JSON.stringify(info);
    const set = first
      ? await this.#redis.set(key, text, 'PX', ttlMs, 'NX')
      : await this.#redis.set(key, text, 'PX', ttlMs, 'XX');
    if (set !== 'OK') return false;
    await this.#redis.zadd(this.#k.instances, Date.now(), info.id);
    return true;
  }

  async dropInstance(id: string): Promise<void> {
    await this.#redis.del(this.#instanceKey(id));
    await this.#redis.zrem(this.#k.instances, id);
  }

  /** Instances whose lease is current, with what they last reported. */
  async instances(): Promise<(InstanceInfo & { ttlMs: number })[]> {
    const ids = await this.#redis.zrange(this.#k.instances, '0', '-1');
    if (ids.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const id of ids) {
      pipeline.get(this.#instanceKey(id));
      pipeline.pttl(this.#instanceKey(id));
    }
    const replies = (await pipeline.exec()) ?? [];
    const live: (InstanceInfo & { ttlMs: number })[] = [];
    const gone: string[] = [];
    ids.forEach((id, i) => {
      const text = replies[2 * i]?.[1] as string | null;
      if (text)
        live.push({
          ...(JSON.parse(text) as InstanceInfo),
          ttlMs: Number(replies[2 * i + 1]?.[1]),
        });
      else gone.push(id);
    });
    if (gone.length > 0) await this.#redis.zrem(this.#k.instances, ...gone);
    return live;
  }

  /** Which of `instances` hold a socket of any of `userIds` (presence's per-instance counts), in that order. */
  async instancesWithSockets(
    instances: readonly string[],
    userIds: readonly string[],
  ): Promise<string[]> {
    if (instances.length === 0 || userIds.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const instance of instances)
      pipeline.hmget(`${this.#presencePrefix}${instance}`, ...userIds);
    const replies = (await pipeline.exec()) ?? [];
    return instances.filter((_, i) =>
      ((replies[i]?.[1] as (string | null)[] | undefined) ?? []).some((n) => Number(n) > 0),
    );
  }

  async owner(matchId: string): Promise<Owner | null> {
    return parseOwner(await this.#redis.hget(this.#k.owner, matchId));
  }

  async owners(): Promise<Map<string, Owner>> {
    const all = await this.#redis.hgetall(this.#k.owner);
    return new Map(Object.entries(all).map(([id, v]) => [id, parseOwner(v)!]));
  }

  /** Compare-and-set of a match's owner; `next` null removes the match (and its checkpoint and summary). */
  async swapOwner(matchId: string, expected: Owner | null, next: Owner | null): Promise<boolean> {
    const done = await this.#redis.eval(
      swapOwnerScript,
      6,
      this.#k.owner,
      this.#k.checkpoint,
      this.#k.live,
      this.#logKey(matchId, 0),
      this.#logKey(matchId, 1),
      this.#spectatorsKey(matchId),
      matchId,
      expected ? ownerText(expected) : '',
      next ? ownerText(next) : '',
    );
    return done === 1;
  }

  /**
   * Writes checkpoints, their closed runs and the matches' summaries, each
   * match only while `owner` still owns it in Redis (fencing: an owner frozen
   * past its lease must not write over its successor's checkpoint), in one
   * script: a checkpoint is never read without the runs it counts on. Returns
   * the matches refused, with the owner Redis names (null: none).
   */
  async saveCheckpoints(
    entries: readonly { write: CheckpointWrite; owner: Owner; summary: LiveSummary }[],
  ): Promise<{ matchId: string; owner: Owner | null }[]> {
    if (entries.length === 0) return [];
    const keys = [this.#k.owner, this.#k.checkpoint, this.#k.live];
    const args: (string | number)[] = [];
    for (const { write, owner, summary } of entries) {
      const id = write.checkpoint.spec.id;
      keys.push(this.#logKey(id, 0), this.#logKey(id, 1), this.#spectatorsKey(id));
      const [left, right] = write.closed;
      args.push(id, ownerText(owner), JSON.stringify(write.checkpoint), JSON.stringify(summary));
      args.push(left.at, left.text, right.at, right.text);
      args.push(write.spectators ? '1' : '0', write.spectators?.text ?? '');
    }
    const refused = (await this.#redis.eval(
      saveCheckpointsScript,
      keys.length,
      ...keys,
      ...args,
    )) as string[];
    const out: { matchId: string; owner: Owner | null }[] = [];
    for (let i = 0; i < refused.length; i += 2)
      out.push({ matchId: refused[i]!, owner: parseOwner(refused[i + 1]) });
    return out;
  }

  /** Matches whose end is held until it is stored (result-keeper.ts): ended, whatever their rows say. */
  async heldResultIds(): Promise<Set<string>> {
    return new Set(await this.#redis.hkeys(this.#heldResults));
  }

  async checkpointIds(): Promise<Set<string>> {
    return new Set(await this.#redis.hkeys(this.#k.checkpoint));
  }

  async checkpoint(matchId: string): Promise<StoredCheckpoint | null> {
    const replies = await this.#redis
      .pipeline()
      .hget(this.#k.checkpoint, matchId)
      .get(this.#logKey(matchId, 0))
      .get(this.#logKey(matchId, 1))
      .get(this.#spectatorsKey(matchId))
      .exec();
    const [head, left, right, spectators] = (replies ?? []).map(([err, value]) => {
      if (err) throw err;
      return value as string | null;
    });
    return head ? parseCheckpoint(head, [left ?? '', right ?? ''], spectators ?? null) : null;
  }

  async summaries(matchIds: readonly string[]): Promise<Map<string, LiveSummary>> {
    if (matchIds.length === 0) return new Map();
    const texts = await this.#redis.hmget(this.#k.live, ...matchIds);
    const found = new Map<string, LiveSummary>();
    texts.forEach((t, i) => t && found.set(matchIds[i]!, JSON.parse(t) as LiveSummary));
    return found;
  }
}
