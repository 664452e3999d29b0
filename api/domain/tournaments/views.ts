/**
 * Shapes stored rows into the contract's views: the summary of a list, and
 * one tournament with its entrants, rounds (the bracket or the round-robin
 * schedule), and standings in their current order (final ranks once finished).
 */
import { gameSettingsSchema } from '../../contract/game.ts';
import type {
  TournamentMatchView,
  TournamentSummary,
  TournamentView,
} from '../../contract/tournaments.ts';
import { roundName } from './bracket.ts';
import type { PlayerRow, RoundRow, StandingRow, TMatchRow, TournamentRow } from './repo.ts';

const iso = (t: Date | string | null | undefined): string | null =>
  t === null || t === undefined ? null : new Date(t).toISOString();

export function settingsOf(row: TournamentRow) {
  return gameSettingsSchema.parse(
    typeof row.settings === 'string' ? JSON.parse(row.settings) : row.settings,
  );
}

export function summaryView(
  row: TournamentRow,
  players: number,
  winner: PlayerRow | undefined,
): TournamentSummary {
  return {
    id: row.id,
    name: row.name,
    format: row.format,
    state: row.state,
    capacity: row.capacity,
    players: Number(players),
    createdBy: row.creator_name ?? null,
    currentRound: row.current_round,
    roundsTotal: row.rounds_total,
    winner: winner ? { username: winner.username ?? null, alias: winner.alias } : null,
    registrationClosesAt: iso(row.registration_closes_at),
    startsAt: iso(row.starts_at),
    createdAt: iso(row.created_at)!,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

export function playerView(p: PlayerRow) {
  return {
    username: p.username ?? null,
    alias: p.alias,
    seed: p.seed,
    rating: p.rating === null ? null : Math.round(Number(p.rating) * 100) / 100,
    status: p.status,
    registeredAt: iso(p.registered_at)!,
  };
}

function matchView(
  m: TMatchRow,
  byId: Map<string, PlayerRow>,
  joinTimeoutMs: number,
): TournamentMatchView {
  const entrant = (id: string | null) => {
    const p = id === null ? undefined : byId.get(id);
    return p ? { username: p.username ?? null, alias: p.alias, seed: p.seed } : null;
  };
  const open = m.state === 'scheduled' || m.state === 'ready';
  return {
    id: m.id,
    round: m.round,
    position: m.position,
    state: m.state,
    a: entrant(m.player_a),
    b: entrant(m.player_b),
    gameId: m.game_id,
    winner: m.winner_id === null ? null : (byId.get(m.winner_id)?.username ?? null),
    score: m.score_a === null || m.score_b === null ? null : [m.score_a, m.score_b],
    reason: m.reason,
    forfeit: m.forfeit,
    joinBy:
      open && m.scheduled_at
        ? new Date(new Date(m.scheduled_at).getTime() + joinTimeoutMs).toISOString()
        : null,
    finishedAt: iso(m.finished_at),
  };
}

const tablePoints = (s: StandingRow) => 2 * s.wins + s.draws;

/** Round robin: points, then point difference, then points scored; ties on all three share a rank. */
export function compareTable(x: StandingRow, y: StandingRow): number {
  return (
    tablePoints(y) - tablePoints(x) ||
    y.points_for - y.points_against - (x.points_for - x.points_against) ||
    y.points_for - x.points_for
  );
}

function orderStandings(
  t: TournamentRow,
  rows: StandingRow[],
  byId: Map<string, PlayerRow>,
): { row: StandingRow; rank: number }[] {
  const seed = (s: StandingRow) => byId.get(s.user_id)?.seed ?? Number.MAX_SAFE_INTEGER;
  if (rows.every((r) => r.rank !== null) && rows.length > 0) {
    return [...rows]
      .sort((a, b) => a.rank! - b.rank! || seed(a) - seed(b))
      .map((row) => ({ row, rank: row.rank! }));
  }
  if (t.format === 'round_robin') {
    const sorted = [...rows].sort((a, b) => compareTable(a, b) || seed(a) - seed(b));
    return sorted
      .map((row, i) => ({
        row,
        rank: i > 0 && compareTable(sorted[i - 1]!, row) === 0 ? 0 : i + 1,
      }))
      .map((e, i, all) => {
        if (e.rank === 0) e.rank = all.slice(0, i).findLast((x) => x.rank !== 0)!.rank;
        return e;
      });
  }
  // Single elimination in progress: still in, then by how far they got.
  const still = (s: StandingRow) =>
    s.eliminated_round === null ? Number.MAX_SAFE_INTEGER : s.eliminated_round;
  return [...rows]
    .sort((a, b) => still(b) - still(a) || b.wins - a.wins || seed(a) - seed(b))
    .map((row, i) => ({ row, rank: i + 1 }));
}

export interface TournamentRows {
  t: TournamentRow;
  players: PlayerRow[];
  rounds: RoundRow[];
  matches: TMatchRow[];
  standings: StandingRow[];
}

export function tournamentView(rows: TournamentRows, joinTimeoutMs: number): TournamentView {
  const { t, players, rounds, matches, standings } = rows;
  const byId = new Map(players.map((p) => [p.user_id, p]));
  const winner = t.winner_id === null ? undefined : byId.get(t.winner_id);
  return {
    ...summaryView(t, players.length, winner),
    settings: settingsOf(t),
    entrants: players.map(playerView),
    rounds: rounds.map((r) => ({
      number: r.number,
      name:
        t.format === 'single_elimination'
          ? roundName(t.rounds_total, r.number)
          : `Round ${r.number}`,
      state: r.state,
      startedAt: iso(r.started_at),
      finishedAt: iso(r.finished_at),
      matches: matches
        .filter((m) => m.round === r.number)
        .map((m) => matchView(m, byId, joinTimeoutMs)),
    })),
    standings: orderStandings(t, standings, byId).map(({ row, rank }) => {
      const p = byId.get(row.user_id);
      return {
        rank,
        username: p?.username ?? null,
        alias: p?.alias ?? '(gone)',
        seed: p?.seed ?? null,
        played: row.played,
        wins: row.wins,
        losses: row.losses,
        draws: row.draws,
        points: tablePoints(row),
        pointsFor: row.points_for,
        pointsAgainst: row.points_against,
        forfeits: row.forfeits,
        eliminatedRound: row.eliminated_round,
      };
    }),
  };
}
