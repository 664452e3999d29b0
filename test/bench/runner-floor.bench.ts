/**
 * The runner against the write floor, side by side in one process: plain-write
 * windows and runner windows take turns on the same loopback sockets, read by
 * the same plain readers (children/runner-ab.ts for players,
 * children/spectators-ab.ts for a crowd of spectators). On a machine whose
 * speed drifts from one minute to the next, this is the comparison the
 * end-to-end benchmarks (game.bench.ts: separate processes, minutes apart)
 * cannot make steadily. The figures are the medians of the windows.
 */
import path from 'node:path';
import type { Benchmark, BenchContext, BenchResult } from './harness.ts';
import { startChild, type ChildServer } from './server-child.ts';
import type { Window } from './children/side-by-side.ts';

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
/** Each runner window against the plain window just before it: the machine drifts less within a pair. */
const paired = (runner: Window[], plain: Window[], of: (w: Window) => number) => {
  const ratios = runner.map((w, i) => of(w) / of(plain[i]!));
  return `paired ratios ${ratios.map((r) => r.toFixed(2)).join(', ')} (median ${median(ratios).toFixed(2)})`;
};
const line = (w: Window) =>
  `${w.kind} tick p50 ${w.durP50.toFixed(2)} / p99 ${w.durP99.toFixed(2)} ms, lateness p99 ${w.lateP99.toFixed(2)} ms${w.jitterP99 === undefined ? '' : `, jitter p99 ${w.jitterP99.toFixed(2)} ms`}, ${w.usPerFrame.toFixed(2)} µs/frame, ${w.gcPauses} GC pauses (${w.gcMs.toFixed(0)} ms)`;

/** Runs `measure` on `script` with `sockets` plain readers connected; returns the windows by kind. */
async function sideBySide(
  ctx: BenchContext,
  script: string,
  sockets: number,
  measure: object,
): Promise<Record<Window['kind'], Window[]>> {
  const server = await child(script);
  const readers: ChildServer = await child('game-load.ts');
  try {
    await readers.request(
      { type: 'readers', url: server.url, count: sockets, frameBytes: 400 },
      'readers',
    );
    const { windows } = await server.request<{ windows: Window[] }>(
      { type: 'measure', ...measure },
      'measure',
      600_000,
    );
    for (const w of windows) ctx.log(line(w));
    return {
      runner: windows.filter((w) => w.kind === 'runner'),
      plain: windows.filter((w) => w.kind === 'plain'),
    };
  } finally {
    await readers.request({ type: 'close' }, 'close', 10_000).catch(() => undefined);
    await Promise.all([readers.stop(), server.stop()]);
  }
}

async function playersBesideFloor(ctx: BenchContext): Promise<BenchResult[]> {
  const matches = 500;
  const windows = ctx.pick(5, 3);
  const { runner, plain } = await sideBySide(ctx, 'runner-ab.ts', 2 * matches, {
    matches,
    windows,
    ms: ctx.pick(4_000, 3_000),
    ...(ctx.perfDir ? { perfDir: ctx.perfDir } : {}),
  });
  const windowsNote = `${windows} windows each, alternating on the same ${2 * matches} sockets`;
  return [
    {
      name: `runner tick p99 beside plain writes, ${matches} matches, one process, same sockets`,
      value: round2(median(runner.map((w) => w.durP99))),
      unit: 'ms',
      reference: {
        name: 'plain writes, same sockets, alternating windows',
        value: round2(median(plain.map((w) => w.durP99))),
      },
      target: { op: '<=', value: 1.15, of: 'ratio' },
      notes: `medians; ${paired(runner, plain, (w) => w.durP99)}; runner windows ${range(runner.map((w) => w.durP99))} ms (p50 ${range(runner.map((w) => w.durP50))}), plain ${range(plain.map((w) => w.durP99))} ms (p50 ${range(plain.map((w) => w.durP50))}); ${windowsNote}`,
    },
    {
      name: `CPU per player frame beside plain writes, ${matches} matches, one process, same sockets`,
      value: round2(median(runner.map((w) => w.usPerFrame))),
      unit: 'µs',
      reference: {
        name: 'plain writes, per write',
        value: round2(median(plain.map((w) => w.usPerFrame))),
      },
      notes: `medians; ${paired(runner, plain, (w) => w.usPerFrame)}; runner ${range(runner.map((w) => w.usPerFrame))} µs, plain ${range(plain.map((w) => w.usPerFrame))} µs; the runner's windows include stepping, encoding, framing, backpressure checks and the players' inputs; ${windowsNote}`,
    },
  ];
}

async function spectatorsBesideFloor(ctx: BenchContext): Promise<BenchResult[]> {
  const spectators = ctx.pick(2_000, 1_000);
  const windows = ctx.pick(5, 3);
  const { runner, plain } = await sideBySide(ctx, 'spectators-ab.ts', spectators + 2, {
    spectators,
    windows,
    ms: ctx.pick(5_000, 3_000),
  });
  return [
    {
      name: `spectator frame jitter p99 at the write, ${spectators} spectators at 30 Hz, one process, same sockets`,
      value: round2(median(runner.map((w) => w.jitterP99 ?? 0))),
      unit: 'ms',
      reference: {
        name: 'plain writes in the same two turns, alternating windows',
        value: round2(median(plain.map((w) => w.jitterP99 ?? 0))),
      },
      target: { op: '<=', value: 1.2, of: 'ratio' },
      notes: `medians; ${paired(runner, plain, (w) => w.jitterP99 ?? 0)}; runner windows ${range(runner.map((w) => w.jitterP99 ?? 0))} ms (tick p99 ${range(runner.map((w) => w.durP99))}), plain ${range(plain.map((w) => w.jitterP99 ?? 0))} ms (tick p99 ${range(plain.map((w) => w.durP99))}); ${windows} windows each`,
    },
  ];
}

export const benchmarks: Benchmark[] = [
  { name: 'runner beside the write floor', issue: '#17', run: playersBesideFloor },
  { name: 'spectators beside the write floor', issue: '#17', run: spectatorsBesideFloor },
];
