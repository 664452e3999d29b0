/**
 * `npm run bench [-- --only <substring>] [--quick] [--profile] [--perf] [--markdown]`:
 * discovers test/bench/*.bench.ts, runs every benchmark one after the other,
 * prints one table and writes it to test/bench/results/latest.json.
 * A benchmark that throws is reported as an error row; the rest still run.
 * Exit code: 0 when every target is met, 1 when one is missed or a benchmark failed.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { errorRow, rowOf, type BenchContext, type Benchmark, type ResultRow } from './harness.ts';
import { buildReport, markdownTable, textTable } from './report.ts';

const benchDir = import.meta.dirname;
const root = path.resolve(benchDir, '..', '..');
/** No benchmark may run longer than this; a hung one is reported and the run goes on. */
const benchmarkTimeoutMs = 15 * 60_000;

interface Options {
  only: string[];
  quick: boolean;
  profile: boolean;
  perf: boolean;
  markdown: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string', multiple: true, default: [] },
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      perf: { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
    },
    strict: true,
  });
  return {
    only: values.only,
    quick: values.quick,
    profile: values.profile,
    perf: values.perf,
    markdown: values.markdown,
  };
}

interface Loaded {
  file: string;
  benchmarks: Benchmark[];
  error?: unknown;
}

async function discover(): Promise<Loaded[]> {
  const files = readdirSync(benchDir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const loaded: Loaded[] = [];
  for (const file of files) {
    try {
      const mod = (await import(pathToFileURL(path.join(benchDir, file)).href)) as {
        benchmarks?: unknown;
      };
      if (!Array.isArray(mod.benchmarks))
        throw new Error(`${file} does not export "benchmarks: Benchmark[]"`);
      loaded.push({ file, benchmarks: mod.benchmarks as Benchmark[] });
    } catch (error) {
      loaded.push({ file, benchmarks: [], error });
    }
  }
  return loaded;
}

function selected(only: string[], file: string, name: string): boolean {
  return only.length === 0 || only.some((s) => file.includes(s) || name.includes(s));
}

function contextFor(
  benchmark: Benchmark,
  options: Options,
  profileDir: string | undefined,
  perfDir: string | undefined,
): BenchContext {
  return {
    quick: options.quick,
    root,
    databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
    cpuProfDir: profileDir,
    perfDir,
    log: (message) => process.stderr.write(`[${benchmark.name}] ${message}\n`),
    pick: (full, quick) => (options.quick ? quick : full),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function runOne(benchmark: Benchmark, ctx: BenchContext): Promise<ResultRow[]> {
  const started = performance.now();
  const seconds = (): number => Math.round((performance.now() - started) / 100) / 10;
  ctx.log('running');
  try {
    const results = await withTimeout(
      benchmark.run(ctx),
      benchmark.timeoutMs ?? benchmarkTimeoutMs,
    );
    if (!Array.isArray(results) || results.length === 0) throw new Error('returned no results');
    const durationSec = seconds();
    return results.map((r) => rowOf(benchmark, r, durationSec));
  } catch (err) {
    ctx.log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return [errorRow(benchmark, err, seconds())];
  }
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const profileDir = options.profile ? path.join(benchDir, 'results', 'profiles') : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const perfDir = options.perf ? path.join(benchDir, 'results', 'perf') : undefined;
  if (perfDir) mkdirSync(perfDir, { recursive: true });
  const rows: ResultRow[] = [];
  for (const { file, benchmarks, error } of await discover()) {
    if (error !== undefined) {
      if (selected(options.only, file, file))
        rows.push(errorRow({ name: file, run: async () => [] }, error, 0));
      continue;
    }
    for (const benchmark of benchmarks.filter((b) => selected(options.only, file, b.name))) {
      rows.push(...(await runOne(benchmark, contextFor(benchmark, options, profileDir, perfDir))));
    }
  }
  if (rows.length === 0) {
    process.stderr.write(`no benchmark matches ${options.only.join(', ')}\n`);
    return 2;
  }
  const report = buildReport(rows, options.quick);
  mkdirSync(path.join(benchDir, 'results'), { recursive: true });
  writeFileSync(
    path.join(benchDir, 'results', 'latest.json'),
    `${JSON.stringify(report, null, 2)}\n`,
  );
  process.stdout.write(`\n${textTable(rows)}\n\n`);
  if (options.markdown) process.stdout.write(`${markdownTable(rows)}\n\n`);
  process.stdout.write(
    `${report.date} · node ${report.node} · ${report.machine.cpus} × ${report.machine.model}${options.quick ? ' · --quick' : ''}\n`,
  );
  if (profileDir) process.stdout.write(`CPU profiles of server children: ${profileDir}\n`);
  if (perfDir) process.stdout.write(`perf recordings (node test/bench/perf-top.ts): ${perfDir}\n`);
  return rows.every((r) => r.verdict === 'pass' || r.verdict === 'n/a') ? 0 : 1;
}

process.exitCode = await main();
// Server children and sockets are closed by the benchmarks; exit even if a failed one left a handle.
process.exit();
