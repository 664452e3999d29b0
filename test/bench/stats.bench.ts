/**
 * Leaderboards and stats at scale: a bulk-loaded database
 * (stats-loader.ts) and the domain services timed directly (the part that
 * depends on the data; HTTP adds the same fixed cost to every call):
 * rating board top 50, rank of one player (beside the `count(*)` rank it
 * replaces), around-me, stats of a player with 10,000 matches (30 days and a year),
 * platform stats over 30 days. PostgreSQL runs with BENCH_DATABASE_URL (its
 * public schema is dropped and rebuilt!); the embedded database runs at a
 * tenth of the size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../../api/core/clock.ts';
import { createDb, type Db } from '../../api/core/db.ts';
import type { Actor } from '../../api/domain/actors.ts';
import { aroundPlayer, ratingBoard, ratingRank } from '../../api/domain/leaderboards/service.ts';
import type { StatsReadDeps } from '../../api/domain/stats/deps.ts';
import { platformStats } from '../../api/domain/stats/platform.ts';
import { userStats } from '../../api/domain/stats/user.ts';
import type { Benchmark, BenchContext, BenchResult } from './harness.ts';
import { benchUserId, loadStatsData, type LoadSizes } from './stats-loader.ts';
import { percentile } from './stats.ts';

const viewer: Actor = {
  kind: 'user',
  id: '00000000-0000-4000-8000-000000000001',
  role: 'player',
} as Actor;
const admin: Actor = {
  kind: 'user',
  id: '00000000-0000-4000-8000-000000000002',
  role: 'admin',
} as Actor;

interface Timing {
  p50: number;
  p95: number;
  /** p95 of the first pass, right after the load has filled the caches with other pages. */
  coldP95: number;
}

/**
 * Every call is timed twice: a first (cold) pass, then the same calls again
 * (warm, the figure: a running server keeps its indexes' hot pages cached).
 */
async function timeIt(rounds: number, fn: (i: number) => Promise<unknown>): Promise<Timing> {
  const pass = async () => {
    const samples: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t = process.hrtime.bigint();
      await fn(i);
      samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return samples;
  };
  const cold = await pass();
  const warm = await pass();
  return { p50: percentile(warm, 50), p95: percentile(warm, 95), coldP95: percentile(cold, 95) };
}

function result(
  engine: string,
  name: string,
  t: Timing,
  target: number,
  notes: string,
  reference?: { name: string; value: number },
): BenchResult {
  return {
    name: `${engine}: ${name} p95`,
    value: Math.round(t.p95 * 1000) / 1000,
    unit: 'ms',
    target: { op: '<=', value: target, of: 'value' },
    notes: `p50 ${t.p50.toFixed(3)} ms, first pass p95 ${t.coldP95.toFixed(3)} ms; ${notes}`,
    ...(reference ? { reference, ratio: t.p95 / reference.value } : {}),
  };
}

async function measure(
  db: Db,
  engine: string,
  sizes: LoadSizes,
  ctx: BenchContext,
): Promise<BenchResult[]> {
  const deps: StatsReadDeps = { db, clock: systemClock };
  const rounds = ctx.pick(300, 60);
  const someone = (i: number) => benchUserId(2 + ((i * 7907) % (sizes.users - 1)));
  const size = `${sizes.users.toLocaleString('en')} users, ${sizes.matches.toLocaleString('en')} matches`;
  const ratingOf = async (id: string) =>
    Number((await db('ratings').where({ user_id: id }).first('rating')).rating);
  const ratings = await Promise.all(Array.from({ length: 50 }, (_, i) => ratingOf(someone(i))));
  // The floor this machine sets right now: one trivial round trip through knex.
  const floor = await timeIt(rounds, () => db.raw('select 1'));
  const top = await timeIt(rounds, () => ratingBoard(deps, { limit: 50 }));
  const rank = await timeIt(rounds, (i) => ratingRank(deps, someone(i)));
  const counted = await timeIt(Math.min(rounds, 60), (i) =>
    db('ratings')
      .where('matches', '>=', 10)
      .where('rating', '>', ratings[i % 50]!)
      .count({ n: '*' }),
  );
  const names = await db('users')
    .whereIn(
      'id',
      Array.from({ length: 50 }, (_, i) => someone(i)),
    )
    .pluck('username');
  const around = await timeIt(rounds, (i) =>
    aroundPlayer(deps, {
      board: 'rating',
      username: names[i % names.length]!,
      radius: 5,
      period: 'week',
    }),
  );
  const heavy = await timeIt(rounds, () => userStats(deps, viewer, { username: 'b1', days: 30 }));
  const heavyYear = await timeIt(rounds, () =>
    userStats(deps, viewer, { username: 'b1', days: 365 }),
  );
  const platform = await timeIt(ctx.pick(60, 20), () => platformStats(deps, admin, { days: 30 }));
  const rows: BenchResult[] = [
    {
      name: `${engine}: round trip floor (select 1) p95`,
      value: Math.round(floor.p95 * 1000) / 1000,
      unit: 'ms',
      notes: `p50 ${floor.p50.toFixed(3)} ms; what the machine's load adds to every figure`,
    },
    result(engine, 'rating board top 50', top, 5, size),
    result(
      engine,
      'rank of one player',
      rank,
      1,
      `${size}; reference: count(*) of higher ratings`,
      { name: 'count(*) rank p95', value: Math.round(counted.p95 * 1000) / 1000 },
    ),
    result(engine, 'around-me (radius 5)', around, 5, size),
    result(
      engine,
      `stats of a player with ${sizes.heavy.toLocaleString('en')} matches (30 days, the default)`,
      heavy,
      5,
      size,
    ),
    {
      ...result(
        engine,
        `stats of a player with ${sizes.heavy.toLocaleString('en')} matches (365 days)`,
        heavyYear,
        5,
        size,
      ),
      target: undefined,
    },
    result(engine, 'platform stats (30 days)', platform, 100, size),
  ];
  // The issue's targets are PostgreSQL's; the embedded database is reported beside it.
  return engine === 'PostgreSQL' ? rows : rows.map((r) => ({ ...r, target: undefined }));
}

async function onPostgres(ctx: BenchContext, url: string): Promise<BenchResult[]> {
  const sizes = ctx.pick(
    { users: 1_000_000, matches: 5_000_000, heavy: 10_000 },
    { users: 100_000, matches: 500_000, heavy: 10_000 },
  );
  const db = createDb({ databaseUrl: url, dataDir: '.bench-unused', poolMax: 4 });
  try {
    await db.raw('drop schema if exists public cascade');
    await db.raw('create schema public');
    await db.migrate.latest();
    const started = Date.now();
    await loadStatsData(db, sizes, (m) =>
      ctx.log(`postgres: ${m} (${Math.round((Date.now() - started) / 1000)} s)`),
    );
    return await measure(db, 'PostgreSQL', sizes, ctx);
  } finally {
    await db.destroy();
  }
}

async function onPglite(ctx: BenchContext): Promise<BenchResult[]> {
  const sizes = ctx.pick(
    { users: 100_000, matches: 500_000, heavy: 10_000 },
    { users: 20_000, matches: 100_000, heavy: 10_000 },
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pongctl-stats-bench-'));
  const db = createDb({ databaseUrl: undefined, dataDir: dir });
  try {
    await db.migrate.latest();
    const started = Date.now();
    await loadStatsData(db, sizes, (m) =>
      ctx.log(`pglite: ${m} (${Math.round((Date.now() - started) / 1000)} s)`),
    );
    return await measure(db, 'PGlite', sizes, ctx);
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const benchmarks: Benchmark[] = [
  {
    name: 'stats',
    issue: '#6',
    // Loading 5,000,000 matches on PostgreSQL, then 500,000 on PGlite.
    timeoutMs: 45 * 60_000,
    async run(ctx) {
      const out: BenchResult[] = [];
      if (ctx.databaseUrl) out.push(...(await onPostgres(ctx, ctx.databaseUrl)));
      out.push(...(await onPglite(ctx)));
      return out;
    },
  },
];
