/**
 * Failures of PostgreSQL and Redis as JSON log lines, at most one per kind of
 * failure per interval. An outage makes every request, every reconnect attempt
 * and every pool acquire fail the same way; the first line says so at once,
 * and the next line of that kind (an interval later) carries how many were
 * left out (`log.suppressed`). Nothing here writes to the console, so the
 * stream Logstash parses stays one JSON object per line.
 */
import type { Logger } from './logger.ts';

export type Dependency = 'postgresql' | 'redis';

export interface DependencyLog {
  /** A dependency call failed; `context` adds fields such as the Redis connection name. */
  failed(dependency: Dependency, err: unknown, context?: Record<string, unknown>): void;
  /** A warning a driver printed itself (knex), as one line without its stack trace. */
  driverWarning(dependency: Dependency, text: string): void;
}

/** Admits the first event of a key per interval and counts the rest. */
export interface RepeatGate {
  /** undefined: leave this one out; a number: write it, with that many left out since the last. */
  admit(key: string): number | undefined;
}

// Distinct failure kinds are few; the bound only guards against a message that embeds ids.
const maxKeys = 1_000;

export function repeatGate(intervalMs: number, now = () => performance.now()): RepeatGate {
  const last = new Map<string, { at: number; suppressed: number }>();
  return {
    admit(key) {
      const t = now();
      const seen = last.get(key);
      if (seen && t - seen.at < intervalMs) {
        seen.suppressed++;
        return undefined;
      }
      if (last.size >= maxKeys) last.clear();
      last.set(key, { at: t, suppressed: 0 });
      return seen?.suppressed ?? 0;
    },
  };
}

/** ECS error fields as dotted keys: no stack (a refused connection's stack says nothing). */
function errorFields(err: unknown): Record<string, string> {
  if (!(err instanceof Error)) return { 'error.type': typeof err, 'error.message': String(err) };
  const code = (err as { code?: unknown }).code;
  return {
    'error.type': err.name,
    'error.message': err.message,
    ...(typeof code === 'string' ? { 'error.code': code } : {}),
  };
}

/** The first line of a driver message: knex appends whole stack traces to its warnings. */
const firstLine = (text: string) => text.split('\n', 1)[0]!.slice(0, 500);

export function createDependencyLog(logger: Logger, intervalMs = 10_000): DependencyLog {
  const gate = repeatGate(intervalMs);
  const write = (dependency: Dependency, key: string, fields: Record<string, unknown>) => {
    const suppressed = gate.admit(`${dependency}:${key}`);
    if (suppressed === undefined) return;
    logger.warn(
      {
        'event.action': 'dependency-error',
        'service.target.type': dependency,
        ...(suppressed > 0 ? { 'log.suppressed': suppressed } : {}),
        ...fields,
      },
      `${dependency} unavailable`,
    );
  };
  return {
    failed(dependency, err, context = {}) {
      const error = errorFields(err);
      const kind = error['error.code'] ?? error['error.type'];
      write(dependency, `${kind}:${firstLine(error['error.message']!)}`, { ...context, ...error });
    },
    driverWarning(dependency, text) {
      const message = firstLine(String(text));
      // "Acquire connection error: Error: connect ECONNREFUSED 127.0.0.1:5433" → one key per cause.
      write(dependency, message, { 'error.type': 'DriverWarning', 'error.message': message });
    },
  };
}

/**
 * For the logger: a line whose `err`/`error` is a dependency outage (what
 * toAppError calls UNAVAILABLE) is written once per message and cause per
 * interval, with `log.suppressed`; the others are dropped. Every other line
 * passes untouched. Background loops (schedulers, sweeps) and failing
 * requests all log through it, so an outage costs a few lines, not one per
 * request or per tick.
 */
export function outageLineFilter(
  gate: RepeatGate,
  isOutage: (err: unknown) => string | undefined,
): (args: unknown[]) => unknown[] | undefined {
  return (args) => {
    const fields = args[0];
    if (fields === null || typeof fields !== 'object') return args;
    const { err, error } = fields as { err?: unknown; error?: unknown };
    if (err === undefined && error === undefined) return args;
    const cause = isOutage(err ?? error);
    if (cause === undefined) return args;
    const suppressed = gate.admit(`${String(args[1])}|${cause}`);
    if (suppressed === undefined) return undefined;
    return suppressed > 0 ? [{ ...fields, 'log.suppressed': suppressed }, ...args.slice(1)] : args;
  };
}
