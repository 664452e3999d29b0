/**
 * What the matchmaking services need, built once by the composition root: the
 * database, the clock every wait is measured with (tests inject a manual
 * one), the window rule, the queue store (this process's memory, or Redis
 * for the whole deployment), the games deps (matches are started through
 * `createMatchFromQueue`), and two ports onto the WebSocket gateway: who has
 * a socket on any instance, and pushing a message to a user wherever their
 * sockets are.
 */
import type { Knex } from 'knex';
import type { GameSettings } from '../../contract/game.ts';
import type { MessageOf } from '../../contract/messages.ts';
import type { Clock } from '../../core/clock.ts';
import type { MatchmakingConfig } from '../../core/config.ts';
import type { Logger } from '../../core/logger.ts';
import type { MatchmakingMetrics } from '../../core/matchmaking-metrics.ts';
import type { GamesDeps } from '../games/deps.ts';
import { createMemoryQueueStore, type QueueStore } from './queue.ts';

export type QueuePush = MessageOf<'queue.matched'> | MessageOf<'queue.status'>;

export interface MatchmakingDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  config: MatchmakingConfig;
  queue: QueueStore;
  games: GamesDeps;
  metrics?: MatchmakingMetrics;
  /** Settings of queue matches; the defaults when unset (tests shorten matches with it). */
  settings?: GameSettings;
  /** Those of these users with an open WebSocket on any instance (where `queue.matched` can reach them). */
  online(userIds: readonly string[]): Promise<Set<string>>;
  /** Sends a queue message to every socket of the user, on every instance. */
  push(userId: string, message: QueuePush): Promise<void>;
}

export type MatchmakingDepsOptions = Omit<MatchmakingDeps, 'queue'> & { queue?: QueueStore };

/** The deps; the queue in this process's memory unless a store is given. */
export function createMatchmakingDeps(options: MatchmakingDepsOptions): MatchmakingDeps {
  return { ...options, queue: options.queue ?? createMemoryQueueStore() };
}
