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
    await repo.abortWithoutResult(deps.db, id, 'server_restart', now);
  }
  if (stale.length > 0)
    deps.logger.warn(
      { 'game.matches': stale.length },
      'matches left live by a previous run were aborted',
    );
}
