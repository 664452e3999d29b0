/**
 * Games on the gateway's sockets: the match runner with its transport (local
 * sockets, and with the cluster relay the sockets of other instances), the
 * game messages (game-messages.ts), seats vacated when sockets close, and
 * game.stored for a result stored late. The games domain itself is composed
 * in api/domain/games/compose.ts; api/compose/games.ts puts the two together.
 */
import type { Config } from '../core/config.ts';
import type { RunnerMetrics } from '../core/game-metrics.ts';
import type { Logger } from '../core/logger.ts';
import type { WsMetrics } from '../core/ws-metrics.ts';
import type { GamesDeps } from '../domain/games/deps.ts';
import type { RatingChanges } from '../domain/games/result-keeper.ts';
import type { MatchResult } from '../game/runner-types.ts';
import { Runner, type RunnerHooks } from '../game/runner.ts';
import { systemScheduler, type Scheduler } from '../game/ticker.ts';
import type { Cluster } from './cluster/start.ts';
import type { Relay } from './cluster/relay.ts';
import { clusterTransport } from './cluster/transport.ts';
import type { Gateway } from './gateway.ts';
import { localSocketGames, registerGameMessages } from './game-messages.ts';
import { gatewayTransport } from './game-transport.ts';

export interface SocketRunnerOptions {
  config: Config;
  logger: Logger;
  wsMetrics: WsMetrics;
  gameMetrics: RunnerMetrics;
  /** The loop's time and timers; tests may drive them. */
  scheduler?: Scheduler;
  /** With the cluster, frames for sockets on other instances go over the relay. */
  relay?: Relay;
  /** A match left our loop: its ownership goes (cluster) before its end is stored. */
  released(matchId: string): void;
}

/** The runner factory the games domain calls with its hooks. */
export function socketRunner(options: SocketRunnerOptions): (hooks: RunnerHooks) => Runner {
  const { config } = options;
  const local = gatewayTransport(
    { backpressureBytes: config.ws.backpressureBytes },
    options.wsMetrics,
  );
  return (hooks) =>
    new Runner({
      config: config.game,
      scheduler: options.scheduler ?? systemScheduler,
      transport: options.relay ? clusterTransport(local, options.relay) : local,
      hooks: {
        onState: hooks.onState,
        onEnd: (result) => {
          options.released(result.spec.id);
          return hooks.onEnd(result);
        },
      },
      logger: options.logger,
      metrics: options.gameMetrics,
    });
}

/** Registers the game messages and vacates a closed socket's seats, on this runner or across the cluster. */
export function attachGameSockets(
  gateway: Gateway,
  deps: GamesDeps,
  cluster: Cluster | null,
): void {
  const sockets = cluster?.matches ?? localSocketGames(deps.runner);
  registerGameMessages(gateway, deps, sockets);
  gateway.onDisconnect((conn) => sockets.detach(conn));
}

/** Tells the players that a result game.end reported as not stored yet is stored now. */
export async function announceStored(
  gateway: Gateway,
  result: MatchResult,
  changes: RatingChanges,
): Promise<void> {
  const base = {
    type: 'game.stored' as const,
    matchId: result.spec.id,
    outcome: result.decision.outcome,
    score: result.score,
  };
  await Promise.all(
    result.spec.players.flatMap((p, side) => {
      if (!('userId' in p)) return [];
      const change = changes[side];
      return [
        gateway.sendToUsers(
          [p.userId],
          change === null || change === undefined ? base : { ...base, ratingChange: change },
        ),
      ];
    }),
  ).catch(() => undefined);
}
