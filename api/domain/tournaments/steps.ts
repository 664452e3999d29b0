/**
 * Running one step of a tournament: a transaction that locks the tournament
 * row (SELECT … FOR UPDATE), so two results arriving together are applied
 * one after the other and a round can only be completed once; then, after
 * the commit, its effects: games ended, games created for scheduled matches
 * (each claimed by a conditional update so no match gets two), notifications
 * and metrics. Game ends come in through `applyGameEnd`.
 */
import { AppError } from '../../contract/errors.ts';
import type { Outcome as GameOutcome } from '../../game/live-match.ts';
import { withAudit, type RecordAudit } from '../audit/service.ts';
import { createTournamentMatch } from '../games/service.ts';
import type { TournamentDeps } from './deps.ts';
import {
  noEffects,
  recordResult,
  settle,
  type Effects,
  type Outcome,
  type Step,
} from './progress.ts';
import * as repo from './repo.ts';
import { settingsOf } from './views.ts';

/** Runs `fn` under the tournament's lock (audited when `audit` is set), then its effects. */
export async function runStep<T>(
  deps: TournamentDeps,
  tournamentId: string,
  fn: (step: Step, record: RecordAudit) => Promise<T>,
): Promise<T> {
  const fx = noEffects();
  let format: repo.Format = 'single_elimination';
  const result = await withAudit(
    { db: deps.db, auditLogger: deps.auditLogger },
    async (trx, record) => {
      const t = await repo.lockTournament(trx, tournamentId);
      if (!t) throw new AppError('NOT_FOUND', 'No such tournament');
      format = t.format;
      const players = new Map((await repo.playersOf(trx, t.id)).map((p) => [p.user_id, p]));
      return fn({ trx, t, players, now: new Date(deps.clock.now()), fx }, record);
    },
  );
  await applyEffects(deps, fx, format);
  return result;
}

export async function applyEffects(
  deps: TournamentDeps,
  fx: Effects,
  format: repo.Format,
): Promise<void> {
  for (const { gameId, decision, winnerUserId } of fx.end) {
    const seat = (await repo.gameSides(deps.db, gameId)).indexOf(winnerUserId ?? null);
    const winnerSide = seat === 0 || seat === 1 ? seat : decision.winnerSide;
    await deps.games.host.end(gameId, { ...decision, winnerSide }).catch((err: unknown) => {
      // Not live any more: it ended on its own meanwhile, and that end decides.
      if (!(err instanceof AppError && err.code === 'NOT_FOUND'))
        deps.logger.warn({ err, 'game.match.id': gameId }, 'ending a tournament game failed');
    });
  }
  for (let i = 0; i < fx.roundsCompleted; i++) deps.metrics.roundCompleted(format);
  deps.metrics.forfeits(fx.forfeits);
  for (const id of fx.launch) await launchMatch(deps, id);
  for (const n of fx.notify)
    await deps
      .notify(n.userId, n.type, n.payload)
      .catch((err: unknown) => deps.logger.warn({ err }, 'tournament notification failed'));
}

/**
 * Creates the game of a scheduled match and tells both players whom they
 * play and by when they must join. A player busy in another game leaves it
 * scheduled: the scheduler tries again until the join timeout decides.
 */
export async function launchMatch(deps: TournamentDeps, matchId: string): Promise<void> {
  if (deps.lifecycle.closed) return;
  const claimed = await deps.db.transaction(async (trx) => {
    const m = await repo.getMatch(trx, matchId);
    if (!m || m.state !== 'scheduled') return null;
    const t = await repo.lockTournament(trx, m.tournament_id);
    if (!t || t.state !== 'running') return null;
    return (await repo.transitionMatch(
      trx,
      m.id,
      { state: 'scheduled' },
      { state: 'ready', game_id: null },
    ))
      ? { m, t }
      : null;
  });
  if (!claimed || claimed.m.player_a === null || claimed.m.player_b === null) return;
  const { m, t } = claimed;
  let gameId: string;
  try {
    const spec = await createTournamentMatch(deps.games, {
      a: m.player_a!,
      b: m.player_b!,
      settings: settingsOf(t),
    });
    gameId = spec.id;
  } catch (err) {
    await repo.transitionMatch(
      deps.db,
      m.id,
      { state: 'ready', gameId: null },
      { state: 'scheduled' },
    );
    deps.logger.info(
      { err, 'tournament.id': t.id },
      'tournament game not created yet; the scheduler retries',
    );
    return;
  }
  if (
    !(await repo.transitionMatch(
      deps.db,
      m.id,
      { state: 'ready', gameId: null },
      { game_id: gameId },
    ))
  ) {
    // Decided or cancelled meanwhile: the game is not wanted.
    await deps.games.host
      .end(gameId, { outcome: 'aborted', reason: 'tournament: match decided', winnerSide: null })
      .catch(() => undefined);
    return;
  }
  await announce(deps, { t, m, gameId });
}

async function announce(
  deps: TournamentDeps,
  input: { t: repo.TournamentRow; m: repo.TMatchRow; gameId: string },
): Promise<void> {
  const { t, m, gameId } = input;
  const players = new Map((await repo.playersOf(deps.db, t.id)).map((p) => [p.user_id, p]));
  const joinBy = new Date(
    new Date(m.scheduled_at!).getTime() + deps.config.joinTimeoutMs,
  ).toISOString();
  for (const [me, other] of [
    [m.player_a!, m.player_b!],
    [m.player_b!, m.player_a!],
  ] as const) {
    const opponent = players.get(other);
    await deps
      .notify(me, 'tournament_match_ready', {
        tournamentId: t.id,
        tournament: t.name,
        round: m.round,
        matchId: m.id,
        // The id the result endpoint takes, named so it cannot be taken for the game's.
        tournamentMatchId: m.id,
        gameId,
        joinBy,
        opponent: opponent?.username ?? null,
        opponentAlias: opponent?.alias ?? null,
        alias: players.get(me)?.alias ?? null,
        title: `${t.name}, round ${m.round}: your match is ready`,
        body: `You (${players.get(me)?.alias}) play ${opponent?.alias} (${opponent?.username}); join before ${joinBy}`,
      })
      .catch((err: unknown) => deps.logger.warn({ err }, 'tournament notification failed'));
  }
}

/** How a game ended, from the runner's listener or, when that was missed, from the stored match. */
export interface GameEnd {
  gameId: string;
  outcome: GameOutcome;
  reason: string;
  winnerSide: 0 | 1 | null;
  players: [string | null, string | null];
  score: [number, number];
}

/** A result, or 'replay' when the game decided nothing (aborted, or a draw where someone must advance). */
function outcomeOf(m: repo.TMatchRow, format: repo.Format, g: GameEnd): Outcome | 'replay' {
  const aIsLeft = g.players[0] === m.player_a;
  const score: [number, number] = aIsLeft ? [g.score[0], g.score[1]] : [g.score[1], g.score[0]];
  if (g.outcome === 'aborted') {
    return g.reason === 'not_ready' || g.reason === 'join_timeout'
      ? { winner: null, score: null, reason: 'double_forfeit', forfeit: 'both' }
      : 'replay';
  }
  if (g.winnerSide === null)
    return format === 'round_robin'
      ? { winner: null, score, reason: g.reason, forfeit: null }
      : 'replay';
  const winner = g.players[g.winnerSide] === m.player_a ? 'a' : 'b';
  const loser = winner === 'a' ? 'b' : 'a';
  return { winner, score, reason: g.reason, forfeit: g.outcome === 'forfeited' ? loser : null };
}

/** Applies a game's end to its tournament match (once: a second call finds it decided and does nothing). */
export async function applyGameEnd(deps: TournamentDeps, g: GameEnd): Promise<void> {
  const found = await repo.matchByGame(deps.db, g.gameId);
  if (!found) return;
  await runStep(deps, found.tournament_id, async (step) => {
    const m = await repo.findMatch(step.trx, step.t.id, found.id);
    if (!m || m.state !== 'ready' || m.game_id !== g.gameId) return;
    if (step.t.state !== 'running' && step.t.state !== 'paused') return;
    const outcome = outcomeOf(m, step.t.format, g);
    if (outcome === 'replay') {
      // A player who walked out before play keeps their join clock; otherwise it starts again.
      await repo.updateMatch(step.trx, m.id, {
        state: 'scheduled',
        game_id: null,
        scheduled_at: g.reason === 'left' ? m.scheduled_at : step.now,
      });
      return;
    }
    await recordResult(step, m, outcome);
    await settle(step);
  });
}
