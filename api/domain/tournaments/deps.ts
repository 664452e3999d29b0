/**
 * What the tournament services need, built once by the composition root: the
 * database, the clock (the scheduler's "now"; tests inject a manual one),
 * loggers, the join timeout, the games deps (to create matches and end them),
 * the notification port and the metrics. `lifecycle.closed` stops new games
 * once the server is shutting down.
 */
import type { Knex } from 'knex';
import type { NotificationType } from '../../contract/notifications.ts';
import type { Clock } from '../../core/clock.ts';
import type { TournamentConfig } from '../../core/config.ts';
import type { Logger } from '../../core/logger.ts';
import type { TournamentMetrics } from '../../core/tournament-metrics.ts';
import type { GamesDeps } from '../games/deps.ts';

/** Stores and pushes a notification (api/domain/notifications). */
export type TournamentNotify = (
  userId: string,
  type: NotificationType,
  payload: Record<string, unknown>,
) => Promise<void>;

export interface TournamentDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  auditLogger: Logger;
  config: TournamentConfig;
  games: GamesDeps;
  notify: TournamentNotify;
  metrics: TournamentMetrics;
  lifecycle: { closed: boolean };
  /** Whether this instance runs the scheduler (it holds the scheduler's lease, or runs alone). */
  isLeader(): boolean;
}
