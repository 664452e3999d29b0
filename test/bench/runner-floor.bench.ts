/**
 * The runner against the write floor, side by side in one process
 * (children/runner-ab.ts): plain-write windows and runner windows take turns
 * on the same loopback sockets, read by the same plain readers. On a machine
 * whose speed drifts from one minute to the next, this is the comparison the
 * end-to-end benchmark (game.bench.ts: separate processes, minutes apart)
 * cannot make steadily. The figures are the median of the windows.
 */
import path from 'node:path';
import type { Benchmark, BenchContext, BenchResult } from './harness.ts';
import { startChild } from './server-child.ts';

interface Window {
  kind: 'runner' | 'plain';
  durP50: number;
  durP99: number;
  lateP99: number;
  usPerFrame: number;
  gcPauses: number;
  gcMs: number;
}

const child = (script: string) =>
  startChild({
    script: path.join(import.meta.dirname, 'children', script),
    stdout: 'ignore',
    readyTimeoutMs: 120_000,
  });

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
};
const round2 = (n: number) => Math.round(n * 100) / 100;
const range = (values: number[]) =>
  `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;

async function runnerBesideFloor(ctx: BenchContext): Promise<BenchResult[]> {
  const matches = 500;
  const windows = ctx.pick(5, 3);
  const server = await child('runner-ab.ts');
  const readers = await child('game-load.ts');
  try {
    await readers.request(
      { type: 'readers', url: server.url, count: 2 * matches, frameBytes: 400 },
      'readers',
    );
    const { windows: all } = await server.request<{ windows: Window[] }>(
      {
        type: 'measure',
        matches,
        windows,
        ms: ctx.pick(4_000, 3_000),
        ...(ctx.perfDir ? { perfDir: ctx.perfDir } : {}),
      },
      'measure',
      600_000,
    );
    const of = (kind: Window['kind']) => all.filter((w) => w.kind === kind);
    const [runner, plain] = [of('runner'), of('plain')];
    const line = (w: Window) =>
      `${w.kind} p50 ${w.durP50.toFixed(2)} / p99 ${w.durP99.toFixed(2)} ms, lateness p99 ${w.lateP99.toFixed(2)} ms, ${w.usPerFrame.toFixed(2)} µs/frame, ${w.gcPauses} GC pauses (${w.gcMs.toFixed(0)} ms)`;
    for (const w of all) ctx.log(line(w));
    const notes = `${windows} windows each, alternating on the same ${2 * matches} sockets; per window, runner: ${runner.map(line).join('; ')}; plain: ${plain.map(line).join('; ')}`;
    return [
      {
        name: `runner tick p99 beside plain writes, ${matches} matches, same process and sockets (median of windows)`,
        value: round2(median(runner.map((w) => w.durP99))),
        unit: 'ms',
        reference: {
          name: 'plain writes, same sockets, alternating windows',
          value: round2(median(plain.map((w) => w.durP99))),
        },
        target: { op: '<=', value: 1.15, of: 'ratio' },
        notes: `runner windows ${range(runner.map((w) => w.durP99))} ms, plain ${range(plain.map((w) => w.durP99))} ms; ${notes}`,
      },
      {
        name: `CPU per player frame beside plain writes, ${matches} matches, same process and sockets (median of windows)`,
        value: round2(median(runner.map((w) => w.usPerFrame))),
        unit: 'µs',
        reference: {
          name: 'plain writes, per write',
          value: round2(median(plain.map((w) => w.usPerFrame))),
        },
        notes: `runner ${range(runner.map((w) => w.usPerFrame))} µs, plain ${range(plain.map((w) => w.usPerFrame))} µs; the runner's windows include stepping, encoding, framing, backpressure checks and the players' inputs`,
      },
    ];
  } finally {
    await readers.request({ type: 'close' }, 'close', 10_000).catch(() => undefined);
    await Promise.all([readers.stop(), server.stop()]);
  }
}

export const benchmarks: Benchmark[] = [
  { name: 'runner beside the write floor', issue: '#17', run: runnerBesideFloor },
];
