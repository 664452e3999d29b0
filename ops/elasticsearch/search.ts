/**
 * `logs search`: builds the query (free text, time window, minimum level,
 * dataset) for the pong data streams and turns hits into rows, newest last.
 * `--follow` polls from the newest timestamp seen, skipping ids already printed.
 */
import type { Client } from '@elastic/elasticsearch';
import { AppError } from '../../api/contract/errors.ts';
import { pongLogsPattern } from '../../api/contract/logs.ts';
import { esCall } from './connect.ts';

export const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof levels)[number];

export interface SearchOptions {
  query: string;
  /** Elasticsearch date math offset like 15m, 1h, 7d. */
  since: string;
  level?: Level;
  dataset?: string;
  size: number;
}

export interface LogRow {
  id: string;
  index: string;
  timestamp: string;
  level: string;
  dataset: string;
  message: string;
  source: Record<string, unknown>;
}

export function parseSince(since: string): string {
  if (!/^\d+(s|m|h|d|w)$/.test(since))
    throw new AppError('VALIDATION', `--since must look like 15m, 1h or 7d, not "${since}"`);
  return since;
}

/** The request body; `after` (an ISO timestamp) switches to oldest-first polling for --follow. */
export function searchBody(options: SearchOptions, after?: string): Record<string, unknown> {
  const filter: unknown[] = [
    {
      range: { '@timestamp': after ? { gte: after } : { gte: `now-${parseSince(options.since)}` } },
    },
  ];
  if (options.level)
    filter.push({ terms: { 'log.level': levels.slice(levels.indexOf(options.level)) } });
  if (options.dataset) filter.push({ term: { 'event.dataset': options.dataset } });
  const text = options.query.trim();
  const must =
    text && text !== '*'
      ? [{ query_string: { query: text, default_field: 'message', lenient: true } }]
      : [];
  return {
    size: options.size,
    sort: [{ '@timestamp': after ? 'asc' : 'desc' }],
    track_total_hits: false,
    query: { bool: { filter, must } },
  };
}

interface Hit {
  _id?: string;
  _index: string;
  _source?: Record<string, unknown>;
}

export function toRow(hit: Hit): LogRow {
  const s = hit._source ?? {};
  const pick = (key: string) =>
    String(
      s[key] ??
        (s as Record<string, Record<string, unknown>>)[key.split('.')[0]!]?.[key.split('.')[1]!] ??
        '',
    );
  return {
    id: hit._id ?? '',
    index: hit._index,
    timestamp: pick('@timestamp'),
    level: pick('log.level'),
    dataset: pick('event.dataset'),
    message: pick('message'),
    source: s,
  };
}

async function query(client: Client, body: Record<string, unknown>): Promise<LogRow[]> {
  const res = await esCall('searching logs', () =>
    client.search({ index: pongLogsPattern, ignore_unavailable: true, ...(body as object) }),
  );
  return (res.hits.hits as Hit[]).map(toRow);
}

/** The newest `size` lines in the window, returned oldest first (newest last, like tail). */
export async function searchLogs(client: Client, options: SearchOptions): Promise<LogRow[]> {
  return (await query(client, searchBody(options))).reverse();
}

export interface FollowCursor {
  after: string;
  seen: Set<string>;
}

export function cursorFrom(rows: readonly LogRow[], fallback: string): FollowCursor {
  const last = rows.at(-1)?.timestamp ?? fallback;
  return { after: last, seen: new Set(rows.filter((r) => r.timestamp === last).map((r) => r.id)) };
}

/** One poll of --follow: lines at or after the cursor not printed yet, oldest first, and the next cursor. */
export async function pollLogs(
  client: Client,
  options: SearchOptions,
  cursor: FollowCursor,
): Promise<{ rows: LogRow[]; cursor: FollowCursor }> {
  // Lines already printed at the cursor's timestamp come back too: ask for that many more so they never crowd out new ones.
  const body = searchBody({ ...options, size: options.size + cursor.seen.size }, cursor.after);
  const rows = (await query(client, body)).filter(
    (r) => !(r.timestamp === cursor.after && cursor.seen.has(r.id)),
  );
  if (rows.length === 0) return { rows, cursor };
  const next = cursorFrom(rows, cursor.after);
  if (next.after === cursor.after) for (const id of cursor.seen) next.seen.add(id);
  return { rows, cursor: next };
}
