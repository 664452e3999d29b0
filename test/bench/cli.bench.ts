/**
 * CLI start-up: `bin/pongctl --help` vs `node -e 0`, alternately,
 * median of many spawns after warm-up runs (which also warm the compile cache).
 */
import path from 'node:path';
import type { Benchmark, BenchContext, BenchResult } from './harness.ts';
import { compareStartup, type Command } from './startup.ts';

async function help(ctx: BenchContext): Promise<BenchResult[]> {
  const cli: Command = {
    name: 'pongctl --help',
    command: process.execPath,
    args: [path.join(ctx.root, 'bin', 'pongctl'), '--help'],
    cwd: ctx.root,
  };
  const bare: Command = {
    name: 'node -e 0',
    command: process.execPath,
    args: ['-e', '0'],
    cwd: ctx.root,
  };
  const runs = ctx.pick(40, 20);
  const { a, b } = compareStartup(cli, bare, { runs, warmup: ctx.pick(5, 3) });
  ctx.log(
    `pongctl --help median ${a.medianMs.toFixed(1)} ms p90 ${a.p90Ms.toFixed(1)} · node -e 0 median ${b.medianMs.toFixed(1)} ms p90 ${b.p90Ms.toFixed(1)}`,
  );
  return [
    {
      name: 'pongctl --help start-up vs node -e 0',
      value: a.medianMs,
      unit: 'ms',
      reference: { name: 'node -e 0', value: b.medianMs },
      target: { op: '<=', value: 1.6, of: 'ratio' },
      notes: `median of ${runs} alternating spawns each after warm-up; p90 ${a.p90Ms.toFixed(1)} ms vs ${b.p90Ms.toFixed(1)} ms`,
    },
  ];
}

export const benchmarks: Benchmark[] = [{ name: 'cli-startup', issue: '#2', run: help }];
