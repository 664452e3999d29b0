/**
 * The tournament scheduler: every TOURNAMENT_SCHEDULER_INTERVAL_MS it starts
 * tournaments whose startsAt has come, creates games for scheduled matches
 * (a player was busy before), applies game ends it missed (a restart), and
 * enforces the join timeout: a player who has not joined and readied within
 * TOURNAMENT_JOIN_TIMEOUT_MS of the announcement forfeits, both absent is a
 * double forfeit. "Now" comes from the injected clock, so tests move time
 * and call `tick()` themselves. It also sets the tournament gauges.
 */
import { liveMatchOf } from '../games/owner-repo.ts';
import type { GameEnd } from './steps.ts';
import { startDue } from './admin.ts';
import type { TournamentDeps } from './deps.ts';
import { recordResult, settle } from './progress.ts';
import * as repo from './repo.ts';
import { applyGameEnd, launchMatch, runStep } from './steps.ts';

export interface TournamentScheduler {
  /** One pass; resolves when everything it started has been stored. */
  tick(): Promise<void>;
  start(): void;
  /** Stops the timer and the creation of games (shutdown). */
  stop(): Promise<void>;
}

const endedGameStates = new Set(['finished', 'aborted', 'forfeited']);

/** Nobody could be given a game in time: whoever is busy in another game forfeits, else both do. */
async function timeoutWithoutGame(deps: TournamentDeps, m: repo.TMatchRow): Promise<void> {
  await runStep(deps, m.tournament_id, async (step) => {
    const fresh = await repo.findMatch(step.trx, step.t.id, m.id);
    if (
      !fresh ||
      step.t.state !== 'running' ||
      !(fresh.state === 'scheduled' || (fresh.state === 'ready' && fresh.game_id === null))
    )
      return;
    const busy = await Promise.all(
      [fresh.player_a, fresh.player_b].map(
        async (id) => id !== null && (await liveMatchOf(step.trx, id)) !== undefined,
      ),
    );
    const forfeit = busy[0] === busy[1] ? 'both' : busy[0] ? 'a' : 'b';
    await recordResult(step, fresh, {
      winner: forfeit === 'both' ? null : forfeit === 'a' ? 'b' : 'a',
      score: null,
      reason: forfeit === 'both' ? 'double_forfeit' : 'join_timeout',
      forfeit,
    });
    await settle(step);
  });
}

/** A game that ended without its end reaching us (stored, then the process stopped): apply it from the database. */
async function reconcile(deps: TournamentDeps, m: repo.OpenMatchRow): Promise<void> {
  const gameId = m.game_id!;
  const end: GameEnd = {
    gameId,
    outcome: m.game_state as GameEnd['outcome'],
    reason: m.game_reason ?? 'unknown',
    winnerSide: m.game_winner_side,
    players: await repo.gameSides(deps.db, gameId),
    score: await repo.gameScore(deps.db, gameId),
  };
  await applyGameEnd(deps, end);
}

/** Ends a held game whose players did not all join and ready in time; its end then decides the match. */
async function timeoutGame(deps: TournamentDeps, gameId: string): Promise<void> {
  const live = await deps.games.host.live(gameId);
  // Play has begun (or it ended meanwhile): the match's own rules apply from here.
  if (!live || live.state !== 'ready') return;
  const { present } = live;
  if (present[0] && present[1]) return;
  const decision =
    present[0] || present[1]
      ? {
          outcome: 'forfeited' as const,
          reason: 'join_timeout',
          winnerSide: (present[0] ? 0 : 1) as 0 | 1,
        }
      : { outcome: 'aborted' as const, reason: 'join_timeout', winnerSide: null };
  await deps.games.host.end(gameId, decision);
}

async function supervise(deps: TournamentDeps, m: repo.OpenMatchRow, now: number): Promise<void> {
  const due =
    m.scheduled_at !== null &&
    new Date(m.scheduled_at).getTime() + deps.config.joinTimeoutMs <= now;
  if (m.game_id === null) {
    if (due) await timeoutWithoutGame(deps, m);
    else if (m.state === 'scheduled') await launchMatch(deps, m.id);
    return;
  }
  if (m.game_state !== null && endedGameStates.has(m.game_state)) return reconcile(deps, m);
  if (due) await timeoutGame(deps, m.game_id);
}

async function updateGauges(deps: TournamentDeps, now: number): Promise<void> {
  const { byState, oldestRoundStart } = await repo.gaugeCounts(deps.db);
  deps.metrics.gauges(byState, oldestRoundStart ? (now - oldestRoundStart.getTime()) / 1000 : 0);
}

export async function schedulerPass(deps: TournamentDeps): Promise<void> {
  const now = deps.clock.now();
  for (const { id } of await repo.dueStarts(deps.db, new Date(now))) {
    await startDue(deps, id).catch((err: unknown) =>
      deps.logger.error({ err, 'tournament.id': id }, 'scheduled tournament start failed'),
    );
  }
  for (const m of await repo.openMatches(deps.db)) {
    if (deps.lifecycle.closed) break;
    await supervise(deps, m, now).catch((err: unknown) =>
      deps.logger.error(
        { err, 'tournament.id': m.tournament_id },
        'tournament match supervision failed',
      ),
    );
  }
  await updateGauges(deps, now);
}

export function createScheduler(deps: TournamentDeps): TournamentScheduler {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let pending = 0;
  const tick = () => {
    // Passes never overlap: a tick during a pass runs after it.
    pending++;
    running = running
      .then(() => schedulerPass(deps))
      .catch((err: unknown) => deps.logger.error({ err }, 'tournament scheduler pass failed'))
      .finally(() => void pending--);
    return running;
  };
  return {
    tick,
    start() {
      if (timer) return;
      // The timer skips a beat while a pass is still running instead of queueing passes.
      // Several instances: only the holder of the scheduler's lease runs passes.
      timer = setInterval(
        () => void (pending === 0 && deps.isLeader() && tick()),
        deps.config.schedulerIntervalMs,
      );
      timer.unref();
    },
    async stop() {
      deps.lifecycle.closed = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
