/**
 * The plain-TCP floors of the game benchmarks (game.bench.ts), and what they
 * share with them: starting a game child, merging the readers' jitter.
 */
import path from 'node:path';
import type { BenchContext } from './harness.ts';
import { startChild, type ChildServer } from './server-child.ts';
import { JITTER_BUCKET_MS } from './children/protocol.ts';

/** `profiled`: a CPU profile of the whole child under --profile. */
export function startGameChild(
  script: string,
  env: Record<string, string> = {},
  profiled?: BenchContext,
): Promise<ChildServer> {
  return startChild({
    script: path.join(import.meta.dirname, 'children', script),
    env,
    stdout: 'ignore',
    readyTimeoutMs: 120_000,
    ...(profiled?.cpuProfDir ? { cpuProfDir: profiled.cpuProfDir } : {}),
  });
}

/** About the size of a player's game.state frame. */
export const FRAME_BYTES = 400;

export interface Floor {
  durP50: number;
  durP99: number;
  /** The plain writer's own p99 lateness: what the machine's scheduling allows any 60 Hz loop. */
  lateP99: number;
  cpuShare: number;
  /** |interval − expected| of frames at the readers, merged; only when measured. */
  jitter: number[] | undefined;
}

/**
 * The reference: plain TCP sockets written like the runner writes (one loop,
 * one frame per socket per 60 Hz tick, or per turn with `groups`), read by
 * plain readers in other processes. Its tick duration is what the kernel
 * alone charges for the sends; with `jitterExpectedMs` the readers also time
 * each frame, giving the jitter of plain writes to the same sockets.
 */
export async function rawWriteFloor(
  ctx: BenchContext,
  sockets: number,
  options: {
    groups?: number;
    readerProcesses?: number;
    jitterExpectedMs?: number;
    /** Each reader also sends a small message this often, like a player's key changes. */
    inputEveryMs?: number;
    /** Names the writer's perf recording under --perf. */
    perfName?: string;
  } = {},
): Promise<Floor> {
  // Under --profile the writer is profiled whole: it does little besides its measuring window.
  const writer = await startGameChild('raw-writer.ts', {}, ctx);
  const readers = await Promise.all(
    Array.from({ length: options.readerProcesses ?? 1 }, () => startGameChild('game-load.ts')),
  );
  try {
    for (const r of readers)
      await r.request(
        {
          type: 'readers',
          url: writer.url,
          count: sockets / readers.length,
          frameBytes: FRAME_BYTES,
          ...(options.inputEveryMs ? { inputEveryMs: options.inputEveryMs } : {}),
        },
        'readers',
      );
    await Promise.all(readers.map((r) => r.request({ type: 'reset' }, 'reset')));
    const floor = await writer.request<Omit<Floor, 'jitter'>>(
      {
        type: 'measure',
        sockets,
        frameBytes: FRAME_BYTES,
        ms: ctx.pick(5_000, 3_000),
        groups: options.groups ?? 1,
        ...(ctx.perfDir && options.perfName
          ? { perfFile: path.join(ctx.perfDir, `${options.perfName}.perf.data`) }
          : {}),
      },
      'measure',
    );
    const expectedMs = options.jitterExpectedMs;
    const jitter =
      expectedMs === undefined
        ? undefined
        : mergeHistograms(
            await Promise.all(
              readers.map((r) => r.request<JitterStats>({ type: 'stats', expectedMs }, 'stats')),
            ),
          );
    ctx.log(
      `plain TCP floor, ${sockets} sockets${options.groups ? ` in ${options.groups} turns` : ''}${options.inputEveryMs ? `, each sending every ${options.inputEveryMs} ms` : ''}: write burst p50 ${floor.durP50.toFixed(2)} / p99 ${floor.durP99.toFixed(2)} ms per tick, lateness p99 ${floor.lateP99.toFixed(2)} ms, CPU ${(floor.cpuShare * 100).toFixed(0)}%${jitter ? `, frame jitter p50 ${histogramPercentile(jitter, 50).toFixed(2)} / p99 ${histogramPercentile(jitter, 99).toFixed(2)} ms` : ''}`,
    );
    return { ...floor, jitter };
  } finally {
    await Promise.all(
      readers.map((r) => r.request({ type: 'close' }, 'close', 10_000).catch(() => undefined)),
    );
    await Promise.all([...readers, writer].map((c) => c.stop()));
  }
}

export interface JitterStats {
  frames: number;
  histogram: number[];
}

/** Several load processes' jitter histograms as one. */
export function mergeHistograms(parts: JitterStats[]): number[] {
  return parts[0]!.histogram.map((_, i) =>
    parts.reduce((sum, part) => sum + part.histogram[i]!, 0),
  );
}

/** Percentile of merged jitter histograms (bucket upper bounds, in ms). */
export function histogramPercentile(histogram: number[], p: number): number {
  const total = histogram.reduce((a, b) => a + b, 0);
  let seen = 0;
  for (const [i, n] of histogram.entries()) {
    seen += n;
    if (seen >= (p / 100) * total) return (i + 1) * JITTER_BUCKET_MS;
  }
  return 0;
}
