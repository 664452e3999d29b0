/**
 * What the instances of a deployment share in Redis about each other and
 * their live matches, under `<REDIS_PREFIX>cluster:`:
 *
 * - `instance:<id>`: the instance's lease (JSON: started, renewed, sockets,
 *   matches), with a TTL; `instances` indexes every id ever seen recently;
 * - `owner` (hash match → `<instance>|<epoch>`): who steps each live match;
 *   every take-over raises the epoch, and changes are compare-and-set;
 * - `checkpoint` (hash match → checkpoint JSON, checkpoint.ts), written by the
 *   owner at least once a second and read by whoever takes the match over;
 * - `live` (hash match → summary JSON): state and score for listings.
 */
import { pendingResultsKey } from '../../domain/games/pending-results-redis.ts';
import type { MatchCheckpoint } from '../../game/checkpoint.ts';
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

// KEYS: owner, checkpoint, live; ARGV: match, expected ('' = none), new ('' = delete).
const swapOwnerScript = `
local current = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if current ~= ARGV[2] then return 0 end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('HDEL', KEYS[3], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
end
return 1`;

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
      3,
      this.#k.owner,
      this.#k.checkpoint,
      this.#k.live,
      matchId,
      expected ? ownerText(expected) : '',
      next ? ownerText(next) : '',
    );
    return done === 1;
  }

  /** Writes checkpoints and summaries of matches this instance owns, in one round trip. */
  async saveCheckpoints(
    entries: readonly { checkpoint: MatchCheckpoint; summary: LiveSummary }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const checkpoints: string[] = [];
    const summaries: string[] = [];
    for (const { checkpoint, summary } of entries) {
      checkpoints.push(checkpoint.spec.id, JSON.stringify(checkpoint));
      summaries.push(checkpoint.spec.id, JSON.stringify(summary));
    }
    await this.#redis
      .pipeline()
      .hset(this.#k.checkpoint, ...checkpoints)
      .hset(this.#k.live, ...summaries)
      .exec();
  }

  /** Matches whose end is held until it is stored (result-keeper.ts): ended, whatever their rows say. */
  async heldResultIds(): Promise<Set<string>> {
    return new Set(await this.#redis.hkeys(this.#heldResults));
  }

  async checkpointIds(): Promise<Set<string>> {
    return new Set(await this.#redis.hkeys(this.#k.checkpoint));
  }

  async checkpoint(matchId: string): Promise<MatchCheckpoint | null> {
    const text = await this.#redis.hget(this.#k.checkpoint, matchId);
    return text ? (JSON.parse(text) as MatchCheckpoint) : null;
  }

  async summaries(matchIds: readonly string[]): Promise<Map<string, LiveSummary>> {
    if (matchIds.length === 0) return new Map();
    const texts = await this.#redis.hmget(this.#k.live, ...matchIds);
    const found = new Map<string, LiveSummary>();
    texts.forEach((t, i) => t && found.set(matchIds[i]!, JSON.parse(t) as LiveSummary));
    return found;
  }
}
