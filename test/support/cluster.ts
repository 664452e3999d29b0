/**
 * A deployment of several API processes (`pongctl serve`) on one PostgreSQL
 * database and one Redis, under a key prefix of its own, with one JWT secret
 * and an INSTANCE_ID each, and a short instance lease so take-overs happen in
 * seconds. Instances can be added, killed (SIGKILL) or shut down (SIGTERM);
 * Redis is open for reading who owns what.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { MatchCheckpoint, PeerRef } from '../../api/game/checkpoint.ts';
import { api, register } from './accounts.ts';
import { startApiProcess, type ApiProcess } from './api-process.ts';
import { testDatabaseUrl } from './env.ts';
import { quickSettings, type Player } from './games.ts';
import { sharedRedisUrl } from './redis.ts';
import { connect, type WsMessage } from './ws-client.ts';

export interface Instance {
  id: string;
  url: string;
  process: ApiProcess;
}

export interface ClusterOptions {
  /** Instance lease TTL (INSTANCE_LEASE_TTL_MS); a dead owner's matches move within this + 5 s. */
  leaseTtlMs?: number;
  env?: Record<string, string>;
}

export interface TestCluster {
  prefix: string;
  leaseTtlMs: number;
  /** Every instance started, in order (killed ones too). */
  instances: Instance[];
  /** Reads the deployment's keys (prefix included by the caller). */
  redis: Redis;
  /** Starts one more instance; ids are `<name>` unique within the run. */
  add(name: string): Promise<Instance>;
  /** SIGKILL: nothing is handed over, the lease simply stops being renewed. */
  kill(instance: Instance): Promise<void>;
  /** SIGTERM, as a deploy does; resolves with the exit code once the process is gone (bounded). */
  terminate(instance: Instance, timeoutMs?: number): Promise<number | null>;
  /** The match's owner in Redis (`instance|epoch`), or null. */
  owner(matchId: string): Promise<{ instance: string; epoch: number } | null>;
  /** The owner's last checkpoint of the match (api/game/checkpoint.ts), or null. */
  /** The stored checkpoint, with the spectators stored beside it. */
  checkpoint(matchId: string): Promise<(MatchCheckpoint & { spectators: PeerRef[] }) | null>;
  /** The Redis keys (or hash fields) still holding anything of the match's checkpoint: none once it has ended. */
  checkpointLeft(matchId: string): Promise<string[]>;
  dispose(): Promise<void>;
}

export async function startInstances(
  names: readonly string[],
  options: ClusterOptions = {},
): Promise<TestCluster> {
  const tag = randomBytes(4).toString('hex');
  const prefix = `test:cluster:${tag}:`;
  const jwtSecret = randomBytes(32).toString('hex');
  const leaseTtlMs = options.leaseTtlMs ?? 3_000;
  const redis = new Redis(sharedRedisUrl, { maxRetriesPerRequest: 1 });
  const instances: Instance[] = [];
  const key = (name: string) => `${prefix}cluster:${name}`;

  const add = async (name: string): Promise<Instance> => {
    const id = `${name}-${tag}`;
    const proc = await startApiProcess({
      databaseUrl: testDatabaseUrl,
      jwtSecret,
      env: {
        INSTANCE_ID: id,
        INSTANCE_LEASE_TTL_MS: String(leaseTtlMs),
        REDIS_URL: sharedRedisUrl,
        REDIS_PREFIX: prefix,
        TRUST_PROXY: 'true',
        GAME_COUNTDOWN_MS: '200',
        WS_RATE_PER_SECOND: '200',
        WS_BURST: '200',
        ...options.env,
      },
    });
    const instance = { id, url: proc.url, process: proc };
    instances.push(instance);
    return instance;
  };

  const cluster: TestCluster = {
    prefix,
    leaseTtlMs,
    instances,
    redis,
    add,
    async kill(instance) {
      const child = instance.process.child;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
    async terminate(instance, timeoutMs = 20_000) {
      const child = instance.process.child;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          exited,
          new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
        ]);
        clearTimeout(timer);
        if (child.exitCode === null && child.signalCode === null) {
          await cluster.kill(instance);
          throw new Error(`${instance.id} still running ${timeoutMs} ms after SIGTERM`);
        }
      }
      return child.exitCode;
    },
    async owner(matchId) {
      const value = await redis.hget(key('owner'), matchId);
      if (!value) return null;
      const bar = value.lastIndexOf('|');
      return { instance: value.slice(0, bar), epoch: Number(value.slice(bar + 1)) };
    },
    async checkpoint(matchId) {
      const [text, spectators] = await Promise.all([
        redis.hget(key('checkpoint'), matchId),
        redis.get(key(`spectators:${matchId}`)),
      ]);
      if (!text) return null;
      const refs = spectators ? (JSON.parse(spectators) as PeerRef[]) : [];
      return { ...(JSON.parse(text) as MatchCheckpoint), spectators: refs };
    },
    async checkpointLeft(matchId) {
      const keys = [
        ...[0, 1].map((side) => key(`log:${matchId}:${side}`)),
        key(`spectators:${matchId}`),
      ];
      const [field, ...found] = await Promise.all([
        redis.hexists(key('checkpoint'), matchId),
        ...keys.map((k) => redis.exists(k)),
      ]);
      return [key('checkpoint'), ...keys].filter((_, i) => [field, ...found][i] === 1);
    },
    async dispose() {
      // Instances do not hand matches to each other while all of them go.
      await Promise.all(instances.map((i) => cluster.kill(i)));
      await Promise.all(instances.map((i) => i.process.dispose()));
      const keys = await redis.keys(`${prefix}*`).catch(() => [] as string[]);
      if (keys.length > 0) await redis.del(...keys).catch(() => undefined);
      redis.disconnect();
    },
  };
  try {
    // One after another: `--migrate` takes the migration lock, which a second process would find taken.
    for (const name of names) await add(name);
  } catch (err) {
    await cluster.dispose();
    throw err;
  }
  return cluster;
}

/** A new account with a socket open on `url` (an instance, or nginx). */
export async function playerOn(url: string, prefix: string): Promise<Player> {
  const user = await register(url, prefix);
  return { ...user, client: (await connect(url, user.accessToken)).client };
}

/** `inviter` invites through one URL, `invitee` accepts through another; the match id. */
export async function invite(
  inviter: Player | { accessToken: string },
  invitee: { accessToken: string; username: string },
  inviteUrl: string,
  acceptUrl: string,
  settings: unknown = quickSettings,
): Promise<string> {
  const created = await api(inviteUrl, 'POST', '/api/v1/matches', {
    token: inviter.accessToken,
    body: { opponent: invitee.username, settings },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.data.id as string;
  const accepted = await api(acceptUrl, 'POST', `/api/v1/matches/${id}/accept`, {
    token: invitee.accessToken,
  });
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  assert.equal(accepted.body.data.state, 'ready');
  return id;
}

/**
 * Everyone's game.end gives one score, the right player's win on points (the
 * loser's input may land during a rally it then wins, so its own score is 0 or 1).
 */
export function agreedScore(ends: WsMessage[], winner: string): [number, number] {
  const score = ends[0]!.score as [number, number];
  for (const end of ends) {
    assert.deepEqual(end.score, score, JSON.stringify(ends));
    assert.equal(end.winner, winner);
  }
  assert.ok(score[1] === 2 && score[0] <= 1, JSON.stringify(score));
  return score;
}

/**
 * Starts watching a match and waits for the reply (the game.state carrying the
 * request's id). Across instances a relayed frame may reach the socket just
 * before the reply (both come over Redis, and the frame is written as it is
 * read while the reply resumes the request), so frames before it are skipped.
 */
export async function spectate(
  p: Player,
  target: { matchId: string } | { username: string },
  timeoutMs = 10_000,
): Promise<WsMessage> {
  p.client.send({ type: 'spectate.start', ...target, id: 'watch' });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await p.client.next('game.state', Math.max(1, deadline - Date.now()));
    if (m.id === 'watch') return m;
  }
}
