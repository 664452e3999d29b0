/**
 * The HTTP load generator: autocannon with fixed settings, run from the bench
 * runner's process (the server under test is always a child process, so the two
 * never share an event loop). Loopback only, bounded by duration.
 */
import { createRequire } from 'node:module';

export interface LoadOptions {
  /** Full URL on 127.0.0.1 (path included). */
  url: string;
  connections: number;
  durationSec: number;
  pipelining?: number;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  /** Accept non-2xx answers (e.g. a rate-limit benchmark). Default: any non-2xx fails the run. */
  allowNon2xx?: boolean;
}

export interface LoadResult {
  requestsPerSec: number;
  total: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errors: number;
  non2xx: number;
}

interface AutocannonResult {
  start: Date;
  finish: Date;
  errors: number;
  timeouts: number;
  non2xx: number;
  requests: { total: number };
  latency: { p50: number; p99: number };
}

type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

/** Default connection count: enough to keep one Node process busy without queueing for long. */
export const defaultConnections = 32;

function loadAutocannon(): Autocannon {
  // autocannon is CommonJS without type declarations; this is its documented promise API.
  return createRequire(import.meta.url)('autocannon') as Autocannon;
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') {
    throw new Error(`benchmarks only load loopback servers, not ${host}`);
  }
}

/** Runs one fixed-duration load and returns throughput and latency. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  assertLoopback(options.url);
  if (!(options.durationSec > 0 && options.durationSec <= 120))
    throw new Error('durationSec must be in (0, 120]');
  const autocannon = loadAutocannon();
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSec,
    pipelining: options.pipelining ?? 1,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    body: options.body,
    timeout: 10,
  });
  const elapsedSec = (result.finish.getTime() - result.start.getTime()) / 1000;
  const failed = result.errors + result.timeouts;
  if (failed > 0)
    throw new Error(`load on ${options.url}: ${result.errors} errors, ${result.timeouts} timeouts`);
  if (!options.allowNon2xx && result.non2xx > 0)
    throw new Error(`load on ${options.url}: ${result.non2xx} non-2xx answers`);
  return {
    requestsPerSec: result.requests.total / elapsedSec,
    total: result.requests.total,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: failed,
    non2xx: result.non2xx,
  };
}
