/**
 * Logging. Two figures:
 * - the cost of the access log: the full API with ACCESS_LOG on vs off, both
 *   API children in the same run, alternating, on GET /healthz and on a
 *   parameterised route (GET /api/v1/users/{username}/avatar); target ≥ 0.85
 *   on both;
 * - the shipper: ECS lines per second from the pino destination through the
 *   bounded queue and `helpers.bulk` into a fake `_bulk` in a child process on
 *   loopback (the API idle: only the shipper runs here); target ≥ 50,000/s.
 */
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, streamLoggers } from '../../api/core/logger.ts';
import { createLogShipper } from '../../api/core/log-shipper.ts';
import type { Benchmark, BenchContext, BenchResult } from './harness.ts';
import { defaultConnections, runLoad } from './load.ts';
import { startApiChild, startChild, type ChildServer } from './server-child.ts';
import { alternate, median } from './stats.ts';

interface Sample {
  rps: number;
  /** Server CPU (user + system) per answered request, µs: steady on a machine shared with other work. */
  cpuUs: number;
}

/** What each request loads: /healthz, and a parameterised route with a database read. */
interface Target {
  label: string;
  path: string;
}

async function measure(server: ChildServer, target: Target, durationSec: number): Promise<Sample> {
  const before = await server.cpuUsage();
  const load = await runLoad({
    url: `${server.url}${target.path}`,
    connections: defaultConnections,
    durationSec,
  });
  return { rps: load.requestsPerSec, cpuUs: ((await server.cpuUsage()) - before) / load.total };
}

/** On vs off on one target, alternating; the two result rows of that target. */
async function compare(
  ctx: BenchContext,
  servers: { on: ChildServer; off: ChildServer },
  target: Target,
): Promise<BenchResult[]> {
  const rounds = ctx.pick(5, 2);
  const durationSec = ctx.pick(5, 3);
  await measure(servers.on, target, ctx.pick(3, 1));
  await measure(servers.off, target, ctx.pick(3, 1));
  const runs = await alternate(
    rounds,
    () => measure(servers.on, target, durationSec),
    () => measure(servers.off, target, durationSec),
  );
  const rpsOn = median(runs.a.map((r) => r.rps));
  const rpsOff = median(runs.b.map((r) => r.rps));
  const cpuOn = median(runs.a.map((r) => r.cpuUs));
  const cpuOff = median(runs.b.map((r) => r.cpuUs));
  const label = target.label;
  ctx.log(
    `${label}: req/s on ${runs.a.map((r) => Math.round(r.rps)).join(' ')} · off ${runs.b.map((r) => Math.round(r.rps)).join(' ')}; CPU/request on ${runs.a.map((r) => r.cpuUs.toFixed(1)).join(' ')} · off ${runs.b.map((r) => r.cpuUs.toFixed(1)).join(' ')} µs`,
  );
  const notes = `${defaultConnections} connections, ${rounds}×${durationSec} s each, alternating, median; stdout piped to a drain process`;
  return [
    {
      name: `API throughput per CPU second, access log on vs off, ${label}`,
      value: 1e6 / cpuOn,
      unit: 'req/CPU-s',
      reference: { name: 'ACCESS_LOG=false', value: 1e6 / cpuOff },
      target: { op: '>=', value: 0.85, of: 'ratio' },
      notes: `${notes}; server CPU per request ${cpuOn.toFixed(1)} µs vs ${cpuOff.toFixed(1)} µs — the capacity ratio, unaffected by other processes on the machine`,
    },
    {
      name: `${label} req/s, access log on vs off`,
      value: rpsOn,
      unit: 'req/s',
      reference: { name: 'ACCESS_LOG=false', value: rpsOff },
      notes: `${notes}; wall-clock throughput, noisy when the 2 cores are shared`,
    },
  ];
}

async function accessLogCost(ctx: BenchContext): Promise<BenchResult[]> {
  const cpuProf = ctx.cpuProfDir ? { cpuProfDir: ctx.cpuProfDir } : {};
  const start = (accessLog: string) =>
    startApiChild({ databaseUrl: ctx.databaseUrl, env: { ACCESS_LOG: accessLog }, ...cpuProf });
  // One after the other: two embedded databases starting at once time out on a busy machine.
  const on = await start('true');
  const off = await start('false').catch(async (err: unknown) => {
    await on.stop();
    throw err;
  });
  try {
    const servers = { on, off };
    return [
      ...(await compare(ctx, servers, { label: 'GET /healthz', path: '/healthz' })),
      // Public, one indexed read and the generated identicon: a cheap route, so the log weighs more.
      ...(await compare(ctx, servers, {
        label: 'GET /api/v1/users/{username}/avatar',
        path: '/api/v1/users/admin/avatar',
      })),
    ];
  } finally {
    await Promise.all([on.stop(), off.stop()]);
  }
}

/** Realistic access lines, rendered once by the real logger so the measurement is the shipper's. */
function renderLines(count: number): string[] {
  const lines: string[] = [];
  const sink = new Writable({
    decodeStrings: false,
    write: (chunk: string, _e, done) => (lines.push(chunk), done()),
  });
  const access = streamLoggers(
    createLogger({
      level: 'info',
      service: { name: 'pongctl-api', version: '0.1.0', environment: 'production' },
      destination: sink,
    }),
  ).access;
  for (let i = 0; i < count; i++) {
    access.info(
      {
        'http.request.method': 'GET',
        'url.path': '/api/v1/users/42',
        'http.response.status_code': 200,
        'event.duration': 812345 + i,
        'trace.id': `bench-${i}`,
        'http.route': '/api/v1/users/{id}',
        'user.id': String(i % 1000),
      },
      'request',
    );
  }
  return lines;
}

async function shipperThroughput(ctx: BenchContext): Promise<BenchResult[]> {
  const count = ctx.pick(400_000, 100_000);
  // A pool of distinct rendered lines, written in turn: the API's logger is not what is measured.
  const pool = renderLines(5_000);
  const fake = await startChild({
    script: path.join(import.meta.dirname, 'children', 'fake-elasticsearch.ts'),
    stdout: 'ignore',
  });
  const stats = { shipped: 0, dropped: 0, errors: 0 };
  const shipper = await createLogShipper({
    url: fake.url,
    apiKey: Buffer.from('bench:key').toString('base64'),
    namespace: 'bench',
    bufferSize: 50_000,
    output: new Writable({ decodeStrings: false, write: (_c, _e, done) => done() }),
    metrics: {
      shipped: (n) => void (stats.shipped += n),
      dropped: (n) => void (stats.dropped += n),
      error: () => void stats.errors++,
      queue: () => undefined,
    },
  });
  try {
    const cpuBefore = process.cpuUsage();
    const fakeCpuBefore = await fake.cpuUsage();
    const started = performance.now();
    let written = 0;
    while (stats.shipped + stats.dropped < count && stats.errors === 0) {
      // Keep about 20,000 lines queued: a steady producer, like a busy API, never a drop.
      const queued = written - stats.shipped - stats.dropped;
      for (let n = 0; n < 1000 && written < count && queued + n < 20_000; n++)
        shipper.destination.write(pool[written++ % pool.length]!);
      await new Promise((r) => setImmediate(r));
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const fakeCpu = (await fake.cpuUsage()) - fakeCpuBefore;
    if (stats.errors > 0 || stats.dropped > 0)
      throw new Error(
        `shipper lost lines: ${stats.errors} failed requests, ${stats.dropped} dropped`,
      );
    const bytes = Math.round(pool.reduce((n, l) => n + l.length, 0) / pool.length);
    const perDocUs = (cpu.user + cpu.system) / count;
    ctx.log(
      `${count} lines (${bytes} B each) in ${seconds.toFixed(2)} s; shipper CPU ${perDocUs.toFixed(1)} µs/doc, fake CPU ${(fakeCpu / count).toFixed(1)} µs/doc`,
    );
    return [
      {
        name: 'log shipper into a fake _bulk on loopback',
        value: count / seconds,
        unit: 'docs/s',
        target: { op: '>=', value: 50_000, of: 'value' },
        notes: `${count} ECS access lines of ~${bytes} B, batches of 1000 create ops, 2 requests in flight; shipper process CPU ${perDocUs.toFixed(1)} µs/doc (includes producing the lines); the fake runs in a child process`,
      },
      {
        name: 'log shipper CPU per document',
        value: perDocUs,
        unit: 'µs',
        notes:
          'user + system CPU of the shipping process per delivered document: the capacity on one free core is 1e6 / this',
      },
    ];
  } finally {
    await shipper.close(5_000);
    await fake.stop();
  }
}

export const benchmarks: Benchmark[] = [
  { name: 'logging-access-log-cost', issue: '#8', run: accessLogCost },
  { name: 'logging-shipper-throughput', issue: '#8', run: shipperThroughput },
];
