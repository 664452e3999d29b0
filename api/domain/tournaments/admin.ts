/**
 * The creator's and admins' actions (and the scheduler's start at startsAt):
 * start, pause, resume, cancel, kick, and overriding a match result. Each is
 * one step under the tournament's lock, recorded in the audit log in the
 * same transaction.
 */
import type { TournamentView } from '../../contract/tournaments.ts';
import { AppError } from '../../contract/errors.ts';
import { type Actor, actorUserId, auditNameOf } from '../actors.ts';
import type { RecordAudit } from '../audit/service.ts';
import type { TournamentDeps } from './deps.ts';
import { recordResult, settle, type Step } from './progress.ts';
import * as repo from './repo.ts';
import { loadView, requireOrganizer } from './service.ts';
import { startInStep } from './start.ts';
import { runStep } from './steps.ts';

interface ActionInput {
  id: string;
  requestId?: string;
}

function audit(
  record: RecordAudit,
  actor: Actor,
  entry: {
    action: string;
    t: repo.TournamentRow;
    requestId?: string;
    details?: Record<string, unknown>;
  },
) {
  return record({
    actor: auditNameOf(actor),
    actorId: actorUserId(actor),
    action: entry.action,
    target: entry.t.id,
    requestId: entry.requestId,
    details: { tournament: entry.t.name, ...entry.details },
  });
}

/** One organiser action: permission, the change, its audit row, then the fresh view. */
async function act(
  deps: TournamentDeps,
  actor: Actor,
  input: ActionInput & { action: string },
  change: (step: Step) => Promise<Record<string, unknown> | void>,
): Promise<TournamentView> {
  await runStep(deps, input.id, async (step, record) => {
    requireOrganizer(actor, step.t);
    const details = await change(step);
    await audit(record, actor, {
      action: input.action,
      t: step.t,
      requestId: input.requestId,
      details: details ?? {},
    });
  });
  return loadView(deps, input.id);
}

export function startTournament(
  deps: TournamentDeps,
  actor: Actor,
  input: ActionInput,
): Promise<TournamentView> {
  return act(deps, actor, { ...input, action: 'tournament.start' }, async (step) => {
    await startInStep(step);
    return { players: step.players.size };
  });
}

/** The scheduler's start at startsAt; with fewer than two players the tournament is cancelled instead. */
export async function startDue(deps: TournamentDeps, id: string): Promise<void> {
  const system: Actor = { kind: 'system' };
  await runStep(deps, id, async (step, record) => {
    if (
      step.t.state !== 'registration' ||
      !step.t.starts_at ||
      new Date(step.t.starts_at).getTime() > step.now.getTime()
    )
      return;
    if (step.players.size >= 2) {
      await startInStep(step);
      await audit(record, system, {
        action: 'tournament.start',
        t: step.t,
        details: { players: step.players.size, scheduled: true },
      });
      return;
    }
    await cancelInStep(step, 'too few players at the start time');
    await audit(record, system, {
      action: 'tournament.cancel',
      t: step.t,
      details: { reason: 'too few players', players: step.players.size },
    });
  });
}

export function pauseTournament(
  deps: TournamentDeps,
  actor: Actor,
  input: ActionInput,
): Promise<TournamentView> {
  return act(deps, actor, { ...input, action: 'tournament.pause' }, async ({ t, trx }) => {
    if (t.state !== 'running')
      throw new AppError('CONFLICT', `Only a running tournament can be paused (it is ${t.state})`);
    t.state = 'paused';
    await repo.updateTournament(trx, t.id, { state: 'paused' });
  });
}

export function resumeTournament(
  deps: TournamentDeps,
  actor: Actor,
  input: ActionInput,
): Promise<TournamentView> {
  return act(deps, actor, { ...input, action: 'tournament.resume' }, async (step) => {
    const { t, trx, now } = step;
    if (t.state !== 'paused')
      throw new AppError('CONFLICT', `Only a paused tournament can be resumed (it is ${t.state})`);
    t.state = 'running';
    await repo.updateTournament(trx, t.id, { state: 'running' });
    // Players waiting for a game get a fresh join window; scheduled matches get their games.
    for (const m of await repo.matchesOf(trx, t.id, t.current_round)) {
      if (m.state !== 'scheduled' && m.state !== 'ready') continue;
      await repo.updateMatch(trx, m.id, { scheduled_at: now });
      if (m.state === 'scheduled') step.fx.launch.push(m.id);
    }
    await settle(step);
  });
}

async function cancelInStep(step: Step, reason: string): Promise<void> {
  const { t, trx, now } = step;
  if (t.state === 'finished' || t.state === 'cancelled')
    throw new AppError('CONFLICT', `The tournament is already ${t.state}`);
  for (const m of await repo.matchesOf(trx, t.id)) {
    if (m.state === 'finished' || m.state === 'cancelled') continue;
    if (m.state === 'ready' && m.game_id)
      step.fx.end.push({
        gameId: m.game_id,
        decision: { outcome: 'aborted', reason: 'tournament: cancelled', winnerSide: null },
      });
    await repo.updateMatch(trx, m.id, { state: 'cancelled' });
  }
  Object.assign(t, { state: 'cancelled', finished_at: now });
  await repo.updateTournament(trx, t.id, { state: 'cancelled', finished_at: now });
  for (const p of step.players.values()) {
    step.fx.notify.push({
      userId: p.user_id,
      type: 'system',
      payload: {
        event: 'tournament_cancelled',
        tournamentId: t.id,
        tournament: t.name,
        reason,
        title: `${t.name} was cancelled`,
        body: reason,
      },
    });
  }
}

export function cancelTournament(
  deps: TournamentDeps,
  actor: Actor,
  input: ActionInput,
): Promise<TournamentView> {
  return act(deps, actor, { ...input, action: 'tournament.cancel' }, (step) =>
    cancelInStep(step, 'cancelled by the organiser'),
  );
}

/** Before the start the registration goes; after it the player forfeits their open and future matches. */
export function kickPlayer(
  deps: TournamentDeps,
  actor: Actor,
  input: ActionInput & { username: string },
): Promise<TournamentView> {
  return act(deps, actor, { ...input, action: 'tournament.kick' }, async (step) => {
    const { t, trx } = step;
    const player = [...step.players.values()].find(
      (p) => p.username?.toLowerCase() === input.username.toLowerCase(),
    );
    if (!player)
      throw new AppError('NOT_FOUND', `${input.username} is not registered in this tournament`);
    const notice = {
      tournamentId: t.id,
      tournament: t.name,
      title: `You were removed from ${t.name}`,
    };
    if (t.state === 'registration') {
      await repo.deletePlayer(trx, t.id, player.user_id);
      step.players.delete(player.user_id);
      step.fx.notify.push({
        userId: player.user_id,
        type: 'system',
        payload: { event: 'tournament_kicked', ...notice, body: 'Your registration was removed' },
      });
      return { username: player.username, alias: player.alias, before: 'start' };
    }
    if (t.state !== 'running' && t.state !== 'paused')
      throw new AppError('CONFLICT', `The tournament is ${t.state}`);
    if (player.status !== 'active')
      throw new AppError('CONFLICT', `${input.username} is already out (${player.status})`);
    player.status = 'forfeited';
    await repo.updatePlayer(trx, t.id, player.user_id, { status: 'forfeited' });
    step.fx.notify.push({
      userId: player.user_id,
      type: 'system',
      payload: {
        event: 'tournament_kicked',
        ...notice,
        body: 'You forfeit your remaining matches',
      },
    });
    await settle(step);
    return { username: player.username, alias: player.alias, before: 'forfeit' };
  });
}

/**
 * Decides an open match for `winner` (username or alias); a game in progress is
 * aborted. A creator who plays may not decide their own match; an admin may.
 */
export function overrideResult(
  deps: TournamentDeps,
  actor: Actor,
  input: ActionInput & { matchId: string; winner: string; reason: string },
): Promise<TournamentView> {
  return act(deps, actor, { ...input, action: 'tournament.result_override' }, async (step) => {
    const { t, trx } = step;
    const m = await repo.findMatch(trx, t.id, input.matchId);
    if (!m) throw new AppError('NOT_FOUND', 'No such match in this tournament');
    if (t.state !== 'running' && t.state !== 'paused')
      throw new AppError('CONFLICT', `The tournament is ${t.state}`);
    if (m.state === 'finished' || m.state === 'cancelled')
      throw new AppError(
        'CONFLICT',
        `The match is already ${m.state === 'finished' ? 'decided' : 'cancelled'}`,
      );
    if (m.state === 'waiting' || m.player_a === null || m.player_b === null)
      throw new AppError('CONFLICT', 'The match has no opponents yet');
    // A creator who plays organises everyone's matches but their own: only an admin decides that one.
    if (
      actor.kind === 'user' &&
      actor.role !== 'admin' &&
      [m.player_a, m.player_b].includes(actor.id)
    )
      throw new AppError('FORBIDDEN', 'Only an admin can decide a match you play in', {
        reason: 'OWN_MATCH',
      });
    const wanted = input.winner.toLowerCase();
    const side = (['a', 'b'] as const).find((s) => {
      const p = step.players.get((s === 'a' ? m.player_a : m.player_b)!);
      return p && (p.username?.toLowerCase() === wanted || p.alias_key === wanted);
    });
    if (!side)
      throw new AppError('VALIDATION', `${input.winner} does not play in this match`, [
        { path: 'body.winner', message: 'not a player of this match', code: 'custom' },
      ]);
    // The game ends as forfeited by the loser, so every list of matches shows the decided winner.
    if (m.state === 'ready' && m.game_id)
      step.fx.end.push({
        gameId: m.game_id,
        decision: {
          outcome: 'forfeited',
          reason: 'tournament: result overridden',
          winnerSide: null,
        },
        winnerUserId: (side === 'a' ? m.player_a : m.player_b)!,
      });
    await recordResult(step, m, {
      winner: side,
      score: null,
      reason: `override: ${input.reason}`,
      forfeit: null,
    });
    await settle(step);
    const winner = step.players.get((side === 'a' ? m.player_a : m.player_b)!);
    return {
      matchId: m.id,
      round: m.round,
      winner: winner?.username ?? null,
      alias: winner?.alias ?? null,
      reason: input.reason,
      gameId: m.game_id,
    };
  });
}
