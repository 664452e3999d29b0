/**
 * Match runner benchmarks. The match layer runs in a child process
 * (children/game-server.ts: gateway + runner + games services + database); the
 * scripted clients run in others (children/game-load.ts, minimal WebSocket
 * clients so the load generator stays cheaper than the server); this process
 * only coordinates.
 * - Runner: concurrent 60 Hz matches, two scripted players each (a key change
 *   every 100 ms), added in steps; the figure is the largest step whose p99
 *   tick lateness stayed under 2 ms. Reference: plain TCP writes of a
 *   state-sized frame to as many sockets from one loop (children/raw-writer.ts),
 *   the floor the kernel sets under the runner's sends.
 * - Spectators: one match streamed to 2,000 spectator sockets at 30 Hz; the
 *   figure is the p99 of |frame interval − 33.3 ms| seen by the clients, with
 *   the same plain-TCP floor for one tick's writes.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { benchRedisUrl, dropRedisKeys, longSettings, missingRedis } from './cluster-common.ts';
import {
  FRAME_BYTES,
  histogramPercentile,
  mergeHistograms,
  rawWriteFloor,
  startGameChild,
  type JitterStats,
} from './game-floor.ts';
import type { Benchmark, BenchContext, BenchResult } from './harness.ts';

interface Measure {
  ticks: number;
  active: number;
  lateP50: number;
  lateP99: number;
  lateMax: number;
  durP50: number;
  durP99: number;
  cpuShare: number;
  /** The part of cpuShare spent in the kernel (socket writes, mostly). */
  systemShare: number;
  /** Ticks over 1 ms late, how many of them waited on a garbage-collection pause, and the pauses. */
  lateTicks: number;
  lateInGc: number;
  gcPauses: number;
  gcMaxMs: number;
  gcLongestKind: string;
  /** Pauses by kind (minor: scavenges of the young generation; major: mark-compact). */
  gcKinds: Record<string, number>;
}

/** Where the late ticks of a window came from, as far as the collector explains them. */
const lateNote = (m: Measure) =>
  `${m.lateTicks} of ${m.ticks} ticks over 1 ms late, ${m.lateInGc} of them during a GC pause (${Object.entries(
    m.gcKinds,
  )
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ')} pauses; longest ${m.gcMaxMs.toFixed(1)} ms, ${m.gcLongestKind})`;

function serverEnv(ctx: BenchContext): Record<string, string> {
  return {
    DATABASE_URL: ctx.databaseUrl ?? 'memory://',
    WS_RATE_PER_SECOND: '1000',
    WS_BURST: '1000',
    GAME_READY_TIMEOUT_MS: '600000',
    GAME_COUNTDOWN_MS: '1000',
    NODE_ENV: 'production',
  };
}

/** The cluster layer on, as with several instances in production, when the benches' Redis answers. */
async function clusterEnv(): Promise<{
  env: Record<string, string>;
  note: string;
  prefix?: string;
}> {
  const missing = await missingRedis();
  if (missing) return { env: {}, note: `cluster features off: ${missing}` };
  const prefix = `bench:game:${randomUUID().slice(0, 8)}:`;
  return {
    env: { REDIS_URL: benchRedisUrl, REDIS_PREFIX: prefix },
    note: 'cluster features on (Redis: lease, match ownership, checkpoints every 500 ms)',
    prefix,
  };
}

async function runnerCapacity(ctx: BenchContext): Promise<BenchResult[]> {
  const steps = ctx.pick([100, 200, 300, 400, 500, 600, 700, 800, 1000], [100, 300, 500]);
  const cluster = await clusterEnv();
  const server = await startGameChild(
    'game-server.ts',
    { ...serverEnv(ctx), ...cluster.env },
    { ...ctx, cpuProfDir: undefined }, // its measuring windows are profiled on their own
  );
  const load = await startGameChild('game-load.ts');
  const lines: string[] = [];
  let best: { n: number; m: Measure } | undefined;
  let last: { n: number; m: Measure } | undefined;
  let created = 0;
  let misses = 0;
  try {
    for (const n of steps) {
      const { matches } = await server.request<{ matches: { id: string; a: string; b: string }[] }>(
        { type: 'setup', matches: n - created, settings: longSettings },
        'setup',
      );
      created = n;
      await load.request(
        { type: 'players', url: server.url, matches, inputEveryMs: playerInputEveryMs },
        'players',
      );
      await new Promise((r) => setTimeout(r, 2_500));
      const windowMs = ctx.pick(5_000, 3_000);
      const loadCpu0 = await load.cpuUsage();
      // Under --profile, each step's measuring window is profiled on its own (not the set-up).
      const profileFile =
        ctx.cpuProfDir && path.join(ctx.cpuProfDir, `runner-${n}-matches.cpuprofile`);
      const perfFile = ctx.perfDir && path.join(ctx.perfDir, `runner-${n}-matches.perf.data`);
      const m = await server.request<Measure>(
        {
          type: 'measure',
          ms: windowMs,
          ...(profileFile ? { profileFile } : {}),
          ...(perfFile ? { perfFile } : {}),
        },
        'measure',
      );
      const loadShare = ((await load.cpuUsage()) - loadCpu0) / 1000 / windowMs;
      const line = `${n} matches (${m.active} live): lateness p50 ${m.lateP50.toFixed(2)} / p99 ${m.lateP99.toFixed(2)} / max ${m.lateMax.toFixed(1)} ms, tick p99 ${m.durP99.toFixed(2)} ms, server CPU ${(m.cpuShare * 100).toFixed(0)}% (kernel ${(m.systemShare * 100).toFixed(0)}%), load generator CPU ${(loadShare * 100).toFixed(0)}%; ${lateNote(m)}`;
      lines.push(line);
      ctx.log(line);
      last = { n, m };
      // Steps over the line (a JIT or GC pause, the machine's own stalls) do not end the climb before
      // the target's 500 matches; past it, two in a row do.
      if (m.lateP99 < 2) {
        best = { n, m };
        misses = 0;
      } else if (++misses >= 2 && n >= 500) break;
    }
  } finally {
    await load.request({ type: 'close' }, 'close').catch(() => undefined);
    await Promise.all([load.stop(), server.stop()]);
    if (cluster.prefix) await dropRedisKeys(cluster.prefix);
  }
  const floor = last
    ? await rawWriteFloor(ctx, 2 * last.n, { perfName: `floor-${2 * last.n}-sockets` })
    : undefined;
  // The same writes while every socket also sends what a player's key changes send: the kernel's share of the inputs.
  const busyFloor = last
    ? await rawWriteFloor(ctx, 2 * last.n, {
        inputEveryMs: playerInputEveryMs,
        perfName: `floor-${2 * last.n}-sockets-with-inputs`,
      })
    : undefined;
  return [
    {
      name: 'concurrent 60 Hz matches with p99 tick lateness < 2 ms',
      value: best?.n ?? 0,
      unit: 'matches',
      target: { op: '>=', value: 500, of: 'value' },
      notes: [cluster.note, ...lines].join('; '),
    },
    {
      // Insensitive to other processes on the machine: CPU the server spent per match per second of play.
      name: `server CPU per live match at ${last?.n ?? 0} matches`,
      value: last
        ? Math.round(((last.m.cpuShare * 1000) / Math.max(1, last.m.active)) * 1000) / 1000
        : 0,
      unit: 'ms CPU/s',
      notes: last
        ? `one core's worth at this cost: ${Math.floor(1000 / ((last.m.cpuShare * 1000) / Math.max(1, last.m.active)))} matches`
        : undefined,
    },
    {
      name: `tick duration p99 at ${last?.n ?? 0} matches (${2 * (last?.n ?? 0)} player sockets)`,
      value: Math.round((last?.m.durP99 ?? 0) * 100) / 100,
      unit: 'ms',
      ...(floor
        ? {
            reference: {
              name: 'plain TCP writes, same sockets',
              value: Math.round(floor.durP99 * 100) / 100,
            },
            target: { op: '<=' as const, value: 1.15, of: 'ratio' as const },
          }
        : {}),
      notes:
        floor && busyFloor
          ? `the floor: one ${FRAME_BYTES}-byte write per socket per tick, nothing else, p50 ${floor.durP50.toFixed(2)} ms, ${(floor.cpuShare * 100).toFixed(0)}% CPU; with the players' inputs arriving on the same sockets: p99 ${busyFloor.durP99.toFixed(2)} ms, ${(busyFloor.cpuShare * 100).toFixed(0)}% CPU; a 60 Hz period is 16.7 ms`
          : undefined,
    },
    {
      // Everything the server does per frame a player gets (stepping, inputs, sends), against a bare write.
      name: `server CPU per player frame at ${last?.n ?? 0} matches`,
      value: last ? Math.round(perFrameUs(last.m.cpuShare, 2 * last.m.active) * 100) / 100 : 0,
      unit: 'µs',
      ...(floor && last
        ? {
            reference: {
              name: 'plain TCP, per write',
              value: Math.round(perFrameUs(floor.cpuShare, 2 * last.n) * 100) / 100,
            },
          }
        : {}),
      notes: last
        ? `${Math.round((last.m.systemShare / Math.max(last.m.cpuShare, 1e-9)) * 100)}% of the server's CPU in the kernel${busyFloor ? `; plain TCP with the inputs arriving too: ${perFrameUs(busyFloor.cpuShare, 2 * last.n).toFixed(2)} µs per write` : ''}`
        : undefined,
    },
    {
      name: `p99 tick lateness at ${best?.n ?? 0} matches`,
      value: Math.round((best?.m.lateP99 ?? 0) * 1000) / 1000,
      unit: 'ms',
      target: { op: '<=', value: 2, of: 'value' },
    },
    {
      // The same loop with nothing but writes, on the same machine minutes later: how late scheduling alone makes a tick.
      name: `p99 tick lateness at ${last?.n ?? 0} matches, beside plain writes`,
      value: Math.round((last?.m.lateP99 ?? 0) * 100) / 100,
      unit: 'ms',
      ...(busyFloor
        ? {
            reference: {
              name: 'plain TCP writes with the inputs, same sockets',
              value: Math.round(busyFloor.lateP99 * 100) / 100,
            },
          }
        : {}),
    },
  ];
}

/** CPU µs per frame for a process using `cpuShare` of a core while sending 60 frames a second to each of `sockets`. */
function perFrameUs(cpuShare: number, sockets: number): number {
  return (cpuShare * 1e6) / (sockets * TICKS_PER_SECOND);
}

const TICKS_PER_SECOND = 60;

/** How often each scripted player changes key: a human on a keyboard. */
const playerInputEveryMs = 100;

/** Spectator sockets per load process: one process reading 60,000 frames a second would measure its own backlog. */
const SPECTATORS_PER_PROCESS = 1_000;

async function spectatorJitter(ctx: BenchContext): Promise<BenchResult[]> {
  const count = ctx.pick(2_000, 1_000);
  const cluster = await clusterEnv();
  const server = await startGameChild(
    'game-server.ts',
    { ...serverEnv(ctx), ...cluster.env },
    { ...ctx, cpuProfDir: undefined }, // its measuring windows are profiled on their own
  );
  const players = await startGameChild('game-load.ts');
  const watchers = await Promise.all(
    Array.from({ length: Math.ceil(count / SPECTATORS_PER_PROCESS) }, () =>
      startGameChild('game-load.ts'),
    ),
  );
  try {
    const { matches } = await server.request<{ matches: { id: string; a: string; b: string }[] }>(
      { type: 'setup', matches: 1, settings: longSettings },
      'setup',
    );
    await players.request(
      { type: 'players', url: server.url, matches, inputEveryMs: playerInputEveryMs },
      'players',
    );
    for (const w of watchers)
      await w.request(
        {
          type: 'spectators',
          url: server.url,
          matchId: matches[0]!.id,
          count: count / watchers.length,
        },
        'spectators',
      );
    await new Promise((r) => setTimeout(r, 2_000));
    await Promise.all(watchers.map((w) => w.request({ type: 'reset' }, 'reset')));
    const seconds = ctx.pick(10, 5);
    const perfFile = ctx.perfDir && path.join(ctx.perfDir, `spectators-${count}.perf.data`);
    const profileFile =
      ctx.cpuProfDir && path.join(ctx.cpuProfDir, `spectators-${count}.cpuprofile`);
    const measured = server.request<Measure>(
      {
        type: 'measure',
        ms: seconds * 1000,
        ...(perfFile ? { perfFile } : {}),
        ...(profileFile ? { profileFile } : {}),
      },
      'measure',
    );
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const parts = await Promise.all(
      watchers.map((w) =>
        w.request<JitterStats>({ type: 'stats', expectedMs: 1000 / 30 }, 'stats'),
      ),
    );
    const m = await measured;
    const frames = parts.reduce((sum, part) => sum + part.frames, 0);
    const histogram = mergeHistograms(parts);
    const delivered = frames / (count * 30 * seconds);
    await Promise.all([players, ...watchers, server].map((c) => c.stop()));
    // The floor: plain TCP writes to as many sockets, taking turns like the spectator groups, read by as many processes.
    const floor = await rawWriteFloor(ctx, count, {
      groups: 2,
      readerProcesses: watchers.length,
      jitterExpectedMs: 1000 / 30,
      perfName: `spectator-floor-${count}-sockets`,
    });
    const jitterP99 = histogramPercentile(histogram, 99);
    const floorJitterP99 = histogramPercentile(floor.jitter!, 99);
    const notes = `${cluster.note}; ${count} sockets in ${watchers.length} load processes, ${frames} frames (${(delivered * 100).toFixed(0)}% of 30/s each), jitter p50 ${histogramPercentile(histogram, 50).toFixed(2)} / max ${histogramPercentile(histogram, 100).toFixed(1)} ms; server tick lateness p99 ${m.lateP99.toFixed(2)} ms, tick p99 ${m.durP99.toFixed(2)} ms, server CPU ${(m.cpuShare * 100).toFixed(0)}% (kernel ${(m.systemShare * 100).toFixed(0)}%); ${lateNote(m)}`;
    ctx.log(notes);
    return [
      {
        name: `p99 frame interval jitter, 1 match to ${count} spectators at 30 Hz`,
        value: Math.round(jitterP99 * 100) / 100,
        unit: 'ms',
        reference: {
          name: 'plain TCP writes, same sockets and turns',
          value: Math.round(floorJitterP99 * 100) / 100,
        },
        target: { op: '<=', value: 1.2, of: 'ratio' },
        notes: `${notes}; also ≤ 5 ms where the floor allows it: ${jitterP99 <= 5 ? 'yes' : floorJitterP99 > 5 ? 'the floor itself is over 5 ms' : 'no'}`,
      },
      {
        name: `spectator tick duration p99 (${count / 2} sockets a tick)`,
        value: Math.round(m.durP99 * 100) / 100,
        unit: 'ms',
        reference: {
          name: 'plain TCP writes, same sockets',
          value: Math.round(floor.durP99 * 100) / 100,
        },
        notes: `the floor's p50 ${floor.durP50.toFixed(2)} ms`,
      },
    ];
  } finally {
    await Promise.all(
      [players, ...watchers].map((c) =>
        c.request({ type: 'close' }, 'close', 10_000).catch(() => undefined),
      ),
    );
    await Promise.all([players, ...watchers, server].map((c) => c.stop()));
    if (cluster.prefix) await dropRedisKeys(cluster.prefix);
  }
}

export const benchmarks: Benchmark[] = [
  { name: 'game runner capacity', issue: '#5', run: runnerCapacity },
  { name: 'game spectator fan-out', issue: '#5', run: spectatorJitter },
];
