/**
 * `pongctl logs search`: newest last, one line per entry coloured by level on
 * a TTY, JSON for scripts (`-o json`: an array; with --follow, one object per
 * line). `--follow` polls until interrupted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../../api/contract/errors.ts';
import {
  cursorFrom,
  pollLogs,
  searchLogs,
  type Level,
  type LogRow,
  type SearchOptions,
} from '../../../ops/elasticsearch/search.ts';
import type { CliContext } from '../../context.ts';
import type { Io } from '../../io.ts';
import { withElasticsearch } from './connection.ts';

interface Flags {
  since: string;
  level?: Level;
  dataset?: string;
  limit: string;
  follow?: boolean;
  interval: string;
}

const levelStyle: Record<string, 'red' | 'yellow' | 'dim' | undefined> = {
  fatal: 'red',
  error: 'red',
  warn: 'yellow',
  debug: 'dim',
  trace: 'dim',
};

/** `2026-11-21T08:00:00.000Z ERROR pong.api message  trace.id=… user.id=…` */
export function formatLine(io: Io, row: LogRow): string {
  const level = row.level.toUpperCase().padEnd(5);
  const style = levelStyle[row.level];
  const extras = ['trace.id', 'user.id', 'http.response.status_code', 'url.path', 'event.action']
    .filter((k) => row.source[k] !== undefined)
    .map((k) => `${k}=${String(row.source[k])}`);
  const error = (row.source.error as { message?: string } | undefined)?.message;
  const text = [
    row.timestamp,
    style ? io.paint(style, level) : level,
    row.dataset,
    row.message,
    ...extras,
    ...(error ? [`error=${error}`] : []),
  ].join(' ');
  return text;
}

function positiveInt(value: string, flag: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new AppError('VALIDATION', `${flag} must be a whole number between 1 and ${max}`);
  return n;
}

function emit(ctx: CliContext, rows: readonly LogRow[], follow: boolean): void {
  if (ctx.io.format === 'table') for (const row of rows) ctx.io.out(formatLine(ctx.io, row));
  else if (follow) for (const row of rows) ctx.io.out(JSON.stringify(row.source));
}

export async function search(
  ctx: CliContext,
  query: string,
  flags: Flags,
  signal?: AbortSignal,
): Promise<void> {
  const options: SearchOptions = {
    query,
    since: flags.since,
    level: flags.level,
    dataset: flags.dataset,
    size: positiveInt(flags.limit, '--limit', 10_000),
  };
  const intervalMs = positiveInt(flags.interval, '--interval', 3600) * 1000;
  await withElasticsearch(ctx, async ({ client }) => {
    const rows = await searchLogs(client, options);
    if (!flags.follow && ctx.io.format !== 'table')
      return ctx.io.print(
        rows.map((r) => r.source),
        [],
      );
    emit(ctx, rows, Boolean(flags.follow));
    if (!flags.follow) return;
    let cursor = cursorFrom(rows, new Date().toISOString());
    const stop = signal ?? interruptSignal();
    while (!stop.aborted) {
      await sleep(intervalMs, undefined, { signal: stop }).catch(() => undefined);
      if (stop.aborted) break;
      const next = await pollLogs(client, options, cursor);
      emit(ctx, next.rows, true);
      cursor = next.cursor;
    }
  });
}

function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  return controller.signal;
}
