/**
 * What the matchmaking services need, built once by the composition root: the
 * database, the clock every wait is measured with (tests inject a manual
 * one), the window rule, the in-memory queue, the games deps (matches are
 * started through `createMatchFromQueue`), and two ports onto the WebSocket
 * gateway: whether a user has a socket here, and pushing a message to a user.
 */
import type { Knex } from 'knex';
import type { GameSettings } from '../../contract/game.ts';
import type { MessageOf } from '../../contract/messages.ts';
import type { Clock } from '../../core/clock.ts';
import type { MatchmakingConfig } from '../../core/config.ts';
import type { Logger } from '../../core/logger.ts';
import type { MatchmakingMetrics } from '../../core/matchmaking-metrics.ts';
import type { GamesDeps } from '../games/deps.ts';
import { MatchQueue } from './queue.ts';

export type QueuePush = MessageOf<'queue.matched'> | MessageOf<'queue.status'>;

export interface MatchmakingDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  config: MatchmakingConfig;
  queue: MatchQueue;
  games: GamesDeps;
  metrics?: MatchmakingMetrics;
  /** Settings of queue matches; the defaults when unset (tests shorten matches with it). */
  settings?: GameSettings;
  /** True when the user has an open WebSocket on this instance (where the match will run). */
  hasSocket(userId: string): boolean;
  /** Sends a queue message to every socket of the user. */
  push(userId: string, message: QueuePush): Promise<void>;
}

export type MatchmakingDepsOptions = Omit<MatchmakingDeps, 'queue'>;

export function createMatchmakingDeps(options: MatchmakingDepsOptions): MatchmakingDeps {
  return { ...options, queue: new MatchQueue() };
}
