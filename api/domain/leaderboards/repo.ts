/**
 * Leaderboard queries. Ranks never count the board: the rating rank sums the
 * per-point bucket counts above (rating_buckets, a few hundred rows) and
 * counts only the players of the same rating point through the partial
 * ratings_board index; wins ranks read leaderboard_wins_counts. Both tables are
 * kept by triggers (migration 20261121000600_stats).
 */
import { operations, type Q } from '../../core/query.ts';
import type { Knex } from 'knex';
import { RATING_BOARD_MIN_MATCHES } from '../../contract/leaderboards.ts';

const op = operations('leaderboards');

const MIN = RATING_BOARD_MIN_MATCHES;

export interface RatingRow {
  user_id: string;
  username: string;
  rating: number;
  matches: number;
  wins: number;
  losses: number;
}

export interface WinsRow {
  user_id: string;
  username: string;
  wins: number;
}

export interface PeriodKey {
  period: string;
  start: string;
}

const ratingColumns = ['r.user_id', 'u.username', 'r.rating', 'r.matches', 'r.wins', 'r.losses'];

const positionSql = (rating: string, userId: string) => `1
  + coalesce((select sum(players) from rating_buckets where bucket > floor(${rating})), 0)
  + (select count(*) from ratings x where x.matches >= ${MIN} and x.rating > ${rating} and x.rating < floor(${rating}) + 1)
  + (select count(*) from ratings x where x.matches >= ${MIN} and x.rating = ${rating} and x.user_id < ${userId})`;

/** 1-based position on the rating board of a player with this rating (ties ordered by account id). */
export async function ratingPosition(q: Q, rating: number, userId: string): Promise<number> {
  const { rows } = (await q
    .raw(`select ${positionSql('?::real', '?::uuid')} as position`, [
      rating,
      rating,
      rating,
      rating,
      userId,
    ])
    .queryContext(op('ratingPosition'))) as { rows: { position: string | number }[] };
  return Number(rows[0]!.position);
}

export interface RatingWithPosition {
  rating: number;
  deviation: number;
  matches: number;
  position: number | null;
}

/** A player's rating and board position in one round trip (position null under the match threshold). */
export async function ratingWithPosition(
  q: Q,
  userId: string,
): Promise<RatingWithPosition | undefined> {
  const { rows } = (await q
    .raw(
      `select r.rating, r.deviation, r.matches, case when r.matches >= ${MIN} then ${positionSql('r.rating', 'r.user_id')} end as position from ratings r where r.user_id = ?`,
      [userId],
    )
    .queryContext(op('ratingWithPosition'))) as {
    rows: {
      rating: number;
      deviation: number;
      matches: number;
      position: string | number | null;
    }[];
  };
  const row = rows[0];
  return row && { ...row, position: row.position === null ? null : Number(row.position) };
}

export async function ratingPlayers(q: Q): Promise<number> {
  const row = await q('rating_buckets')
    .queryContext(op('ratingPlayers'))
    .sum({ n: 'players' })
    .first<{ n: string | number | null }>();
  return Number(row?.n ?? 0);
}

export function ratingOf(q: Q, userId: string): Promise<RatingRow | undefined> {
  return q('ratings as r')
    .queryContext(op('ratingOf'))
    .join('users as u', 'u.id', 'r.user_id')
    .where('r.user_id', userId)
    .first<RatingRow | undefined>(ratingColumns);
}

/** A page of the rating board after (rating, user id), or from the top. */
export function ratingPage(
  q: Q,
  limit: number,
  after?: { rating: number; userId: string },
): Promise<RatingRow[]> {
  const query = q('ratings as r')
    .queryContext(op('ratingPage'))
    .join('users as u', 'u.id', 'r.user_id')
    .where('r.matches', '>=', MIN)
    .select<RatingRow[]>(ratingColumns)
    .orderBy([
      { column: 'r.rating', order: 'desc' },
      { column: 'r.user_id', order: 'asc' },
    ])
    .limit(limit);
  // A range on rating first, so the index scan starts at the cursor instead of filtering from the top.
  if (after)
    query
      .where('r.rating', '<=', after.rating)
      .whereRaw('(r.rating < ? or r.user_id > ?)', [after.rating, after.userId]);
  return query;
}

/** Up to `limit` players directly above (nearest first) or below a board position. */
export function ratingNeighbours(
  q: Q,
  at: { rating: number; userId: string },
  side: 'above' | 'below',
  limit: number,
): Promise<RatingRow[]> {
  const query = q('ratings as r')
    .queryContext(op('ratingNeighbours'))
    .join('users as u', 'u.id', 'r.user_id')
    .where('r.matches', '>=', MIN)
    .select<RatingRow[]>(ratingColumns)
    .limit(limit);
  if (side === 'above') {
    query
      .where('r.rating', '>=', at.rating)
      .whereRaw('(r.rating > ? or r.user_id < ?)', [at.rating, at.userId])
      .orderBy([
        { column: 'r.rating', order: 'asc' },
        { column: 'r.user_id', order: 'desc' },
      ]);
  } else {
    query
      .where('r.rating', '<=', at.rating)
      .whereRaw('(r.rating < ? or r.user_id > ?)', [at.rating, at.userId])
      .orderBy([
        { column: 'r.rating', order: 'desc' },
        { column: 'r.user_id', order: 'asc' },
      ]);
  }
  return query;
}

const winsColumns = ['w.user_id', 'u.username', 'w.wins'];

function winsBase(q: Q, key: PeriodKey): Knex.QueryBuilder {
  return q('leaderboard_wins as w')
    .queryContext(op('winsBase'))
    .join('users as u', 'u.id', 'w.user_id')
    .where({ 'w.period': key.period, 'w.period_start': key.start })
    .where('w.wins', '>', 0);
}

export function winsPage(
  q: Q,
  key: PeriodKey,
  limit: number,
  after?: { wins: number; userId: string },
): Promise<WinsRow[]> {
  const query = winsBase(q, key)
    .select<WinsRow[]>(winsColumns)
    .orderBy([
      { column: 'w.wins', order: 'desc' },
      { column: 'w.user_id', order: 'asc' },
    ])
    .limit(limit);
  if (after)
    query
      .where('w.wins', '<=', after.wins)
      .whereRaw('(w.wins < ? or w.user_id > ?)', [after.wins, after.userId]);
  return query;
}

export function winsNeighbours(
  q: Q,
  key: PeriodKey,
  at: { wins: number; userId: string },
  side: 'above' | 'below',
  limit: number,
): Promise<WinsRow[]> {
  const query = winsBase(q, key).select<WinsRow[]>(winsColumns).limit(limit);
  if (side === 'above') {
    query
      .where('w.wins', '>=', at.wins)
      .whereRaw('(w.wins > ? or w.user_id < ?)', [at.wins, at.userId])
      .orderBy([
        { column: 'w.wins', order: 'asc' },
        { column: 'w.user_id', order: 'desc' },
      ]);
  } else {
    query
      .where('w.wins', '<=', at.wins)
      .whereRaw('(w.wins < ? or w.user_id > ?)', [at.wins, at.userId])
      .orderBy([
        { column: 'w.wins', order: 'desc' },
        { column: 'w.user_id', order: 'asc' },
      ]);
  }
  return query;
}

export function winsOf(q: Q, key: PeriodKey, userId: string): Promise<WinsRow | undefined> {
  return winsBase(q, key).where('w.user_id', userId).first<WinsRow | undefined>(winsColumns);
}

/** Players per wins value of the period, at least `minWins`, most wins first (a few hundred rows at most). */
export function winsCounts(
  q: Q,
  key: PeriodKey,
  minWins = 1,
): Promise<{ wins: number; players: number }[]> {
  return q('leaderboard_wins_counts')
    .queryContext(op('winsCounts'))
    .where({ period: key.period, period_start: key.start })
    .where('wins', '>=', Math.max(1, minWins))
    .where('players', '>', 0)
    .orderBy('wins', 'desc')
    .select('wins', 'players');
}

export function userIdByName(
  q: Q,
  username: string,
): Promise<{ id: string; username: string } | undefined> {
  return q('users')
    .queryContext(op('userIdByName'))
    .where({ username_key: username.toLowerCase() })
    .whereNot({ status: 'deleted' })
    .first<{ id: string; username: string } | undefined>('id', 'username');
}
