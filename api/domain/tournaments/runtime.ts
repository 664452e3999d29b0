/**
 * Builds the tournaments area for the composition root: its deps, the
 * listener that turns tournament game ends into results (registered with the
 * games layer's onMatchEnded), and the scheduler.
 */
import { onMatchEnded } from '../games/deps.ts';
import type { TournamentDeps } from './deps.ts';
import { createScheduler, type TournamentScheduler } from './scheduler.ts';
import { applyGameEnd } from './steps.ts';

/** What the composition root passes: the dependencies, without the runtime's own lifecycle flag. */
export type TournamentsOptions = Omit<TournamentDeps, 'lifecycle'>;

export interface Tournaments {
  deps: TournamentDeps;
  scheduler: TournamentScheduler;
  /** Stops the scheduler and game creation; call before the games close. */
  close(): Promise<void>;
}

export function startTournaments(options: TournamentsOptions): Tournaments {
  const deps: TournamentDeps = { ...options, lifecycle: { closed: false } };
  onMatchEnded(options.games, (event) => {
    if (event.kind !== 'tournament') return;
    return applyGameEnd(deps, {
      gameId: event.matchId,
      outcome: event.outcome,
      reason: event.reason,
      winnerSide: event.winnerSide,
      players: event.players,
      score: event.score,
    });
  });
  const scheduler = createScheduler(deps);
  scheduler.start();
  return { deps, scheduler, close: () => scheduler.stop() };
}
