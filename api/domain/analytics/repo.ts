/** Queries of the analytics events table (indexed by time, and by name and time). */
import { operations, type Q } from '../../core/query.ts';

const op = operations('analytics');

export async function insertEvents(
  q: Q,
  rows: {
    user_id: string;
    name: string;
    properties: string;
    occurred_at: Date;
    received_at: Date;
  }[],
): Promise<void> {
  await q('events').queryContext(op('insertEvents')).insert(rows);
}

export async function markActive(q: Q, userId: string, at: Date): Promise<void> {
  await q
    .raw('select stats_mark_active(?::uuid, ?::timestamptz)', [userId, at])
    .queryContext(op('markActive'));
}

export function countsPerDay(
  q: Q,
  range: { from: Date; to: Date },
  event?: string,
): Promise<{ day: string; event: string; count: number }[]> {
  const query = q('events')
    .queryContext(op('countsPerDay'))
    .where('occurred_at', '>=', range.from)
    .where('occurred_at', '<', range.to)
    .select(
      q.raw(`to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD') as day`),
      'name as event',
      q.raw('count(*)::int as count'),
    )
    .groupByRaw('1, 2')
    .orderByRaw('1, 2');
  if (event) query.where('name', event);
  return query;
}
