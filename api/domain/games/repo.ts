/** Queries of matches, their players, timelines, input logs and ratings. */
import { operations, type Q } from '../../core/query.ts';
import type { Knex } from 'knex';

const op = operations('games');

// Ratings of finished matches: their own file, the same module to callers.
export * from './ratings-repo.ts';

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
  /** The instance stepping the match while it is live (api/realtime/cluster). */
  owner_instance: string | null;
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

/** The states a list filter stands for: `live` and `ended` group several, others are one state. */
export function statesOf(filter: string | undefined): readonly string[] | undefined {
  if (filter === undefined) return undefined;
  if (filter === 'live') return liveStates;
  if (filter === 'ended') return endedStates;
  return [filter];
}

export function findUserByName(q: Q, username: string): Promise<UserRow | undefined> {
  return q('users')
    .queryContext(op('findUserByName'))
    .select<UserRow[]>('id', 'username', 'status')
    .where({ username_key: username.toLowerCase() })
    .first() as Promise<UserRow | undefined>;
}

export function findUserById(q: Q, id: string): Promise<UserRow | undefined> {
  return q('users')
    .queryContext(op('findUserById'))
    .select<UserRow[]>('id', 'username', 'status')
    .where({ id })
    .first() as Promise<UserRow | undefined>;
}

/** Writes a match and its players in one transaction; a player already live elsewhere fails it (see liveConflict). */
export async function insertMatch(
  db: Knex,
  match: Partial<MatchRow> & { id: string },
  players: (Omit<PlayerRow, 'username' | 'points' | 'hits' | 'rating_before' | 'rating_after'> & {
    /** Set while the match is live: one live row per user (match_players_one_live). */
    live: boolean;
  })[],
): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('matches')
      .queryContext(op('insertMatch'))
      .insert({ ...match, settings: JSON.stringify(match.settings) });
    await trx('match_players').queryContext(op('insertMatch')).insert(players);
  });
}

/**
 * The user a write collided with when it would have made them live in a
 * second match (the match_players_one_live index), or undefined for any other error.
 */
export function liveConflict(err: unknown): string | null | undefined {
  const e = err as { code?: unknown; constraint?: unknown; detail?: unknown };
  if (e?.code !== '23505' || e.constraint !== 'match_players_one_live') return undefined;
  return /\(user_id\)=\(([0-9a-f-]{36})\)/i.exec(String(e.detail ?? ''))?.[1] ?? null;
}

/**
 * An invite is accepted: the match becomes ready, both players live and the
 * invited one accepted, under a lock on the match row so an expiry or a decline that
 * ends it meanwhile cannot leave a player live in an ended match. False
 * when it is no longer an open invite.
 */
export async function acceptInvite(db: Knex, matchId: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const row = await trx('matches')
      .queryContext(op('acceptInvite'))
      .where({ id: matchId })
      .forUpdate()
      .first<{ state: string } | undefined>('state');
    if (row?.state !== 'pending') return false;
    await trx('matches')
      .queryContext(op('acceptInvite'))
      .where({ id: matchId })
      .update({ state: 'ready' });
    await trx('match_players')
      .queryContext(op('acceptInvite'))
      .where({ match_id: matchId })
      .whereNotNull('user_id')
      .update({ live: true });
    await trx('match_players')
      .queryContext(op('acceptInvite'))
      .where({ match_id: matchId, side: 1 })
      .update({ accepted: true });
    return true;
  });
}

/** Undoes acceptInvite when the runner refused the accept (the invite is still pending). */
export async function releaseInvite(db: Knex, matchId: string): Promise<void> {
  await db.transaction(async (trx) => {
    const row = await trx('matches')
      .queryContext(op('releaseInvite'))
      .where({ id: matchId })
      .forUpdate()
      .first<{ state: string } | undefined>('state');
    if (row?.state !== 'pending') return;
    await trx('match_players')
      .queryContext(op('releaseInvite'))
      .where({ match_id: matchId })
      .update({ live: false, accepted: false });
    await trx('match_players')
      .queryContext(op('releaseInvite'))
      .where({ match_id: matchId, side: 0 })
      .update({ accepted: true });
  });
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
    .queryContext(op('playersOf'))
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
    .queryContext(op('setMatchState'))
    .where({ id })
    .whereNotIn('state', endedStates)
    .update({ state, ...fields });
}

/** Open invites from one user to another, oldest first. */
export function openInvites(
  q: Q,
  fromId: string,
  toId: string,
): Promise<{ id: string; created_at: Time }[]> {
  return q('matches as m')
    .queryContext(op('openInvites'))
    .join('match_players as a', 'a.match_id', 'm.id')
    .join('match_players as b', 'b.match_id', 'm.id')
    .where({ 'm.state': 'pending', 'a.side': 0, 'a.user_id': fromId })
    .where({ 'b.side': 1, 'b.user_id': toId })
    .select('m.id', 'm.created_at')
    .orderBy([
      { column: 'm.created_at', order: 'asc' },
      { column: 'm.id', order: 'asc' },
    ]);
}

export function timelineOf(
  q: Q,
  matchId: string,
): Promise<{ tick: number; left_score: number; right_score: number }[]> {
  return q('match_timeline')
    .queryContext(op('timelineOf'))
    .where({ match_id: matchId })
    .orderBy('point')
    .select('tick', 'left_score', 'right_score');
}

export async function inputLogOf(q: Q, matchId: string): Promise<string | undefined> {
  const row = await q('match_input_logs')
    .queryContext(op('inputLogOf'))
    .where({ match_id: matchId })
    .first<{ log: string } | undefined>('log');
  return row?.log;
}

/** Every match that was live when the process stopped: nothing holds them any more. */
export function staleMatches(q: Q): Promise<{ id: string }[]> {
  return q('matches')
    .queryContext(op('staleMatches'))
    .whereNotIn('state', endedStates)
    .select('id');
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
    .queryContext(op('endMatch'))
    .where({ id: matchId })
    .whereNotIn('state', endedStates)
    .update(end);
  if (updated === 0) return false;
  for (const side of [0, 1] as const) {
    await q('match_players')
      .queryContext(op('endMatch'))
      .where({ match_id: matchId, side })
      .update({ ...points[side], ended_at: end.ended_at, live: false });
  }
  return true;
}

/** Ends a match with no result to record (aborted 0:0, no play figures); false when it had already ended. */
export function abortWithoutResult(
  q: Q,
  matchId: string,
  reason: string,
  at: Date,
): Promise<boolean> {
  return endMatch(
    q,
    matchId,
    {
      state: 'aborted',
      reason,
      winner_side: null,
      left_score: 0,
      right_score: 0,
      ticks: 0,
      duration_sec: null,
      longest_rally: null,
      average_rally: null,
      max_ball_speed: null,
      ended_at: at,
    },
    [
      { points: 0, hits: 0 },
      { points: 0, hits: 0 },
    ],
  );
}

export async function insertTimeline(
  q: Q,
  matchId: string,
  timeline: readonly { tick: number; score: [number, number] }[],
): Promise<void> {
  if (timeline.length === 0) return;
  await q('match_timeline')
    .queryContext(op('insertTimeline'))
    .insert(
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
  await q('match_input_logs').queryContext(op('insertInputLog')).insert({ match_id: matchId, log });
}
