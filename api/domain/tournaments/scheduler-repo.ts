/**
 * What the tournament scheduler and the gauges read: tournaments due to
 * start, matches waiting for a game or past their join timeout, the sides and
 * score of a tournament game, counts by state. Re-exported by repo.ts.
 */
import { operations, type Q } from '../../core/query.ts';
import type { TMatchRow, TournamentState } from './repo.ts';

const op = operations('tournaments');

type Time = Date | string;

/** Tournaments the scheduler should start: open for registration with starts_at reached. */
export function dueStarts(q: Q, now: Date): Promise<{ id: string }[]> {
  return q('tournaments')
    .queryContext(op('dueStarts'))
    .select('id')
    .where({ state: 'registration' })
    .whereNotNull('starts_at')
    .where('starts_at', '<=', now)
    .orderBy('starts_at')
    .limit(50) as Promise<{ id: string }[]>;
}

export interface OpenMatchRow extends TMatchRow {
  tournament_state: TournamentState;
  game_state: string | null;
  game_winner_side: 0 | 1 | null;
  game_reason: string | null;
}

/** Matches waiting to be played in running tournaments, with the state of their game. */
export function openMatches(q: Q): Promise<OpenMatchRow[]> {
  return q('tournament_matches as m')
    .queryContext(op('openMatches'))
    .join('tournaments as t', 't.id', 'm.tournament_id')
    .leftJoin('matches as g', 'g.id', 'm.game_id')
    .select(
      'm.*',
      't.state as tournament_state',
      'g.state as game_state',
      'g.winner_side as game_winner_side',
      'g.reason as game_reason',
    )
    .whereIn('m.state', ['scheduled', 'ready'])
    .where('t.state', 'running')
    .orderBy('m.scheduled_at')
    .limit(500) as unknown as Promise<OpenMatchRow[]>;
}

/** Sides of a game: user id per side (0 left, 1 right). */
export async function gameSides(q: Q, gameId: string): Promise<[string | null, string | null]> {
  const rows = (await q('match_players')
    .queryContext(op('gameSides'))
    .select('side', 'user_id')
    .where({ match_id: gameId })) as { side: number; user_id: string | null }[];
  return [
    rows.find((r) => r.side === 0)?.user_id ?? null,
    rows.find((r) => r.side === 1)?.user_id ?? null,
  ];
}

export async function gameScore(q: Q, gameId: string): Promise<[number, number]> {
  const row = (await q('matches')
    .queryContext(op('gameScore'))
    .select('left_score', 'right_score')
    .where({ id: gameId })
    .first()) as { left_score: number; right_score: number } | undefined;
  return [row?.left_score ?? 0, row?.right_score ?? 0];
}

/** Gauges: tournaments per open state, and the start of the oldest round still in progress. */
export async function gaugeCounts(
  q: Q,
): Promise<{ byState: Map<string, number>; oldestRoundStart: Date | null }> {
  const rows = (await q('tournaments')
    .queryContext(op('gaugeCounts'))
    .select('state')
    .count({ n: '*' })
    .whereIn('state', ['registration', 'running', 'paused'])
    .groupBy('state')) as { state: string; n: number }[];
  const oldest = (await q('tournament_rounds as r')
    .queryContext(op('gaugeCounts'))
    .join('tournaments as t', function () {
      this.on('t.id', '=', 'r.tournament_id').andOn('t.current_round', '=', 'r.number');
    })
    .where('t.state', 'running')
    .where('r.state', 'running')
    .min({ at: 'r.started_at' })
    .first()) as { at: Time | null } | undefined;
  return {
    byState: new Map(rows.map((r) => [r.state, Number(r.n)])),
    oldestRoundStart: oldest?.at ? new Date(oldest.at) : null,
  };
}
