/**
 * HTTP stack: GET /healthz through the full API (api/server.ts,
 * default config: access log on, metrics on) vs a bare node:http server
 * answering the same JSON with about as many headers. Both run in child
 * processes, loaded by the same autocannon settings, alternately (A B B A ...).
 */
import type { Benchmark, BenchContext, BenchResult } from './harness.ts';
import { defaultConnections, runLoad, type LoadResult } from './load.ts';
import { startApiChild, startBareChild, type ChildServer } from './server-child.ts';
import { alternate, median } from './stats.ts';

interface Sample extends LoadResult {
  /** Server CPU (user + system) per answered request: steadier than req/s on a busy machine. */
  cpuPerRequestUs: number;
}

async function measure(server: ChildServer, durationSec: number): Promise<Sample> {
  const before = await server.cpuUsage();
  const load = await runLoad({
    url: `${server.url}/healthz`,
    connections: defaultConnections,
    durationSec,
  });
  return { ...load, cpuPerRequestUs: ((await server.cpuUsage()) - before) / load.total };
}

async function healthz(ctx: BenchContext): Promise<BenchResult[]> {
  const rounds = ctx.pick(4, 2);
  const durationSec = ctx.pick(8, 3);
  const cpuProf = ctx.cpuProfDir ? { cpuProfDir: ctx.cpuProfDir } : {};
  const api = await startApiChild({ databaseUrl: ctx.databaseUrl, ...cpuProf });
  const bare = await startBareChild(cpuProf);
  try {
    // Warm both (JIT, connection set-up) before anything is counted.
    await measure(api, ctx.pick(3, 1));
    await measure(bare, ctx.pick(3, 1));
    const runs = await alternate(
      rounds,
      () => measure(api, durationSec),
      () => measure(bare, durationSec),
    );
    const apiRps = median(runs.a.map((r) => r.requestsPerSec));
    const bareRps = median(runs.b.map((r) => r.requestsPerSec));
    const served = runs.a.reduce((s, r) => s + r.total, 0);
    ctx.log(
      `api ${runs.a.map((r) => Math.round(r.requestsPerSec)).join(' ')} · bare ${runs.b.map((r) => Math.round(r.requestsPerSec)).join(' ')}`,
    );
    await api.stop();
    // Warm-up requests logged too, so this is an upper bound of bytes per measured request.
    const logBytes = await api.stdoutBytes();
    if (logBytes < served * 100)
      throw new Error(`access log looks off: ${logBytes} bytes for ${served} requests`);
    const p99 = (rs: Sample[]): number => median(rs.map((r) => r.latencyP99Ms));
    const cpu = (rs: Sample[]): number => median(rs.map((r) => r.cpuPerRequestUs));
    return [
      {
        name: 'GET /healthz, full Koa stack vs bare node:http',
        value: apiRps,
        unit: 'req/s',
        reference: { name: 'node:http', value: bareRps },
        target: { op: '>=', value: 0.45, of: 'ratio' },
        notes: `${defaultConnections} connections, ${rounds}×${durationSec} s each, median; p99 ${p99(runs.a)} ms vs ${p99(runs.b)} ms; access log on, ${Math.round(logBytes / served)} B/request piped to a drain process`,
      },
      {
        name: 'GET /healthz server CPU per request, full stack vs node:http',
        value: cpu(runs.a),
        unit: 'µs',
        reference: { name: 'node:http', value: cpu(runs.b) },
        notes:
          'user + system CPU of the server process per answered request (median of the same runs); no target, it explains the throughput ratio',
      },
    ];
  } finally {
    await Promise.all([api.stop(), bare.stop()]);
  }
}

export const benchmarks: Benchmark[] = [{ name: 'http-healthz', issue: '#2', run: healthz }];
