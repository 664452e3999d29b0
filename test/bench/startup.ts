/**
 * Command start-up timer: spawns a command N times (after warm-up runs) and
 * reports wall-clock milliseconds from spawn to exit. Two commands are timed
 * alternately so drift hits both alike.
 */
import { spawnSync } from 'node:child_process';
import { median, percentile } from './stats.ts';

export interface Command {
  name: string;
  command: string;
  args: readonly string[];
  env?: Record<string, string>;
  cwd?: string;
}

export interface StartupStats {
  samplesMs: number[];
  medianMs: number;
  p90Ms: number;
}

/** One run: wall time in ms. Throws when the command fails, so a broken command never looks fast. */
export function timeOnce(cmd: Command): number {
  const started = performance.now();
  const result = spawnSync(cmd.command, cmd.args, {
    cwd: cmd.cwd,
    env: { ...process.env, ...cmd.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  const elapsed = performance.now() - started;
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${cmd.name} exited ${result.status ?? result.signal}: ${result.stderr.toString('utf8').slice(0, 500)}`,
    );
  }
  return elapsed;
}

export function statsOf(samplesMs: number[]): StartupStats {
  return { samplesMs, medianMs: median(samplesMs), p90Ms: percentile(samplesMs, 90) };
}

export interface CompareOptions {
  runs: number;
  warmup: number;
}

/** Times `a` and `b` alternately (`runs` each, capped at 200) after `warmup` untimed runs of each. */
export function compareStartup(
  a: Command,
  b: Command,
  options: CompareOptions,
): { a: StartupStats; b: StartupStats } {
  const runs = Math.min(options.runs, 200);
  for (let i = 0; i < Math.min(options.warmup, 20); i++) {
    timeOnce(a);
    timeOnce(b);
  }
  const samplesA: number[] = [];
  const samplesB: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      samplesA.push(timeOnce(a));
      samplesB.push(timeOnce(b));
    } else {
      samplesB.push(timeOnce(b));
      samplesA.push(timeOnce(a));
    }
  }
  return { a: statsOf(samplesA), b: statsOf(samplesB) };
}
