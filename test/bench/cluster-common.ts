/**
 * What the cluster benchmarks share: the prerequisites (one
 * PostgreSQL database in BENCH_DATABASE_URL, the Redis at 127.0.0.1:6379),
 * real API processes (`pongctl serve`, test/support/api-process.ts) on them
 * with one JWT secret, their own INSTANCE_IDs, a unique REDIS_PREFIX and a
 * short lease TTL; players seeded straight into the database with signed
 * access tokens (registering hundreds through scrypt would time the hash);
 * matches made through HTTP (invite, accept); nginx rendered by
 * `pongctl nginx render`; and the tick lateness read from each instance's
 * /metrics.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import os from 'node:os';
import { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { createDb } from '../../api/core/db.ts';
import { deriveKeys, signAccessToken } from '../../api/domain/accounts/tokens.ts';
import { startApiProcess, type ApiProcess } from '../support/api-process.ts';
import { startNginx as startSupportNginx, type Nginx } from '../support/nginx.ts';
import { freePort } from '../ops/processes.ts';
import type { BenchContext, BenchResult } from './harness.ts';

export const benchRedisUrl = 'redis://127.0.0.1:6379';
/** The lease TTL of every cluster bench (INSTANCE_LEASE_TTL_MS): short, so a take-over is quick. */
export const leaseTtlMs = 2_000;

/** Matches that last: slow ball, tall paddles, straight serves; points are rare. */
export const longSettings = {
  pointsToWin: 21,
  maxDurationSec: 3600,
  ballSpeed: 150,
  paddleHeight: 300,
  serve: { angle: 'straight', delayMs: 0 },
};

/** Why the Redis of the benches cannot be used, or undefined when it answers. */
export async function missingRedis(): Promise<string | undefined> {
  const redis = new Redis(benchRedisUrl, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch {
    return `Redis does not answer at ${benchRedisUrl}`;
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key a bench wrote under its prefix. */
export async function dropRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(benchRedisUrl);
  try {
    const keys = await redis.keys(`${prefix}*`);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  } finally {
    redis.disconnect();
  }
}

/** The reason the cluster benches cannot run here, or undefined. */
export async function missingPrerequisite(ctx: BenchContext): Promise<string | undefined> {
  if (!ctx.databaseUrl?.startsWith('postgres'))
    return 'BENCH_DATABASE_URL is not a postgres:// URL (the instances share one database)';
  const redisProblem = await missingRedis();
  if (redisProblem) return redisProblem;
  const db = createDb({ databaseUrl: ctx.databaseUrl, dataDir: os.tmpdir(), poolMax: 1 });
  try {
    await db.raw('select 1');
  } catch (err) {
    return `PostgreSQL does not answer at BENCH_DATABASE_URL (${(err as Error).message})`;
  } finally {
    await db.destroy();
  }
  return undefined;
}

/** The one row of a benchmark that could not run: n/a, the reason in its name. */
export function skipped(name: string, reason: string): BenchResult[] {
  return [{ name: `${name}: skipped, ${reason}`, value: Number.NaN, unit: '' }];
}

/** The machine's load average, for the notes (the machine is shared). */
export function loadNote(): string {
  return `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${os.cpus().length} cores`;
}

export interface Instance extends ApiProcess {
  id: string;
  metricsPort: number;
}

/** One deployment: the settings every instance of it shares. */
export class Deployment {
  readonly prefix = `bench:cluster:${randomBytes(4).toString('hex')}:`;
  readonly jwtSecret = randomBytes(32).toString('hex');
  readonly instances = new Set<Instance>();
  readonly #databaseUrl: string;
  readonly #env: Record<string, string>;

  constructor(databaseUrl: string, env: Record<string, string> = {}) {
    this.#databaseUrl = databaseUrl;
    this.#env = env;
  }

  /** Starts `pongctl serve` as instance `id` (one at a time: each runs the migrations). */
  async start(id: string): Promise<Instance> {
    const metricsPort = await freePort();
    const api = await startApiProcess({
      databaseUrl: this.#databaseUrl,
      jwtSecret: this.jwtSecret,
      readyTimeoutMs: 120_000,
      env: {
        INSTANCE_ID: id,
        INSTANCE_LEASE_TTL_MS: String(leaseTtlMs),
        REDIS_URL: benchRedisUrl,
        REDIS_PREFIX: this.prefix,
        METRICS_PORT: String(metricsPort),
        NODE_ENV: 'production',
        ACCESS_LOG: 'false',
        TRUST_PROXY: 'true',
        WS_RATE_PER_SECOND: '1000',
        WS_BURST: '1000',
        GAME_COUNTDOWN_MS: '1000',
        GAME_READY_TIMEOUT_MS: '600000',
        GAME_INVITE_TTL_MS: '600000',
        ...this.#env,
      },
    });
    const instance: Instance = Object.assign(api, { id, metricsPort });
    this.instances.add(instance);
    return instance;
  }

  /** SIGKILL, like a crash; resolves once the process is gone. */
  async kill(instance: Instance): Promise<void> {
    this.instances.delete(instance);
    const gone = new Promise((resolve) => instance.child.once('exit', resolve));
    instance.child.kill('SIGKILL');
    await gone;
    rmSync(instance.dataDir, { recursive: true, force: true });
  }

  /** SIGTERM (a deploy): resolves once it has exited. */
  async stop(instance: Instance): Promise<void> {
    this.instances.delete(instance);
    await instance.dispose();
  }

  async close(): Promise<void> {
    await Promise.all([...this.instances].map((i) => i.dispose()));
    this.instances.clear();
    await dropRedisKeys(this.prefix);
  }

  /** Users and sessions written straight into the database, with access tokens signed with the shared secret. */
  async players(count: number): Promise<Player[]> {
    const db: Knex = createDb({ databaseUrl: this.#databaseUrl, dataDir: os.tmpdir(), poolMax: 2 });
    try {
      const now = new Date();
      const expires = new Date(now.getTime() + 24 * 3600_000);
      const key = deriveKeys(this.jwtSecret).jwt;
      const players: Player[] = [];
      for (let i = 0; i < count; i++) {
        const id = randomUUID();
        const username = `cb${id.replaceAll('-', '').slice(0, 14)}`;
        const sessionId = randomUUID();
        const token = await signAccessToken(
          key,
          { userId: id, role: 'player', sessionId },
          { nowMs: now.getTime(), ttlSeconds: 24 * 3600 },
        );
        players.push({ id, username, sessionId, token });
      }
      for (let i = 0; i < players.length; i += 500) {
        const batch = players.slice(i, i + 500);
        await db('users').insert(
          batch.map((p) => ({
            id: p.id,
            username: p.username,
            username_key: p.username,
            display_name: p.username,
          })),
        );
        await db('sessions').insert(
          batch.map((p) => ({ id: p.sessionId, user_id: p.id, expires_at: expires })),
        );
      }
      return players;
    } finally {
      await db.destroy();
    }
  }
}

export interface Player {
  id: string;
  username: string;
  sessionId: string;
  token: string;
}

async function post(base: string, pathname: string, token: string, body?: unknown) {
  const res = await fetch(`${base}${pathname}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as { data?: { id: string; state: string } };
  if (res.status >= 300) throw new Error(`POST ${pathname}: ${res.status} ${JSON.stringify(json)}`);
  return json.data!;
}

/**
 * A match of `a` against `b`, ready to join: `a` invites through `viaA`, `b`
 * accepts through `viaB`. It is placed where a socket of one of them is open,
 * else on the instance that took the invite.
 */
export async function readyMatch(
  viaA: string,
  a: Player,
  viaB: string,
  b: Player,
  settings: object = longSettings,
): Promise<string> {
  const invite = await post(viaA, '/api/v1/matches', a.token, { opponent: b.username, settings });
  const accepted = await post(viaB, `/api/v1/matches/${invite.id}/accept`, b.token);
  if (accepted.state !== 'ready') throw new Error(`match ${invite.id} is ${accepted.state}`);
  return invite.id;
}

/** Which instance owns a match (the `cluster:owner` hash in Redis, `<instance>|<epoch>`). */
export async function ownerOf(prefix: string, matchId: string): Promise<string | undefined> {
  const redis = new Redis(benchRedisUrl);
  try {
    const raw = await redis.hget(`${prefix}cluster:owner`, matchId);
    return raw?.split('|')[0];
  } finally {
    redis.disconnect();
  }
}

/** nginx from `pongctl nginx render` in front of these instance ports, without an access log. */
export function startNginx(upstreamPorts: readonly number[]): Promise<Nginx> {
  return startSupportNginx(
    upstreamPorts.map((p) => `127.0.0.1:${p}`),
    { accessLog: false },
  );
}

/** A Prometheus histogram as scraped: cumulative counts by upper bound, and the total. */
export interface Histogram {
  buckets: { le: number; count: number }[];
  count: number;
}

/** Scrapes one histogram (no labels) from an instance's /metrics. */
export async function scrapeHistogram(metricsPort: number, name: string): Promise<Histogram> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const buckets: { le: number; count: number }[] = [];
  for (const m of text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm')))
    buckets.push({ le: m[1] === '+Inf' ? Infinity : Number(m[1]), count: Number(m[2]) });
  const count = Number(new RegExp(`^${name}_count (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { buckets, count };
}

/** One gauge (no labels) from an instance's /metrics. */
export async function scrapeGauge(metricsPort: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
}

/** What was observed between two scrapes. */
export function histogramDelta(before: Histogram, after: Histogram): Histogram {
  return {
    buckets: after.buckets.map((b, i) => ({ le: b.le, count: b.count - before.buckets[i]!.count })),
    count: after.count - before.count,
  };
}

/** Histograms of several instances as one (same buckets). */
export function sumHistograms(hs: readonly Histogram[]): Histogram {
  return {
    buckets: hs[0]!.buckets.map((b, i) => ({
      le: b.le,
      count: hs.reduce((sum, h) => sum + h.buckets[i]!.count, 0),
    })),
    count: hs.reduce((sum, h) => sum + h.count, 0),
  };
}

/** The p-th percentile of a histogram, interpolated linearly inside its bucket (in the histogram's unit). */
export function histogramPercentile(h: Histogram, p: number): number {
  if (h.count === 0) return Number.NaN;
  const rank = (p / 100) * h.count;
  let lower = 0;
  let below = 0;
  for (const b of h.buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return lower;
      const inBucket = b.count - below;
      return inBucket === 0 ? b.le : lower + ((b.le - lower) * (rank - below)) / inBucket;
    }
    lower = b.le;
    below = b.count;
  }
  return lower;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
