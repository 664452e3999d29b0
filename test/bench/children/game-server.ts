/**
 * Bench child: the match layer as production composes it — the server's base
 * (metrics, logs, database, Redis settings), the gateway on a real HTTP
 * server, the runner on the system scheduler, the games services on the
 * database and, with REDIS_URL, the cluster layer (ownership, checkpoints,
 * leases) — without the account stack: a socket's token is its user id.
 * IPC: {type:'setup', matches, settings?} → {type:'setup', matches:[{id, a, b}]}
 * creates users and ready matches; {type:'measure', ms, profileFile?,
 * perfFile?} → {type:'measure', ...} tick lateness and duration percentiles
 * over that window (its CPU profile written to profileFile, its perf
 * recording to perfFile); {type:'teardown'}
 * aborts every match; {type:'stop'} shuts down.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import http from 'node:http';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { gameSettingsSchema } from '../../../api/contract/game.ts';
import { systemClock } from '../../../api/core/clock.ts';
import { loadConfig } from '../../../api/core/config.ts';
import type { RunnerMetrics } from '../../../api/core/game-metrics.ts';
import { createMatchFromQueue } from '../../../api/domain/games/service.ts';
import { startBase } from '../../../api/compose/base.ts';
import { openDatabase } from '../../../api/compose/database.ts';
import { startGames } from '../../../api/compose/games.ts';
import { closeParts, type Parts } from '../../../api/compose/parts.ts';
import { startRealtime } from '../../../api/realtime/start.ts';
import { perfRecorded } from './perf-window.ts';
import { announceReady, onStop } from './protocol.ts';

const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
const database = openDatabase(config);
const { db } = database;
const parts: Partial<Parts> = {};
// The server's own base: metrics, logs, and with REDIS_URL the Redis settings the cluster layer runs on.
const base = await startBase({ config, clock: systemClock, migrate: true }, database, parts);

/** Raw samples of the current window next to the real metrics. */
const samples = {
  lateness: [] as number[],
  duration: [] as number[],
  /** When each tick over 1 ms late was due and when it began (performance.now()). */
  late: [] as [due: number, began: number][],
  activeMax: 0,
};
const real = base.metrics.game;
const gameMetrics: RunnerMetrics = {
  tick(durationSec, latenessSec) {
    samples.lateness.push(latenessSec * 1000);
    samples.duration.push(durationSec * 1000);
    if (latenessSec > 0.001) {
      // tick() is called at the tick's end: it began durationSec ago.
      const began = performance.now() - durationSec * 1000;
      samples.late.push([began - latenessSec * 1000, began]);
    }
    real.tick(durationSec, latenessSec);
  },
  gauges(active, spectators) {
    if (active > samples.activeMax) samples.activeMax = active;
    real.gauges(active, spectators);
  },
  finished: (m, d, s) => real.finished(m, d, s),
};
const realtime = (parts.realtime = await startRealtime({
  config,
  logger: base.logger,
  metrics: base.metrics.ws,
  redis: base.redis,
  authenticateToken: async (token) => ({ userId: token, role: 'player', sessionId: token }),
}));
const games = (parts.games = await startGames({
  db,
  config,
  clock: systemClock,
  logger: base.logs.game,
  auditLogger: base.logs.audit,
  gateway: realtime.gateway,
  wsMetrics: base.metrics.ws,
  gameMetrics,
  resultMetrics: base.metrics.results,
  notify: async () => undefined,
  setInGame: async () => undefined,
  redis: base.redis,
  bus: realtime.bus,
  clusterMetrics: base.metrics.cluster,
}));
const server = http.createServer((_req, res) => res.writeHead(404).end());
server.on('upgrade', (req, socket, head) => realtime.gateway.handleUpgrade(req, socket, head));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

async function setup(
  count: number,
  settingsInput: unknown,
): Promise<{ id: string; a: string; b: string }[]> {
  const settings = gameSettingsSchema.parse(settingsInput ?? {});
  const users = Array.from({ length: count * 2 }, () => {
    const id = randomUUID();
    const name = `b${id.slice(0, 8)}${id.slice(9, 13)}`;
    return { id, username: name, username_key: name, display_name: name };
  });
  for (let i = 0; i < users.length; i += 500) await db('users').insert(users.slice(i, i + 500));
  const matches = [];
  for (let i = 0; i < count; i++) {
    const spec = await createMatchFromQueue(games.deps, {
      a: users[2 * i]!.id,
      b: users[2 * i + 1]!.id,
      ranked: false,
      settings,
    });
    const [left, right] = spec.players.map((p) => ('userId' in p ? p.userId : ''));
    matches.push({ id: spec.id, a: left!, b: right! });
  }
  return matches;
}

function pct(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs `window` under V8's sampling profiler and writes the profile to `file`. */
async function profiled(file: string, window: () => Promise<void>): Promise<void> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    await window();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

/**
 * The late ticks' [due, began] on the CPU profile's clock (µs of the monotonic
 * clock), so `profile-top.ts --late` can say what ran while they waited.
 */
function writeLateTicks(file: string, late: [number, number][]): void {
  const offsetUs = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;
  const ticks = late.map(([due, began]) => [due * 1000 + offsetUs, began * 1000 + offsetUs]);
  writeFileSync(file, JSON.stringify(ticks));
}

/**
 * Tick figures over `ms`; with `profileFile`, a CPU profile of that window
 * only (steady play, no set-up); with `perfFile`, a perf recording of it.
 */
async function measure(ms: number, profileFile?: string, perfFile?: string) {
  samples.lateness = [];
  samples.duration = [];
  samples.late = [];
  samples.activeMax = 0;
  // Garbage collection in the window: a late tick that waited on a pause is the collector's.
  const pauses: [start: number, end: number, kind: string][] = [];
  const kinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
  };
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = kinds[(e as unknown as { detail: { kind: number } }).detail.kind] ?? 'other';
      pauses.push([e.startTime, e.startTime + e.duration, kind]);
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  const cpu0 = process.cpuUsage();
  const sleep = () => new Promise<void>((r) => setTimeout(r, ms));
  const wait = perfFile ? () => perfRecorded(perfFile, ms, sleep) : sleep;
  await (profileFile ? profiled(profileFile, wait) : wait());
  const cpu = process.cpuUsage(cpu0);
  if (profileFile) writeLateTicks(`${profileFile}.late.json`, samples.late);
  gc.disconnect();
  const { lateness, duration, late } = samples;
  const lateInGc = late.filter(([due, began]) =>
    pauses.some(([start, end]) => start < began && end > due),
  ).length;
  const pauseMs = pauses.map(([start, end]) => end - start);
  const longest = pauses.reduce<(typeof pauses)[number] | undefined>(
    (max, p) => (max === undefined || p[1] - p[0] > max[1] - max[0] ? p : max),
    undefined,
  );
  const byKind: Record<string, number> = {};
  for (const [, , kind] of pauses) byKind[kind] = (byKind[kind] ?? 0) + 1;
  return {
    type: 'measure',
    ticks: lateness.length,
    active: games.deps.runner.size,
    activeMax: samples.activeMax,
    lateP50: pct(lateness, 50),
    lateP99: pct(lateness, 99),
    lateMax: pct(lateness, 100),
    durP50: pct(duration, 50),
    durP99: pct(duration, 99),
    cpuShare: (cpu.user + cpu.system) / 1000 / ms,
    systemShare: cpu.system / 1000 / ms,
    lateTicks: late.length,
    lateInGc,
    gcPauses: pauses.length,
    gcMaxMs: pct(pauseMs, 100),
    gcLongestKind: longest?.[2] ?? 'none',
    gcKinds: byKind,
  };
}

process.on(
  'message',
  (m: {
    type?: string;
    matches?: number;
    settings?: unknown;
    ms?: number;
    profileFile?: string;
    perfFile?: string;
  }) => {
    if (m?.type === 'setup')
      void setup(m.matches ?? 1, m.settings).then((matches) =>
        process.send?.({ type: 'setup', matches }),
      );
    if (m?.type === 'measure')
      void measure(m.ms ?? 5000, m.profileFile, m.perfFile).then((r) => process.send?.(r));
    if (m?.type === 'teardown') void games.close().then(() => process.send?.({ type: 'teardown' }));
  },
);
onStop(async () => {
  server.close();
  await closeParts(parts, db, 1000);
});
announceReady(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
