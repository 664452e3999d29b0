/**
 * What happens in the database when the runner reports a match: its live
 * state changes (ready, countdown, playing), and its end — ONE transaction
 * storing the outcome, per-player points and hits, match statistics, the
 * score timeline, the input log and, for ranked public matches between two
 * users that were played, the Glicko-2 rating change. It runs after the match
 * has left the loop, so the tick never waits for it.
 */
import type { LiveState, MatchSpec } from '../../game/live-match.ts';
import type { MatchResult, RunnerHooks } from '../../game/runner.ts';
import type { RatingChanges } from './result-keeper.ts';
import { rateFinishedMatch } from './rate-finished.ts';
import { queueWrite, type GamesDeps, type MatchEnded } from './deps.ts';
import * as repo from './repo.ts';

const userIdsOf = (spec: MatchSpec): string[] =>
  spec.players.flatMap((p) => ('userId' in p ? [p.userId] : []));

export function runnerHooks(deps: GamesDeps): RunnerHooks {
  return {
    onState: (spec, state) => void recordState(deps, spec, state),
    onEnd: (result) => deps.results.submit(result),
  };
}

/** Mirrors a live state change into the database (and presence once the countdown starts). */
export function recordState(deps: GamesDeps, spec: MatchSpec, state: LiveState): Promise<void> {
  const now = new Date(deps.clock.now());
  if (state === 'countdown')
    for (const id of userIdsOf(spec))
      void deps
        .setInGame(id, spec.id)
        .catch((err: unknown) => deps.logger.warn({ err }, 'presence update failed'));
  return queueWrite(deps, spec.id, async () => {
    await repo.setMatchState(
      deps.db,
      spec.id,
      state,
      state === 'playing' ? { started_at: now } : {},
    );
  }).catch((err: unknown) =>
    deps.logger.error({ err, 'game.match.id': spec.id }, 'storing a match state failed'),
  );
}

/** Ranked, public, two users, and played to a result (a forfeit counts as a loss). */
function isRated(result: MatchResult): boolean {
  const { spec, decision } = result;
  return (
    spec.ranked &&
    spec.visibility === 'public' &&
    spec.kind !== 'bot' &&
    userIdsOf(spec).length === 2 &&
    result.stats !== null &&
    decision.outcome !== 'aborted'
  );
}

/**
 * The end transaction, idempotent: a match already ended is not written
 * again (a retry after a commit whose answer was lost), and its stored rating
 * changes are returned. `endedAt` is when the match ended, not when this runs.
 */
export async function storeResult(
  deps: GamesDeps,
  result: MatchResult,
  endedAt: number,
): Promise<{ ratingChanges: RatingChanges }> {
  const { spec, decision, stats } = result;
  const now = new Date(endedAt);
  let changes: RatingChanges = [null, null];
  let stored = false;
  await queueWrite(deps, spec.id, () =>
    deps.db.transaction(async (trx) => {
      const points = stats
        ? stats.players
        : ([
            { points: 0, hits: 0 },
            { points: 0, hits: 0 },
          ] as const);
      stored = await repo.endMatch(
        trx,
        spec.id,
        {
          state: decision.outcome,
          reason: decision.reason,
          winner_side: decision.winnerSide,
          left_score: result.score[0],
          right_score: result.score[1],
          ticks: result.ticks,
          duration_sec: stats?.durationSec ?? null,
          longest_rally: stats?.longestRally ?? null,
          average_rally: stats?.averageRally ?? null,
          max_ball_speed: stats?.maxBallSpeed ?? null,
          ended_at: now,
        },
        [{ ...points[0] }, { ...points[1] }],
      );
      if (!stored) {
        changes = await repo.storedRatingChanges(trx, spec.id);
        return;
      }
      if (stats) await repo.insertTimeline(trx, spec.id, stats.timeline);
      if (result.inputLog !== null) await repo.insertInputLog(trx, spec.id, result.inputLog);
      if (isRated(result))
        changes = await rateFinishedMatch(trx, {
          id: spec.id,
          userIds: userIdsOf(spec) as [string, string],
          winner: result.decision.winnerSide,
          at: now,
        });
    }),
  );
  for (const id of userIdsOf(spec))
    void deps
      .setInGame(id, null)
      .catch((err: unknown) => deps.logger.warn({ err }, 'presence update failed'));
  deps.logger.info(
    {
      'game.match.id': spec.id,
      'game.match.kind': spec.kind,
      'game.match.outcome': decision.outcome,
      'game.match.reason': decision.reason,
      'game.match.score': result.score.join(':'),
    },
    'match ended',
  );
  if (stored) await notifyListeners(deps, result);
  return { ratingChanges: changes };
}

async function notifyListeners(deps: GamesDeps, result: MatchResult): Promise<void> {
  const { spec, decision } = result;
  const event: MatchEnded = {
    matchId: spec.id,
    kind: spec.kind,
    ranked: spec.ranked,
    outcome: decision.outcome,
    reason: decision.reason,
    winnerSide: decision.winnerSide,
    players: [0, 1].map((i) => {
      const p = spec.players[i]!;
      return 'userId' in p ? p.userId : null;
    }) as [string | null, string | null],
    score: result.score,
    started: result.stats !== null,
  };
  for (const listener of deps.endListeners) {
    try {
      await listener(event);
    } catch (err) {
      deps.logger.error({ err, 'game.match.id': spec.id }, 'a match end listener failed');
    }
  }
}
