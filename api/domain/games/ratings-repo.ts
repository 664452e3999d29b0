/** Ratings of finished matches: locked and written in the end transaction, read back for views. */
import type { Knex } from 'knex';
import { operations, type Q } from '../../core/query.ts';
import { ratingDelta } from './rating.ts';

const op = operations('games');

export interface RatingRow {
  user_id: string;
  rating: number;
  deviation: number;
  volatility: number;
  matches: number;
  wins: number;
  losses: number;
  draws: number;
}

/** The ratings of these users, locked for the rest of the transaction (absent: never rated). */
export async function lockRatings(
  trx: Knex.Transaction,
  userIds: readonly string[],
): Promise<Map<string, RatingRow>> {
  const rows = await trx<RatingRow>('ratings')
    .queryContext(op('lockRatings'))
    .whereIn('user_id', userIds)
    .orderBy('user_id')
    .forUpdate();
  return new Map(rows.map((r) => [r.user_id, r]));
}

export async function saveRating(q: Q, row: RatingRow, now: Date): Promise<void> {
  await q('ratings')
    .queryContext(op('saveRating'))
    .insert({ ...row, updated_at: now })
    .onConflict('user_id')
    .merge();
}

export async function insertRatingHistory(
  q: Q,
  row: {
    user_id: string;
    match_id: string;
    rating: number;
    deviation: number;
    volatility: number;
    delta: number;
    created_at: Date;
  },
): Promise<void> {
  await q('rating_history').queryContext(op('insertRatingHistory')).insert(row);
}

export async function setPlayerRatings(
  q: Q,
  matchId: string,
  side: 0 | 1,
  before: number,
  after: number,
): Promise<void> {
  await q('match_players')
    .queryContext(op('setPlayerRatings'))
    .where({ match_id: matchId, side })
    .update({ rating_before: before, rating_after: after });
}

/** Each side's stored rating change (null where the match changed no rating). */
export async function storedRatingChanges(
  q: Q,
  matchId: string,
): Promise<[number | null, number | null]> {
  const rows = await q('match_players')
    .queryContext(op('storedRatingChanges'))
    .where({ match_id: matchId })
    .orderBy('side')
    .select<{ rating_before: number | null; rating_after: number | null }[]>(
      'rating_before',
      'rating_after',
    );
  const change = (side: 0 | 1) => {
    const row = rows[side];
    return row && row.rating_before !== null && row.rating_after !== null
      ? ratingDelta(row.rating_before, row.rating_after)
      : null;
  };
  return [change(0), change(1)];
}

export function ratingOf(q: Q, userId: string): Promise<RatingRow | undefined> {
  return q<RatingRow>('ratings').where({ user_id: userId }).first();
}
