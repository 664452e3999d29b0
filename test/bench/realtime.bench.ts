/**
 * Realtime gateway benchmarks. The API runs in a child process
 * (children/realtime-server.ts).
 * - Fan-out: one message to 1,000 sockets in `world`, received by minimal
 *   WebSocket clients in two load processes (children/fanout-load.ts);
 *   delivery latency from the server's send to each client's receipt
 *   (p50/p99) and messages/s, for
 *   the gateway's broadcast (one prepared frame via the bus) against `ws.send`
 *   per socket (JSON encoded once) as the reference, alternately.
 * - Connections: time to accept 5,000 authenticated sockets (`ws` clients in
 *   this process; hello received) and the server's memory per idle socket
 *   (RSS and heap after GC).
 */
import path from 'node:path';
import { WebSocket } from 'ws';
import type { Benchmark, BenchContext, BenchResult } from './harness.ts';
import { startChild, type ChildServer } from './server-child.ts';
import { percentile } from './stats.ts';

function startRealtimeChild(ctx: BenchContext, env: Record<string, string>): Promise<ChildServer> {
  return startChild({
    script: path.join(import.meta.dirname, 'children', 'realtime-server.ts'),
    env,
    execArgv: ['--expose-gc'],
    stdout: 'ignore',
    readyTimeoutMs: 120_000,
    ...(ctx.cpuProfDir ? { cpuProfDir: ctx.cpuProfDir } : {}),
  });
}

/** Opens `count` sockets, at most `inFlight` handshakes at a time; resolves when every hello arrived. */
async function openClients(
  url: string,
  count: number,
  inFlight: number,
  firstUser = 0,
): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  let next = firstUser;
  const end = firstUser + count;
  const openOne = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/api/v1/ws`, {
        headers: { authorization: `Bearer test:bench-${i}:s-${i}` },
        perMessageDeflate: false,
      });
      sockets.push(ws);
      ws.once('error', reject);
      ws.once('message', () => resolve());
    });
  const worker = async () => {
    while (next < end) await openOne(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return sockets;
}

interface Round {
  latenciesMs: number[];
  /** Messages delivered per second over the span from send to the last receipt. */
  rate: number;
  /** Server CPU (user + system) for the round, in µs per delivered message. */
  cpuPerMessageUs: number;
}

/** Load processes for the receivers: one process reading 1,000 frames at once would time its own backlog. */
const RECEIVER_PROCESSES = 2;

async function fanoutRound(
  child: ChildServer,
  receivers: ChildServer[],
  seq: number,
  mode: string,
  count: number,
): Promise<Round> {
  const cpuBefore = await child.cpuUsage();
  const collected = receivers.map((r) =>
    r.request<{ latencies: number[] }>(
      { type: 'collect', seq, count: count / receivers.length },
      'collect',
      10_000,
    ),
  );
  child.send({ type: 'fanout', mode, seq, padding: 120 });
  const latenciesMs = (await Promise.all(collected)).flatMap((c) => c.latencies);
  const cpuPerMessageUs = ((await child.cpuUsage()) - cpuBefore) / count;
  return { latenciesMs, rate: count / (Math.max(...latenciesMs) / 1000), cpuPerMessageUs };
}

async function fanout(ctx: BenchContext): Promise<BenchResult[]> {
  const count = 1_000;
  const rounds = ctx.pick(30, 6);
  const child = await startRealtimeChild(ctx, { WS_MAX_SOCKETS_PER_USER: '5' });
  const receivers = await Promise.all(
    Array.from({ length: RECEIVER_PROCESSES }, () =>
      startChild({
        script: path.join(import.meta.dirname, 'children', 'fanout-load.ts'),
        stdout: 'ignore',
      }),
    ),
  );
  let seq = 0;
  try {
    await Promise.all(
      receivers.map((r, p) => {
        const tokens = Array.from(
          { length: count / receivers.length },
          (_, i) => `test:bench-${p}-${i}:s-${p}-${i}`,
        );
        return r.request({ type: 'receivers', url: child.url, tokens }, 'receivers', 120_000);
      }),
    );
    const samples: Record<string, Round[]> = { gateway: [], naive: [] };
    for (let i = 0; i < 3; i++)
      for (const mode of ['gateway', 'naive'])
        await fanoutRound(child, receivers, ++seq, mode, count); // warm-up
    for (let i = 0; i < rounds; i++) {
      for (const mode of i % 2 === 0 ? ['gateway', 'naive'] : ['naive', 'gateway']) {
        samples[mode]!.push(await fanoutRound(child, receivers, ++seq, mode, count));
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const all = (mode: string) => samples[mode]!.flatMap((r) => r.latenciesMs);
    const rate = (mode: string) =>
      percentile(
        samples[mode]!.map((r) => r.rate),
        50,
      );
    const cpu = (mode: string) =>
      percentile(
        samples[mode]!.map((r) => r.cpuPerMessageUs),
        50,
      );
    ctx.log(
      `gateway p50 ${percentile(all('gateway'), 50).toFixed(2)} ms p99 ${percentile(all('gateway'), 99).toFixed(2)} ms; naive p99 ${percentile(all('naive'), 99).toFixed(2)} ms`,
    );
    const notes = `${count} clients (minimal WebSocket clients in ${RECEIVER_PROCESSES} load processes), ${rounds} rounds, ≈200-byte frame; server in a child`;
    return [
      {
        name: 'fan-out p50 latency',
        value: percentile(all('gateway'), 50),
        unit: 'ms',
        reference: { name: 'ws.send per socket', value: percentile(all('naive'), 50) },
        notes,
      },
      {
        name: 'fan-out p99 latency',
        value: percentile(all('gateway'), 99),
        unit: 'ms',
        reference: { name: 'ws.send per socket', value: percentile(all('naive'), 99) },
        target: { op: '<=', value: 50, of: 'value' },
      },
      {
        name: 'fan-out delivery rate',
        value: rate('gateway'),
        unit: 'msg/s',
        reference: { name: 'ws.send per socket', value: rate('naive') },
      },
      {
        name: 'fan-out server CPU per message',
        value: cpu('gateway'),
        unit: 'µs',
        reference: { name: 'ws.send per socket', value: cpu('naive') },
        notes: 'process.cpuUsage of the server over a round / 1,000; includes 2 IPC round trips',
      },
    ];
  } finally {
    await Promise.all([...receivers, child].map((c) => c.stop()));
  }
}

interface MemoryReply {
  usage: NodeJS.MemoryUsage;
  sockets: number;
}

interface SocketMemory {
  seconds: number;
  /** Per socket, KiB. */
  rss: number;
  heap: number;
  sockets: WebSocket[];
}

/**
 * Opens `count` sockets (users from `firstUser` on) and measures what they
 * added to the server's memory, after GC.
 */
async function socketMemory(
  child: ChildServer,
  count: number,
  firstUser: number,
): Promise<SocketMemory> {
  const before = await child.request<MemoryReply>({ type: 'memory' }, 'memory');
  const started = performance.now();
  const sockets = await openClients(child.url, count, 200, firstUser);
  const seconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 1_000));
  const after = await child.request<MemoryReply>({ type: 'memory' }, 'memory');
  if (after.sockets !== count)
    throw new Error(`${after.sockets} sockets open on the server, expected ${count}`);
  const kib = (bytes: number) => bytes / count / 1024;
  return {
    seconds,
    sockets,
    rss: kib(after.usage.rss - before.usage.rss),
    heap: kib(
      after.usage.heapUsed + after.usage.external - before.usage.heapUsed - before.usage.external,
    ),
  };
}

/**
 * Memory per idle socket, twice: from a fresh server, then with the same
 * number of new users once the first sockets have closed. The first figure
 * also holds what the process grows once under any traffic (V8's young
 * generation grows to its maximum under the handshakes' garbage and keeps
 * it); the second is what each further socket costs.
 */
async function connections(ctx: BenchContext): Promise<BenchResult[]> {
  const count = ctx.pick(5_000, 1_000);
  const child = await startRealtimeChild(ctx, { WS_PING_INTERVAL_MS: '600000' });
  try {
    const cold = await socketMemory(child, count, 0);
    cold.sockets.forEach((ws) => ws.terminate());
    const closing = performance.now();
    while ((await child.request<MemoryReply>({ type: 'memory' }, 'memory')).sockets > 0) {
      if (performance.now() - closing > 30_000) throw new Error('the first sockets did not close');
      await new Promise((r) => setTimeout(r, 200));
    }
    const warm = await socketMemory(child, count, count);
    warm.sockets.forEach((ws) => ws.terminate());
    for (const [label, m] of [
      ['fresh server', cold],
      ['after the first sockets closed', warm],
    ] as const)
      ctx.log(
        `${label}: ${count} sockets in ${m.seconds.toFixed(2)} s; per socket rss ${m.rss.toFixed(1)} KiB, heap+external ${m.heap.toFixed(1)} KiB`,
      );
    return [
      {
        name: `accept ${count} sockets`,
        value: cold.seconds,
        unit: 's',
        notes: `${Math.round(count / cold.seconds)} upgrades/s incl. auth and hello, 200 handshakes in flight`,
      },
      {
        name: 'memory per idle socket (RSS)',
        value: warm.rss,
        unit: 'KiB',
        reference: { name: 'the same from a fresh server', value: cold.rss },
        target: { op: '<=', value: 20, of: 'value' },
        notes: `${count} sockets of new users once as many have come and gone; heap+external ${warm.heap.toFixed(1)} KiB per socket after GC (fresh: ${cold.heap.toFixed(1)}); the fresh figure includes V8's young generation growing once to its maximum`,
      },
    ];
  } finally {
    await child.stop();
  }
}

export const benchmarks: Benchmark[] = [
  { name: 'ws fan-out to 1,000 sockets', issue: '#4', run: fanout },
  { name: 'ws connections', issue: '#4', run: connections },
];
