/**
 * The notifications area's queries: one row per user and notification, read
 * newest first by id, counted and marked read through the partial index on
 * unread rows. Broadcasts insert one batch of users per statement.
 */
import { operations, type Q } from '../../core/query.ts';

const op = operations('notifications');

type Time = Date | string;

export interface NotificationRow {
  id: number;
  user_id: string;
  type: string;
  payload: Record<string, unknown> | string;
  created_at: Time;
  read_at: Time | null;
}

export async function insertNotification(
  q: Q,
  row: { user_id: string; type: string; payload: Record<string, unknown>; created_at: Date },
): Promise<NotificationRow> {
  const [inserted] = await q<NotificationRow>('notifications')
    .insert({ ...row, payload: JSON.stringify(row.payload) })
    .returning('*');
  return inserted as NotificationRow;
}

/** Newest first; the cursor continues strictly below the last id. */
export function listNotifications(
  q: Q,
  userId: string,
  f: { unread: boolean; limit: number; before?: number },
): Promise<NotificationRow[]> {
  const query = q<NotificationRow>('notifications')
    .where({ user_id: userId })
    .orderBy('id', 'desc')
    .limit(f.limit + 1);
  if (f.unread) query.whereNull('read_at');
  if (f.before !== undefined) query.where('id', '<', f.before);
  return query;
}

export async function countUnread(q: Q, userId: string): Promise<number> {
  const [row] = await q('notifications')
    .queryContext(op('countUnread'))
    .where({ user_id: userId })
    .whereNull('read_at')
    .count({ n: '*' });
  return Number(row?.n ?? 0);
}

/** Marks the user's unread notifications read (only `ids` when given); returns how many changed. */
export async function markRead(
  q: Q,
  userId: string,
  ids: readonly number[] | null,
  now: Date,
): Promise<number> {
  const query = q('notifications')
    .queryContext(op('markRead'))
    .where({ user_id: userId })
    .whereNull('read_at');
  if (ids) query.whereIn('id', [...ids]);
  // Counted from RETURNING: both engines report it the same way.
  const rows: unknown[] = await query.update({ read_at: now }).returning('id');
  return rows.length;
}

export interface BatchRow {
  id: number;
  user_id: string;
  created_at: Time;
}

/**
 * Inserts one notification for each of the next `limit` users (by id, after
 * `afterUserId`, deleted accounts skipped) in one statement, so a broadcast
 * never holds every user in memory nor one long transaction.
 */
export async function insertBatchForUsers(
  q: Q,
  b: {
    afterUserId: string | null;
    limit: number;
    type: string;
    payload: Record<string, unknown>;
    now: Date;
  },
): Promise<BatchRow[]> {
  const result = (await q
    .raw(
      `insert into notifications (user_id, type, payload, created_at)
     select id, ?, ?::jsonb, ? from users
     where status <> 'deleted' and (?::uuid is null or id > ?::uuid)
     order by id limit ?
     returning id, user_id, created_at`,
      [b.type, JSON.stringify(b.payload), b.now, b.afterUserId, b.afterUserId, b.limit],
    )
    .queryContext(op('insertBatchForUsers'))) as { rows: BatchRow[] };
  return result.rows;
}
