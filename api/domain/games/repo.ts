/** Queries of matches, their players, timelines, input logs and ratings. */
import type { Knex } from 'knex';

export type Q = Knex | Knex.Transaction;
type Time = Date | string;

export interface MatchRow {
  id: string;
  kind: 'direct' | 'matchmaking' | 'tournament' | 'bot';
  ranked: boolean;
  visibility: 'public' | 'private';
  state: 'pending' | 'ready' | 'countdown' | 'playing' | 'finished' | 'aborted' | 'forfeited';
  settings: unknown;
  seed: number;
  created_by: string | null;
  rematch_of: string | null;
  left_score: number;
  right_score: number;
  winner_side: 0 | 1 | null;
  reason: string | null;
  ticks: number;
  duration_sec: number | null;
  longest_rally: number | null;
  average_rally: number | null;
  max_ball_speed: number | null;
  invite_expires_at: Time | null;
  created_at: Time;
  started_at: Time | null;
  ended_at: Time | null;
}

export interface PlayerRow {
  match_id: string;
  side: 0 | 1;
  user_id: string | null;
  username: string | null;
  bot_level: 'easy' | 'normal' | 'hard' | null;
  accepted: boolean;
  points: number;
  hits: number;
  rating_before: number | null;
  rating_after: number | null;
}

export interface UserRow {
  id: string;
  username: string;
  status: string;
}

export const liveStates = ['ready', 'countdown', 'playing'] as const;
export const endedStates = ['finished', 'aborted', 'forfeited'] as const;

export function findUserByName(q: Q, username: string): Promise<UserRow | undefined> {
  return q('users')
    .select<UserRow[]>('id', 'username', 'status')
    .where({ username_key: username.toLowerCase() })
    .first() as Promise<UserRow | undefined>;
}

export function findUserById(q: Q, id: string): Promise<UserRow | undefined> {
  return q('users').select<UserRow[]>('id', 'username', 'status').where({ id }).first() as Promise<
    UserRow | undefined
  >;
}

export async function insertMatch(
  q: Q,
  match: Partial<MatchRow> & { id: string },
  players: Omit<PlayerRow, 'username' | 'points' | 'hits' | 'rating_before' | 'rating_after'>[],
): Promise<void> {
  await q('matches').insert({ ...match, settings: JSON.stringify(match.settings) });
  await q('match_players').insert(players);
}

export function getMatchRow(q: Q, id: string): Promise<MatchRow | undefined> {
  return q<MatchRow>('matches').where({ id }).first();
}

/** The players of these matches with their current usernames, by match id. */
export async function playersOf(
  q: Q,
  matchIds: readonly string[],
): Promise<Map<string, PlayerRow[]>> {
  const out = new Map<string, PlayerRow[]>();
  if (matchIds.length === 0) return out;
  const rows = await q('match_players as p')
    .leftJoin('users as u', 'u.id', 'p.user_id')
    .whereIn('p.match_id', matchIds)
    .select<PlayerRow[]>(
      'p.match_id',
      'p.side',
      'p.user_id',
      'u.username',
      'p.bot_level',
      'p.accepted',
      'p.points',
      'p.hits',
      'p.rating_before',
      'p.rating_after',
    )
    .orderBy(['p.match_id', 'p.side']);
  for (const row of rows) {
    let list = out.get(row.match_id);
    if (!list) out.set(row.match_id, (list = []));
    list.push(row);
  }
  return out;
}

/** Moves a match to a live state; `from` guards against overtaking a later change. */
export async function setMatchState(
  q: Q,
  id: string,
  state: MatchRow['state'],
  fields: Partial<MatchRow> = {},
): Promise<number> {
  return q('matches')
    .where({ id })
    .whereNotIn('state', endedStates)
    .update({ state, ...fields });
}

export async function markAccepted(q: Q, matchId: string, side: 0 | 1): Promise<void> {
  await q('match_players').where({ match_id: matchId, side }).update({ accepted: true });
}

export interface Page {
  limit: number;
  /** Sort key of the last row seen: [timestamp ISO, id]. */
  after?: [string, string];
}

function before(
  query: Knex.QueryBuilder,
  column: string,
  idColumn: string,
  after?: [string, string],
): void {
  if (after) query.whereRaw(`(${column}, ${idColumn}) < (?, ?)`, [new Date(after[0]), after[1]]);
}

/** Public matches that are live (newest first) or have ended after play began (latest end first). */
export function listPublic(q: Q, which: 'live' | 'ended', page: Page): Promise<MatchRow[]> {
  const query = q<MatchRow>('matches')
    .where({ visibility: 'public' })
    .limit(page.limit + 1);
  if (which === 'live') {
    query.whereIn('state', liveStates).orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
    before(query, 'created_at', 'id', page.after);
  } else {
    query
      .whereIn('state', endedStates)
      .whereNotNull('started_at')
      .orderBy([
        { column: 'ended_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    before(query, 'ended_at', 'id', page.after);
  }
  return query;
}

/**
 * A user's ended matches that were played, newest first, walking the
 * (user_id, ended_at, match_id) index. Private ones only when `viewerId`
 * played in them (null: an admin, who sees everything).
 */
export function listHistory(
  q: Q,
  userId: string,
  viewerId: string | null,
  page: Page,
): Promise<MatchRow[]> {
  const query = q('match_players as mp')
    .join('matches as m', 'm.id', 'mp.match_id')
    .where('mp.user_id', userId)
    .whereNotNull('mp.ended_at')
    .whereNotNull('m.started_at')
    .select<MatchRow[]>('m.*')
    .orderBy([
      { column: 'mp.ended_at', order: 'desc' },
      { column: 'mp.match_id', order: 'desc' },
    ])
    .limit(page.limit + 1);
  if (viewerId !== null) {
    query.where((w) => {
      w.where('m.visibility', 'public').orWhereExists(
        q('match_players as o').whereRaw('o.match_id = m.id').where('o.user_id', viewerId),
      );
    });
  }
  before(query, 'mp.ended_at', 'mp.match_id', page.after);
  return query;
}

export function listAll(
  q: Q,
  states: readonly string[] | undefined,
  page: Page,
): Promise<MatchRow[]> {
  const query = q<MatchRow>('matches')
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(page.limit + 1);
  if (states) query.whereIn('state', states);
  before(query, 'created_at', 'id', page.after);
  return query;
}

export function timelineOf(
  q: Q,
  matchId: string,
): Promise<{ tick: number; left_score: number; right_score: number }[]> {
  return q('match_timeline')
    .where({ match_id: matchId })
    .orderBy('point')
    .select('tick', 'left_score', 'right_score');
}

export async function inputLogOf(q: Q, matchId: string): Promise<string | undefined> {
  const row = await q('match_input_logs')
    .where({ match_id: matchId })
    .first<{ log: string } | undefined>('log');
  return row?.log;
}

/** Every match that was live when the process stopped: nothing holds them any more. */
export function staleMatches(q: Q): Promise<{ id: string }[]> {
  return q('matches').whereNotIn('state', endedStates).select('id');
}

export interface EndRow {
  state: 'finished' | 'aborted' | 'forfeited';
  reason: string;
  winner_side: 0 | 1 | null;
  left_score: number;
  right_score: number;
  ticks: number;
  duration_sec: number | null;
  longest_rally: number | null;
  average_rally: number | null;
  max_ball_speed: number | null;
  ended_at: Date;
}

/** Writes the end onto the match and its players; false when it had already ended. */
export async function endMatch(
  q: Q,
  matchId: string,
  end: EndRow,
  points: [{ points: number; hits: number }, { points: number; hits: number }],
): Promise<boolean> {
  const updated = await q('matches')
    .where({ id: matchId })
    .whereNotIn('state', endedStates)
    .update(end);
  if (updated === 0) return false;
  for (const side of [0, 1] as const) {
    await q('match_players')
      .where({ match_id: matchId, side })
      .update({ ...points[side], ended_at: end.ended_at });
  }
  return true;
}

export async function insertTimeline(
  q: Q,
  matchId: string,
  timeline: readonly { tick: number; score: [number, number] }[],
): Promise<void> {
  if (timeline.length === 0) return;
  await q('match_timeline').insert(
    timeline.map((t, i) => ({
      match_id: matchId,
      point: i + 1,
      tick: t.tick,
      left_score: t.score[0],
      right_score: t.score[1],
    })),
  );
}

export async function insertInputLog(q: Q, matchId: string, log: string): Promise<void> {
  await q('match_input_logs').insert({ match_id: matchId, log });
}

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
    .whereIn('user_id', userIds)
    .orderBy('user_id')
    .forUpdate();
  return new Map(rows.map((r) => [r.user_id, r]));
}

export async function saveRating(q: Q, row: RatingRow, now: Date): Promise<void> {
  await q('ratings')
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
  await q('rating_history').insert(row);
}

export async function setPlayerRatings(
  q: Q,
  matchId: string,
  side: 0 | 1,
  before: number,
  after: number,
): Promise<void> {
  await q('match_players')
    .where({ match_id: matchId, side })
    .update({ rating_before: before, rating_after: after });
}

export function ratingOf(q: Q, userId: string): Promise<RatingRow | undefined> {
  return q<RatingRow>('ratings').where({ user_id: userId }).first();
}
