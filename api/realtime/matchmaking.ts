/**
 * Matchmaking over the WebSocket: builds the queue's deps on the gateway
 * (a user queues only with an open socket here; queue messages go to all of
 * the user's sockets), registers queue.join / queue.leave, drops the ticket
 * when the user's last socket closes, and runs the matcher's timer.
 *
 * The queue lives in this process's memory, like the matches it starts. With
 * REDIS_URL and several instances each instance has its own queue and pairs
 * only the users whose sockets it holds (see the README).
 */
import type { Knex } from 'knex';
import type { Clock } from '../core/clock.ts';
import type { MatchmakingConfig } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import type { MatchmakingMetrics } from '../core/matchmaking-metrics.ts';
import type { GamesDeps } from '../domain/games/deps.ts';
import { createMatchmakingDeps, type MatchmakingDeps } from '../domain/matchmaking/deps.ts';
import { startMatcher } from '../domain/matchmaking/matcher.ts';
import { dropTicket, joinQueue, leaveQueue } from '../domain/matchmaking/service.ts';
import type { Actor } from '../http/context.ts';
import type { Connection } from './connection.ts';
import type { Gateway } from './gateway.ts';

export interface MatchmakingOptions {
  db: Knex;
  clock: Clock;
  logger: Logger;
  config: MatchmakingConfig;
  gateway: Gateway;
  games: GamesDeps;
  metrics?: MatchmakingMetrics;
  /** Run the matcher's timer (default true); tests may drive `runMatcher` themselves. */
  autoMatch?: boolean;
}

export interface Matchmaking {
  deps: MatchmakingDeps;
  /** Stops the matcher and empties the queue (shutdown: before the runner closes). */
  close(): void;
}

function actorOf(conn: Connection): Actor {
  return { kind: 'user', id: conn.userId, role: conn.role, sessionId: conn.sessionId };
}

export function startMatchmaking(options: MatchmakingOptions): Matchmaking {
  const { gateway } = options;
  const deps = createMatchmakingDeps({
    db: options.db,
    clock: options.clock,
    logger: options.logger,
    config: options.config,
    games: options.games,
    metrics: options.metrics,
    hasSocket: (userId) => gateway.socketsOf(userId).length > 0,
    push: (userId, message) => gateway.sendToUsers([userId], message),
  });
  gateway.handle('queue.join', async ({ conn, message, reply }) => {
    const status = await joinQueue(deps, actorOf(conn), { mode: message.mode });
    reply({ type: 'queue.status', ...status });
  });
  gateway.handle(
    'queue.leave',
    ({ conn, reply }) => void reply({ type: 'queue.status', ...leaveQueue(deps, actorOf(conn)) }),
  );
  // The registry has already forgotten the closed socket when listeners run.
  gateway.onDisconnect((conn) => {
    if (gateway.socketsOf(conn.userId).length === 0) dropTicket(deps, conn.userId, 'disconnected');
  });
  const stop = options.autoMatch === false ? () => undefined : startMatcher(deps);
  return {
    deps,
    close() {
      stop();
      for (const ticket of deps.queue.tickets()) deps.queue.take(ticket.userId);
    },
  };
}
