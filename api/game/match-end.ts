/**
 * A match's end, once it has left the loop: its result as the end's
 * transaction stores it, and `game.end` to everyone who was there, sent when
 * the hook says whether the result is stored yet (and each side's rating change).
 */
import { sendEnd, sendHeld } from './broadcast.ts';
import { encodeInputLog } from './input-log.ts';
import type { LiveMatch, Peer } from './live-match.ts';
import { summarizeStats } from './match-stats.ts';
import type { MatchResult, RunnerOptions } from './runner-types.ts';

/** The result of a match that has ended (`match.ending` is set). */
export function resultOf(match: LiveMatch): MatchResult {
  const { engine } = match;
  return {
    spec: match.spec,
    decision: match.ending!,
    score: [engine.leftScore, engine.rightScore],
    ticks: engine.tick,
    stats: match.started ? summarizeStats(match.stats, engine.tick) : null,
    inputLog: match.started ? encodeInputLog(match.log) : null,
  };
}

/**
 * Sends at once the events a spectator group was still owed (spectators.ts),
 * hands the result to the hook, then sends `game.end` to `peers`; a failing
 * hook is logged, not thrown.
 */
export async function storeAndAnnounce(
  options: Pick<RunnerOptions, 'hooks' | 'transport' | 'logger'>,
  match: LiveMatch,
  result: MatchResult,
  peers: Peer[],
): Promise<void> {
  sendHeld(options.transport, match);
  let changes: [number | null, number | null] = [null, null];
  let stored = false;
  try {
    const end = await options.hooks.onEnd(result);
    stored = end.stored;
    if (end.ratingChanges) changes = end.ratingChanges;
  } catch (err) {
    options.logger.error({ err, 'game.match.id': result.spec.id }, 'storing a match result failed');
  }
  sendEnd(options.transport, match, { result, changes, stored, peers });
  options.transport.flush?.();
}
