/** The matchmaking queue's queries: who is queueing, with their Glicko-2 rating (absent until their first ranked match). */
import type { Knex } from 'knex';

export interface QueueUserRow {
  id: string;
  username: string;
  status: string;
  rating: number | null;
}

export async function queueUser(db: Knex, userId: string): Promise<QueueUserRow | undefined> {
  const row = await db('users')
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
