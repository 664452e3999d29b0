/**
 * Starting a tournament, inside its step: seeds by rating (ties by who
 * registered first), then draws the single-elimination bracket (byes to the
 * top seeds, decided at once) or the round-robin schedule, creates rounds,
 * matches and standings, and begins round 1.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../contract/errors.ts';
import { nextSlot, planBracket } from './bracket.ts';
import { beginRound, settle, type Step } from './progress.ts';
import * as repo from './repo.ts';
import { roundRobinSchedule } from './round-robin.ts';

/** Glicko-2's starting rating, for players who never played a ranked match. */
const unratedRating = 1500;

async function seedPlayers(step: Step): Promise<string[]> {
  const players = [...step.players.values()];
  const ratings = await repo.ratingsOf(
    step.trx,
    players.map((p) => p.user_id),
  );
  const rated = players.map((p) => ({ p, rating: ratings.get(p.user_id) ?? unratedRating }));
  rated.sort(
    (x, y) =>
      y.rating - x.rating ||
      new Date(x.p.registered_at).getTime() - new Date(y.p.registered_at).getTime() ||
      x.p.user_id.localeCompare(y.p.user_id),
  );
  for (const [i, { p, rating }] of rated.entries()) {
    await repo.updatePlayer(step.trx, step.t.id, p.user_id, { seed: i + 1, rating });
    Object.assign(p, { seed: i + 1, rating });
  }
  return rated.map(({ p }) => p.user_id);
}

function eliminationMatches(
  step: Step,
  bySeed: string[],
): { rounds: number; rows: Partial<repo.TMatchRow>[] } {
  const plan = planBracket(bySeed.length);
  const rows: Partial<repo.TMatchRow>[] = [];
  const slot = (round: number, position: number) =>
    rows.find((r) => r.round === round && r.position === position)!;
  for (const [r, count] of plan.matchesPerRound.entries()) {
    for (let position = 0; position < count; position++) {
      rows.push({
        id: randomUUID(),
        tournament_id: step.t.id,
        round: r + 1,
        position,
        state: 'waiting',
        player_a: null,
        player_b: null,
      });
    }
  }
  for (const m of plan.firstRound) {
    const row = slot(1, m.position);
    row.player_a = bySeed[m.a - 1]!;
    row.player_b = m.b === null ? null : bySeed[m.b - 1]!;
    if (m.b !== null) continue;
    // A bye: decided now, the seed goes straight to round 2.
    Object.assign(row, {
      state: 'finished',
      winner_id: row.player_a,
      reason: 'bye',
      finished_at: step.now,
    });
    const next = nextSlot(plan, 1, m.position)!;
    slot(next.round, next.position)[next.side === 0 ? 'player_a' : 'player_b'] = row.player_a;
  }
  return { rounds: plan.rounds, rows };
}

function roundRobinMatches(
  step: Step,
  bySeed: string[],
): { rounds: number; rows: Partial<repo.TMatchRow>[] } {
  const schedule = roundRobinSchedule(bySeed.length);
  const rows = schedule.flatMap((r) =>
    r.pairs.map((pair, position) => ({
      id: randomUUID(),
      tournament_id: step.t.id,
      round: r.round,
      position,
      state: 'waiting' as const,
      player_a: bySeed[pair.a]!,
      player_b: bySeed[pair.b]!,
    })),
  );
  return { rounds: schedule.length, rows };
}

export async function startInStep(step: Step): Promise<void> {
  const { t, trx, now } = step;
  if (t.state !== 'registration')
    throw new AppError('CONFLICT', `The tournament is ${t.state}, not open for a start`);
  if (step.players.size < 2)
    throw new AppError(
      'CONFLICT',
      `A tournament needs at least 2 players to start (it has ${step.players.size})`,
    );
  const bySeed = await seedPlayers(step);
  const { rounds, rows } =
    t.format === 'single_elimination'
      ? eliminationMatches(step, bySeed)
      : roundRobinMatches(step, bySeed);
  await repo.insertRounds(
    trx,
    Array.from({ length: rounds }, (_, i) => ({
      tournament_id: t.id,
      number: i + 1,
      state: 'pending' as const,
      started_at: null,
      finished_at: null,
    })),
  );
  await repo.insertMatches(trx, rows);
  await repo.insertStandings(
    trx,
    bySeed.map((userId) => ({ tournament_id: t.id, user_id: userId })),
  );
  Object.assign(t, { state: 'running', started_at: now, rounds_total: rounds });
  await repo.updateTournament(trx, t.id, {
    state: 'running',
    started_at: now,
    rounds_total: rounds,
  });
  await beginRound(step, 1);
  await settle(step);
}
