/**
 * Without Redis a match lives only in the memory of the process that runs
 * it: after a restart nothing holds those still marked live, so they are
 * ended. (With Redis the sweeper takes them over or ends them:
 * api/realtime/cluster/sweeper.ts.)
 */
import type { GamesDeps } from './deps.ts';
import * as repo from './repo.ts';

export async function abortLeftoverMatches(deps: GamesDeps): Promise<void> {
  // A result still held (the database refused it at start) is the match's true end: it is not aborted.
  const held = deps.results.pendingIds();
  const stale = (await repo.staleMatches(deps.db)).filter(({ id }) => !held.has(id));
  const now = new Date(deps.clock.now());
  for (const { id } of stale) {
    await repo.endMatch(
      deps.db,
      id,
      {
        state: 'aborted',
        reason: 'server_restart',
        winner_side: null,
        left_score: 0,
        right_score: 0,
        ticks: 0,
        duration_sec: null,
        longest_rally: null,
        average_rally: null,
        max_ball_speed: null,
        ended_at: now,
      },
      [
        { points: 0, hits: 0 },
        { points: 0, hits: 0 },
      ],
    );
  }
  if (stale.length > 0)
    deps.logger.warn(
      { 'game.matches': stale.length },
      'matches left live by a previous run were aborted',
    );
}
