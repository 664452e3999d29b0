/**
 * How a tournament moves, inside the step's transaction (the tournament row
 * is locked): recording a match result into standings and the bracket,
 * forfeiting matches of players who were removed, completing a round,
 * beginning the next, and finishing the tournament. Side effects that must
 * wait for the commit (creating games, ending games, notifications, metrics)
 * are collected in `Effects` and run by steps.ts afterwards.
 */
import type { Knex } from 'knex';
import type { NotificationType } from '../../contract/notifications.ts';
import type { EndDecision } from '../../game/live-match.ts';
import { eliminationRank, nextSlot, roundName } from './bracket.ts';
import * as repo from './repo.ts';
import { compareTable } from './views.ts';

export interface Effects {
  /** Tournament matches that need a game. */
  launch: string[];
  /**
   * Games to end once committed. With `winnerUserId`, the game records that
   * player as its winner (the seat is only known to the running game).
   */
  end: { gameId: string; decision: EndDecision; winnerUserId?: string }[];
  notify: { userId: string; type: NotificationType; payload: Record<string, unknown> }[];
  roundsCompleted: number;
  forfeits: number;
}

export function noEffects(): Effects {
  return { launch: [], end: [], notify: [], roundsCompleted: 0, forfeits: 0 };
}

/** One step: the locked tournament, its registrations, "now" and what to do after the commit. */
export interface Step {
  trx: Knex.Transaction;
  t: repo.TournamentRow;
  players: Map<string, repo.PlayerRow>;
  now: Date;
  fx: Effects;
}

/** A decided match: who won (null: a draw, or nobody in a double forfeit), the score by side, why, who forfeited. */
export interface Outcome {
  winner: 'a' | 'b' | null;
  score: [number, number] | null;
  reason: string;
  forfeit: 'a' | 'b' | 'both' | null;
}

const label = (step: Step, userId: string | null) =>
  userId === null ? '(bye)' : (step.players.get(userId)?.alias ?? '(gone)');

/** Single elimination needs someone to advance: after a double forfeit or a draw it is the better seed. */
function winnerIn(step: Step, m: repo.TMatchRow, o: Outcome): string | null {
  if (o.winner !== null) return o.winner === 'a' ? m.player_a : m.player_b;
  if (step.t.format === 'round_robin') return null;
  const seed = (id: string | null) =>
    id === null ? Infinity : (step.players.get(id)?.seed ?? Infinity);
  return seed(m.player_a) <= seed(m.player_b) ? m.player_a : m.player_b;
}

async function updateStandings(
  step: Step,
  m: repo.TMatchRow,
  o: Outcome,
  winnerId: string | null,
): Promise<void> {
  const sides = [
    {
      id: m.player_a,
      mine: o.score?.[0] ?? 0,
      theirs: o.score?.[1] ?? 0,
      forfeited: o.forfeit === 'a' || o.forfeit === 'both',
    },
    {
      id: m.player_b,
      mine: o.score?.[1] ?? 0,
      theirs: o.score?.[0] ?? 0,
      forfeited: o.forfeit === 'b' || o.forfeit === 'both',
    },
  ];
  const drawn = o.winner === null && o.forfeit === null;
  for (const side of sides) {
    if (side.id === null) continue;
    const won = winnerId === side.id && !drawn;
    const knockedOut = step.t.format === 'single_elimination' && !won;
    await repo.bumpStanding(
      step.trx,
      { tournamentId: step.t.id, userId: side.id },
      {
        played: 1,
        wins: won ? 1 : 0,
        losses: !won && !drawn ? 1 : 0,
        draws: drawn ? 1 : 0,
        points_for: side.mine,
        points_against: side.theirs,
        forfeits: side.forfeited ? 1 : 0,
      },
      knockedOut ? { eliminated_round: m.round } : {},
    );
    if (knockedOut && step.players.get(side.id)?.status === 'active') {
      await repo.updatePlayer(step.trx, step.t.id, side.id, { status: 'eliminated' });
      step.players.get(side.id)!.status = 'eliminated';
    }
  }
}

/** Stores a result, updates standings, and moves a single-elimination winner into the next round's slot. */
export async function recordResult(step: Step, m: repo.TMatchRow, o: Outcome): Promise<void> {
  const winnerId = winnerIn(step, m, o);
  await repo.updateMatch(step.trx, m.id, {
    state: 'finished',
    winner_id: winnerId,
    score_a: o.score?.[0] ?? null,
    score_b: o.score?.[1] ?? null,
    reason: o.reason,
    forfeit: o.forfeit,
    finished_at: step.now,
  });
  m.state = 'finished';
  await updateStandings(step, m, o, winnerId);
  if (o.forfeit) step.fx.forfeits += o.forfeit === 'both' ? 2 : 1;
  const next =
    step.t.format === 'single_elimination'
      ? nextSlot({ rounds: step.t.rounds_total }, m.round, m.position)
      : null;
  if (next && winnerId !== null) {
    const [target] = (await repo.matchesOf(step.trx, step.t.id, next.round)).filter(
      (x) => x.position === next.position,
    );
    if (target)
      await repo.updateMatch(
        step.trx,
        target.id,
        next.side === 0 ? { player_a: winnerId } : { player_b: winnerId },
      );
  }
}

const isOut = (step: Step, id: string | null) =>
  id !== null && step.players.get(id)?.status === 'forfeited';

/** Open matches of the current round with a removed player are forfeited (both removed: a double forfeit). */
async function forfeitRemoved(step: Step, matches: repo.TMatchRow[]): Promise<void> {
  for (const m of matches) {
    if (m.state !== 'scheduled' && m.state !== 'ready') continue;
    const [outA, outB] = [isOut(step, m.player_a), isOut(step, m.player_b)];
    if (!outA && !outB) continue;
    if (m.state === 'ready' && m.game_id)
      step.fx.end.push({
        gameId: m.game_id,
        decision: { outcome: 'aborted', reason: 'tournament: player removed', winnerSide: null },
      });
    await recordResult(step, m, {
      winner: outA && outB ? null : outA ? 'b' : 'a',
      score: null,
      reason: 'kicked',
      forfeit: outA && outB ? 'both' : outA ? 'a' : 'b',
    });
  }
}

function tellEveryone(step: Step, payload: Record<string, unknown>): void {
  for (const p of step.players.values())
    step.fx.notify.push({
      userId: p.user_id,
      type: 'system',
      payload: { tournamentId: step.t.id, tournament: step.t.name, ...payload },
    });
}

/** Makes a round current: its matches with both players become scheduled (games follow), and everyone hears who plays whom. */
export async function beginRound(step: Step, number: number): Promise<void> {
  const { t, trx, now } = step;
  t.current_round = number;
  await repo.updateTournament(trx, t.id, { current_round: number });
  await repo.updateRound(trx, t.id, number, { state: 'running', started_at: now });
  const matches = await repo.matchesOf(trx, t.id, number);
  const pairs: string[] = [];
  for (const m of matches) {
    if (m.state !== 'waiting' || m.player_a === null || m.player_b === null) continue;
    await repo.updateMatch(trx, m.id, { state: 'scheduled', scheduled_at: now });
    step.fx.launch.push(m.id);
    pairs.push(`${label(step, m.player_a)} vs ${label(step, m.player_b)}`);
  }
  const name =
    t.format === 'single_elimination' ? roundName(t.rounds_total, number) : `Round ${number}`;
  tellEveryone(step, {
    event: 'tournament_round',
    round: number,
    title: `${t.name}: ${name}`,
    body: `Next: ${pairs.join(', ')}`,
    matches: pairs,
  });
}

async function finishTournament(step: Step): Promise<void> {
  const { t, trx, now } = step;
  const standings = await repo.standingsOf(trx, t.id);
  let winnerId: string | null;
  if (t.format === 'single_elimination') {
    const [final] = await repo.matchesOf(trx, t.id, t.rounds_total);
    winnerId = final?.winner_id ?? null;
    for (const s of standings)
      await repo.bumpStanding(
        trx,
        { tournamentId: t.id, userId: s.user_id },
        {},
        {
          rank:
            s.user_id === winnerId ? 1 : eliminationRank(t.rounds_total, s.eliminated_round ?? 1),
        },
      );
  } else {
    const seed = (s: repo.StandingRow) => step.players.get(s.user_id)?.seed ?? Infinity;
    const sorted = [...standings].sort((a, b) => compareTable(a, b) || seed(a) - seed(b));
    let rank = 0;
    for (const [i, s] of sorted.entries()) {
      if (i === 0 || compareTable(sorted[i - 1]!, s) !== 0) rank = i + 1;
      await repo.bumpStanding(trx, { tournamentId: t.id, userId: s.user_id }, {}, { rank });
    }
    winnerId = sorted[0]?.user_id ?? null;
  }
  Object.assign(t, { state: 'finished', finished_at: now, winner_id: winnerId });
  await repo.updateTournament(trx, t.id, {
    state: 'finished',
    finished_at: now,
    winner_id: winnerId,
  });
  const ranks = new Map((await repo.standingsOf(trx, t.id)).map((s) => [s.user_id, s.rank]));
  const winner = winnerId === null ? null : step.players.get(winnerId);
  for (const p of step.players.values()) {
    step.fx.notify.push({
      userId: p.user_id,
      type: 'system',
      payload: {
        event: 'tournament_finished',
        tournamentId: t.id,
        tournament: t.name,
        winner: winner?.alias ?? null,
        rank: ranks.get(p.user_id) ?? null,
        title: `${t.name} is over`,
        body: winner
          ? `${winner.alias} won; you finished #${ranks.get(p.user_id) ?? '-'}`
          : 'It ended without a winner',
      },
    });
  }
}

/**
 * Applies removals, then, while the tournament runs and its current round is
 * complete, finishes the round and begins the next (or finishes the
 * tournament). Idempotent: running it again changes nothing.
 */
export async function settle(step: Step): Promise<void> {
  const { t, trx, now } = step;
  for (;;) {
    if (t.state !== 'running' && t.state !== 'paused') return;
    const matches = await repo.matchesOf(trx, t.id, t.current_round);
    await forfeitRemoved(step, matches);
    if (t.state !== 'running' || matches.some((m) => m.state !== 'finished')) return;
    await repo.updateRound(trx, t.id, t.current_round, { state: 'finished', finished_at: now });
    step.fx.roundsCompleted += 1;
    if (t.current_round >= t.rounds_total) return finishTournament(step);
    await beginRound(step, t.current_round + 1);
  }
}
