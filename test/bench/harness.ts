/**
 * The benchmark contract. Every `test/bench/*.bench.ts` exports
 * `export const benchmarks: Benchmark[]`; `run.ts` discovers them, runs them one
 * at a time (the machine has 2 cores: never in parallel) and prints one table.
 *
 * A benchmark measures its subject AND its reference in the same run (alternating
 * A B A B so drift hits both), and returns one BenchResult per figure.
 *
 * Helpers: ./server-child.ts (API or any server in a child process on
 * 127.0.0.1:0), ./load.ts (autocannon with fixed settings), ./startup.ts
 * (command start-up timer), ./stats.ts (median, percentiles, alternation).
 */

/** What the runner hands to every benchmark. */
export interface BenchContext {
  /** `--quick`: shorter durations and fewer runs; figures are indicative only. */
  quick: boolean;
  /** Repository root (absolute). */
  root: string;
  /**
   * PostgreSQL URL for benchmarks that want it (env BENCH_DATABASE_URL), or
   * undefined: then use the embedded database.
   */
  databaseUrl: string | undefined;
  /** `--profile`: benchmarks that start server children pass `cpuProfDir` to them. */
  cpuProfDir: string | undefined;
  /** `--perf`: benchmarks that measure a window in a child have Linux perf record it into this folder. */
  perfDir: string | undefined;
  /** Progress line on stderr, prefixed with the benchmark's name. */
  log(message: string): void;
  /** `full` normally, `quick` under --quick. */
  pick<T>(full: T, quick: T): T;
}

export interface BenchTarget {
  op: '>=' | '<=';
  value: number;
  /** Compare the ratio (value / reference.value) or the value itself. */
  of: 'ratio' | 'value';
}

export interface BenchResult {
  name: string;
  value: number;
  /** req/s, ms, µs, msg/s, ... */
  unit: string;
  /** The figure measured side by side in the same run (same unit as value). */
  reference?: { name: string; value: number };
  /** Defaults to value / reference.value when a reference is given. */
  ratio?: number;
  target?: BenchTarget;
  notes?: string;
}

export interface Benchmark {
  name: string;
  /** The issue that set the target, e.g. "#2". */
  issue?: string;
  /** How long it may run before it is reported as an error (default 15 minutes). */
  timeoutMs?: number;
  run(ctx: BenchContext): Promise<BenchResult[]>;
}

export type Verdict = 'pass' | 'fail' | 'n/a' | 'error';

/** One line of the printed table and of results/latest.json. */
export interface ResultRow {
  benchmark: string;
  issue?: string;
  name: string;
  value: number | null;
  unit: string;
  reference: { name: string; value: number } | null;
  ratio: number | null;
  target: BenchTarget | null;
  verdict: Verdict;
  notes?: string;
  error?: string;
  durationSec: number;
}

/** The ratio of a result: explicit, else value / reference.value, else null. */
export function ratioOf(result: BenchResult): number | null {
  if (result.ratio !== undefined) return result.ratio;
  if (result.reference && result.reference.value !== 0)
    return result.value / result.reference.value;
  return null;
}

/** pass/fail against the target; n/a when there is none; fail when the figure is missing or not finite. */
export function verdictOf(result: BenchResult): Verdict {
  const target = result.target;
  if (!target) return 'n/a';
  const actual = target.of === 'ratio' ? ratioOf(result) : result.value;
  if (actual === null || !Number.isFinite(actual)) return 'fail';
  return (target.op === '>=' ? actual >= target.value : actual <= target.value) ? 'pass' : 'fail';
}

export function rowOf(benchmark: Benchmark, result: BenchResult, durationSec: number): ResultRow {
  return {
    benchmark: benchmark.name,
    ...(benchmark.issue === undefined ? {} : { issue: benchmark.issue }),
    name: result.name,
    value: Number.isFinite(result.value) ? result.value : null,
    unit: result.unit,
    reference: result.reference ?? null,
    ratio: ratioOf(result),
    target: result.target ?? null,
    verdict: verdictOf(result),
    ...(result.notes === undefined ? {} : { notes: result.notes }),
    durationSec,
  };
}

/** The row a benchmark that threw is reported as. */
export function errorRow(benchmark: Benchmark, err: unknown, durationSec: number): ResultRow {
  const message = err instanceof Error ? err.message : String(err);
  return {
    benchmark: benchmark.name,
    ...(benchmark.issue === undefined ? {} : { issue: benchmark.issue }),
    name: benchmark.name,
    value: null,
    unit: '',
    reference: null,
    ratio: null,
    target: null,
    verdict: 'error',
    error: message,
    durationSec,
  };
}
