/**
 * Builds the tournaments area for the composition root: its deps, the
 * listener that turns tournament game ends into results (registered with the
 * games layer's onMatchEnded), and the scheduler.
 */
import { holdLease, type LeaseBackend } from '../../core/lease.ts';
import { onMatchEnded } from '../games/deps.ts';
import type { TournamentDeps } from './deps.ts';
import { createScheduler, type TournamentScheduler } from './scheduler.ts';
import { applyGameEnd } from './steps.ts';

/** What the composition root passes: the dependencies, without the runtime's own lifecycle flag. */
export type TournamentsOptions = Omit<TournamentDeps, 'lifecycle' | 'isLeader'> & {
  /** Several instances: the scheduler runs only on the holder of this lease. */
  lease?: { backend: LeaseBackend; ttlMs: number };
};

export interface Tournaments {
  deps: TournamentDeps;
  scheduler: TournamentScheduler;
  /** Stops the scheduler and game creation; call before the games close. */
  close(): Promise<void>;
}

export function startTournaments(options: TournamentsOptions): Tournaments {
  const { lease: leaseOptions, ...rest } = options;
  const lease =
    leaseOptions &&
    holdLease(leaseOptions.backend, 'tournament-scheduler', {
      ttlMs: leaseOptions.ttlMs,
      logger: options.logger,
    });
  const deps: TournamentDeps = {
    ...rest,
    lifecycle: { closed: false },
    isLeader: () => lease?.held ?? true,
  };
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
  return {
    deps,
    scheduler,
    close: async () => {
      await scheduler.stop();
      await lease?.stop();
    },
  };
}
