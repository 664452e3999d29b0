/**
 * HTTP stack (issue #2): GET /healthz through the full API (api/server.ts,
 * default config: access log on, metrics on) vs a bare node:http server
 * answering the same JSON with about as many headers. Both run in child
 * processes, loaded by the same autocannon settings, alternately (A B B A ...).
 */
import type { Benchmark, BenchContext, BenchResult } from './harness.ts';
import { defaultConnections, runLoad, type LoadResult } from './load.ts';
import { startApiChild, startBareChild, type ChildServer } from './server-child.ts';
import { alternate, median } from './stats.ts';

async function measure(server: ChildServer, durationSec: number): Promise<LoadResult> {
  return runLoad({ url: `${server.url}/healthz`, connections: defaultConnections, durationSec });
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
    const logBefore = api.stdoutBytes();
    const runs = await alternate(
      rounds,
      () => measure(api, durationSec),
      () => measure(bare, durationSec),
    );
    const apiRps = median(runs.a.map((r) => r.requestsPerSec));
    const bareRps = median(runs.b.map((r) => r.requestsPerSec));
    const served = runs.a.reduce((s, r) => s + r.total, 0);
    const logBytes = api.stdoutBytes() - logBefore;
    if (logBytes < served * 100) throw new Error(`access log looks off: ${logBytes} bytes for ${served} requests`);
    ctx.log(`api ${runs.a.map((r) => Math.round(r.requestsPerSec)).join(' ')} · bare ${runs.b.map((r) => Math.round(r.requestsPerSec)).join(' ')}`);
    const p99 = (rs: LoadResult[]): number => median(rs.map((r) => r.latencyP99Ms));
    return [
      {
        name: 'GET /healthz, full Koa stack vs bare node:http',
        value: apiRps,
        unit: 'req/s',
        reference: { name: 'node:http', value: bareRps },
        target: { op: '>=', value: 0.45, of: 'ratio' },
        notes: `${defaultConnections} connections, ${rounds}×${durationSec} s each, median; p99 ${p99(runs.a)} ms vs ${p99(runs.b)} ms; access log ${Math.round(logBytes / served)} B/request drained`,
      },
    ];
  } finally {
    await Promise.all([api.stop(), bare.stop()]);
  }
}

export const benchmarks: Benchmark[] = [{ name: 'http-healthz', issue: '#2', run: healthz }];
