/**
 * The matchmaking queue's queries: who is queueing, with their Glicko-2
 * rating (absent until their first ranked match), and which users are in a
 * live match (`match_players.live`, one per user by a unique index), which
 * every instance sees alike.
 */
import { operations } from '../../core/query.ts';
import type { Knex } from 'knex';

const op = operations('matchmaking');

export interface QueueUserRow {
  id: string;
  username: string;
  status: string;
  rating: number | null;
}

export async function queueUser(db: Knex, userId: string): Promise<QueueUserRow | undefined> {
  const row = await db('users')
    .queryContext(op('queueUser'))
    .leftJoin('ratings', 'ratings.user_id', 'users.id')
    .select('users.id', 'users.username', 'users.status', 'ratings.rating')
    .where('users.id', userId)
    .first();
  if (!row) return undefined;
  return {
    id: row.id,
    username: row.username,
    status: row.status,
    rating: row.rating === null || row.rating === undefined ? null : Number(row.rating),
  };
}

/** Those of these users who are a player of a live match (ready, countdown or playing). */
export async function liveAmong(db: Knex, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows: { user_id: string }[] = await db('match_players')
    .queryContext(op('liveAmong'))
    .select('user_id')
    .whereIn('user_id', userIds)
    .andWhere('live', true);
  return new Set(rows.map((r) => r.user_id));
}
