/**
 * Builds the tournaments area for the composition root: its deps, the
 * listener that turns tournament game ends into results (registered with the
 * games layer's onMatchEnded), and the scheduler.
 */
import type { Knex } from 'knex';
import type { Clock } from '../../core/clock.ts';
import type { TournamentConfig } from '../../core/config.ts';
import type { Logger } from '../../core/logger.ts';
import type { TournamentMetrics } from '../../core/tournament-metrics.ts';
import { onMatchEnded, type GamesDeps } from '../games/deps.ts';
import type { TournamentDeps, TournamentNotify } from './deps.ts';
import { createScheduler, type TournamentScheduler } from './scheduler.ts';
import { applyGameEnd } from './steps.ts';

export interface TournamentsOptions {
  db: Knex;
  clock: Clock;
  logger: Logger;
  auditLogger: Logger;
  config: TournamentConfig;
  games: GamesDeps;
  notify: TournamentNotify;
  metrics: TournamentMetrics;
}

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
    return applyGameEnd(deps, { gameId: event.matchId, outcome: event.outcome, reason: event.reason, winnerSide: event.winnerSide, players: event.players, score: event.score });
  });
  const scheduler = createScheduler(deps);
  scheduler.start();
  return { deps, scheduler, close: () => scheduler.stop() };
}
