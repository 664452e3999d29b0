/** Queries of tournaments, registrations, rounds, tournament matches and standings. */
import { operations, type Q } from '../../core/query.ts';
import type { Knex } from 'knex';

const op = operations('tournaments');

type Time = Date | string;

export type TournamentState = 'registration' | 'running' | 'paused' | 'finished' | 'cancelled';
export type Format = 'single_elimination' | 'round_robin';
export type TMatchState = 'waiting' | 'scheduled' | 'ready' | 'finished' | 'cancelled';

export interface TournamentRow {
  id: string;
  name: string;
  created_by: string | null;
  creator_name?: string | null;
  capacity: number;
  format: Format;
  settings: unknown;
  state: TournamentState;
  registration_closes_at: Time | null;
  starts_at: Time | null;
  rounds_total: number;
  current_round: number;
  winner_id: string | null;
  created_at: Time;
  started_at: Time | null;
  finished_at: Time | null;
}

export interface PlayerRow {
  tournament_id: string;
  user_id: string;
  username?: string | null;
  alias: string;
  alias_key: string;
  seed: number | null;
  rating: number | null;
  status: 'active' | 'eliminated' | 'forfeited';
  registered_at: Time;
}

export interface RoundRow {
  tournament_id: string;
  number: number;
  state: 'pending' | 'running' | 'finished';
  started_at: Time | null;
  finished_at: Time | null;
}

export interface TMatchRow {
  id: string;
  tournament_id: string;
  round: number;
  position: number;
  player_a: string | null;
  player_b: string | null;
  state: TMatchState;
  game_id: string | null;
  winner_id: string | null;
  score_a: number | null;
  score_b: number | null;
  reason: string | null;
  forfeit: 'a' | 'b' | 'both' | null;
  scheduled_at: Time | null;
  finished_at: Time | null;
}

export interface StandingRow {
  tournament_id: string;
  user_id: string;
  played: number;
  wins: number;
  losses: number;
  draws: number;
  points_for: number;
  points_against: number;
  forfeits: number;
  eliminated_round: number | null;
  rank: number | null;
}

export async function insertTournament(
  q: Q,
  row: Omit<
    TournamentRow,
    'rounds_total' | 'current_round' | 'winner_id' | 'started_at' | 'finished_at' | 'state'
  >,
): Promise<void> {
  await q('tournaments')
    .queryContext(op('insertTournament'))
    .insert({ ...row, settings: JSON.stringify(row.settings) });
}

export function getTournament(q: Q, id: string): Promise<TournamentRow | undefined> {
  return q('tournaments as t')
    .queryContext(op('getTournament'))
    .leftJoin('users as u', 'u.id', 't.created_by')
    .select<TournamentRow[]>('t.*', 'u.username as creator_name')
    .where('t.id', id)
    .first() as Promise<TournamentRow | undefined>;
}

/** Locks the tournament row: every state change of one step runs under this lock. */
export function lockTournament(
  trx: Knex.Transaction,
  id: string,
): Promise<TournamentRow | undefined> {
  return trx('tournaments').queryContext(op('lock')).where({ id }).forUpdate().first() as Promise<
    TournamentRow | undefined
  >;
}

export async function updateTournament(
  q: Q,
  id: string,
  patch: Partial<TournamentRow>,
): Promise<void> {
  await q('tournaments').queryContext(op('update')).where({ id }).update(patch);
}

export function listTournaments(
  q: Q,
  input: { state?: TournamentState; limit: number; after?: [string, string] },
): Promise<(TournamentRow & { players: number })[]> {
  const query = q('tournaments as t')
    .queryContext(op('listTournaments'))
    .leftJoin('users as u', 'u.id', 't.created_by')
    .select(
      't.*',
      'u.username as creator_name',
      q.raw('(select count(*) from tournament_players p where p.tournament_id = t.id) as players'),
    )
    .orderBy([
      { column: 't.created_at', order: 'desc' },
      { column: 't.id', order: 'desc' },
    ])
    .limit(input.limit + 1);
  if (input.state) query.where('t.state', input.state);
  if (input.after)
    query.whereRaw('(t.created_at, t.id) < (?, ?)', [input.after[0], input.after[1]]);
  return query as unknown as Promise<(TournamentRow & { players: number })[]>;
}

export function playersOf(q: Q, tournamentId: string): Promise<PlayerRow[]> {
  return q('tournament_players as p')
    .queryContext(op('playersOf'))
    .leftJoin('users as u', 'u.id', 'p.user_id')
    .select<PlayerRow[]>('p.*', 'u.username')
    .where('p.tournament_id', tournamentId)
    .orderByRaw('p.seed asc nulls last, p.registered_at asc, p.user_id asc') as unknown as Promise<
    PlayerRow[]
  >;
}

/** The winners' registrations of these tournaments (alias and username). */
export function winnersOf(q: Q, tournamentIds: string[]): Promise<PlayerRow[]> {
  if (tournamentIds.length === 0) return Promise.resolve([]);
  return q('tournaments as t')
    .queryContext(op('winnersOf'))
    .join('tournament_players as p', function () {
      this.on('p.tournament_id', '=', 't.id').andOn('p.user_id', '=', 't.winner_id');
    })
    .leftJoin('users as u', 'u.id', 'p.user_id')
    .select<PlayerRow[]>('p.*', 'u.username')
    .whereIn('t.id', tournamentIds) as unknown as Promise<PlayerRow[]>;
}

export async function insertPlayer(
  q: Q,
  row: Pick<PlayerRow, 'tournament_id' | 'user_id' | 'alias' | 'alias_key' | 'registered_at'>,
): Promise<void> {
  await q('tournament_players').queryContext(op('insertPlayer')).insert(row);
}

export async function deletePlayer(q: Q, tournamentId: string, userId: string): Promise<number> {
  return q('tournament_players')
    .queryContext(op('deletePlayer'))
    .where({ tournament_id: tournamentId, user_id: userId })
    .delete();
}

export async function updatePlayer(
  q: Q,
  tournamentId: string,
  userId: string,
  patch: Partial<PlayerRow>,
): Promise<void> {
  await q('tournament_players')
    .queryContext(op('updatePlayer'))
    .where({ tournament_id: tournamentId, user_id: userId })
    .update(patch);
}

/** Current Glicko-2 ratings of these users (absent: never rated). */
export async function ratingsOf(q: Q, userIds: string[]): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const rows = (await q('ratings')
    .queryContext(op('ratingsOf'))
    .select('user_id', 'rating')
    .whereIn('user_id', userIds)) as { user_id: string; rating: number }[];
  return new Map(rows.map((r) => [r.user_id, Number(r.rating)]));
}

export async function insertRounds(q: Q, rows: RoundRow[]): Promise<void> {
  if (rows.length > 0) await q('tournament_rounds').queryContext(op('insertRounds')).insert(rows);
}

export function roundsOf(q: Q, tournamentId: string): Promise<RoundRow[]> {
  return q('tournament_rounds')
    .queryContext(op('roundsOf'))
    .where({ tournament_id: tournamentId })
    .orderBy('number') as Promise<RoundRow[]>;
}

export async function updateRound(
  q: Q,
  tournamentId: string,
  number: number,
  patch: Partial<RoundRow>,
): Promise<void> {
  await q('tournament_rounds')
    .queryContext(op('updateRound'))
    .where({ tournament_id: tournamentId, number })
    .update(patch);
}

export async function insertMatches(q: Q, rows: Partial<TMatchRow>[]): Promise<void> {
  if (rows.length > 0) await q('tournament_matches').queryContext(op('insertMatches')).insert(rows);
}

export function matchesOf(q: Q, tournamentId: string, round?: number): Promise<TMatchRow[]> {
  const query = q('tournament_matches')
    .queryContext(op('matchesOf'))
    .where({ tournament_id: tournamentId })
    .orderBy([{ column: 'round' }, { column: 'position' }]);
  if (round !== undefined) query.where({ round });
  return query as unknown as Promise<TMatchRow[]>;
}

/** A match of this tournament by its own id or by the game playing it. */
export function findMatch(q: Q, tournamentId: string, id: string): Promise<TMatchRow | undefined> {
  return q('tournament_matches')
    .queryContext(op('findMatch'))
    .where({ tournament_id: tournamentId })
    .andWhere((w) => void w.where({ id }).orWhere({ game_id: id }))
    .first() as Promise<TMatchRow | undefined>;
}

export function getMatch(q: Q, id: string): Promise<TMatchRow | undefined> {
  return q('tournament_matches').queryContext(op('getMatch')).where({ id }).first() as Promise<
    TMatchRow | undefined
  >;
}

export function matchByGame(q: Q, gameId: string): Promise<TMatchRow | undefined> {
  return q('tournament_matches')
    .queryContext(op('matchByGame'))
    .where({ game_id: gameId })
    .first() as Promise<TMatchRow | undefined>;
}

export async function updateMatch(q: Q, id: string, patch: Partial<TMatchRow>): Promise<void> {
  await q('tournament_matches').queryContext(op('updateMatch')).where({ id }).update(patch);
}

/** Conditional state change; true when this caller made it (claims against concurrent schedulers). */
export async function transitionMatch(
  q: Q,
  id: string,
  from: { state: TMatchState; gameId?: string | null },
  patch: Partial<TMatchRow>,
): Promise<boolean> {
  const query = q('tournament_matches')
    .queryContext(op('transitionMatch'))
    .where({ id, state: from.state });
  if (from.gameId === null) query.whereNull('game_id');
  else if (from.gameId !== undefined) query.where({ game_id: from.gameId });
  return (await query.update(patch)) > 0;
}

export async function insertStandings(
  q: Q,
  rows: Pick<StandingRow, 'tournament_id' | 'user_id'>[],
): Promise<void> {
  if (rows.length > 0)
    await q('tournament_standings').queryContext(op('insertStandings')).insert(rows);
}

export function standingsOf(q: Q, tournamentId: string): Promise<StandingRow[]> {
  return q('tournament_standings')
    .queryContext(op('standingsOf'))
    .where({ tournament_id: tournamentId }) as Promise<StandingRow[]>;
}

/** Adds to a player's counters (`eliminated_round`/`rank` are set, not added). */
export async function bumpStanding(
  q: Q,
  key: { tournamentId: string; userId: string },
  add: Partial<
    Record<
      'played' | 'wins' | 'losses' | 'draws' | 'points_for' | 'points_against' | 'forfeits',
      number
    >
  >,
  set: Partial<StandingRow> = {},
): Promise<void> {
  const patch: Record<string, unknown> = { ...set };
  for (const [column, n] of Object.entries(add))
    if (n) patch[column] = q.raw('?? + ?', [column, n]);
  if (Object.keys(patch).length === 0) return;
  await q('tournament_standings')
    .queryContext(op('bumpStanding'))
    .where({ tournament_id: key.tournamentId, user_id: key.userId })
    .update(patch);
}

export * from './scheduler-repo.ts';
