/**
 * Starts the games area for the composition root: the games domain
 * (api/domain/games/compose.ts) on a runner whose transport is the gateway's
 * sockets (api/realtime/game-sockets.ts) and, with Redis, the cluster layer
 * that lets any instance serve any match (api/realtime/cluster). On shutdown
 * it hands matches to other instances before ending what is left.
 */
import type { Knex } from 'knex';
import type { Clock } from '../core/clock.ts';
import type { ClusterMetrics } from '../core/cluster-metrics.ts';
import type { Config } from '../core/config.ts';
import type { RunnerMetrics } from '../core/game-metrics.ts';
import type { Logger } from '../core/logger.ts';
import type { RedisSettings } from '../core/redis.ts';
import type { ResultMetrics } from '../core/result-metrics.ts';
import type { WsMetrics } from '../core/ws-metrics.ts';
import { composeGamesDomain } from '../domain/games/compose.ts';
import type { GameNotify, GamesDeps, SetInGame } from '../domain/games/deps.ts';
import { abortLeftoverMatches } from '../domain/games/leftovers.ts';
import { endLostMatch } from '../domain/games/lost.ts';
import type { Scheduler } from '../game/ticker.ts';
import type { Bus } from '../realtime/bus.ts';
import { prepareCluster, startCluster, type Cluster } from '../realtime/cluster/start.ts';
import { announceStored, attachGameSockets, socketRunner } from '../realtime/game-sockets.ts';
import type { Gateway } from '../realtime/gateway.ts';

export interface GamesOptions {
  db: Knex;
  config: Config;
  clock: Clock;
  logger: Logger;
  auditLogger: Logger;
  gateway: Gateway;
  wsMetrics: WsMetrics;
  gameMetrics: RunnerMetrics;
  resultMetrics?: ResultMetrics;
  notify: GameNotify;
  setInGame: SetInGame;
  /** The loop's time and timers; tests may drive them. */
  scheduler?: Scheduler;
  /** With Redis, matches cross instances over the bus (api/realtime/cluster). */
  redis?: RedisSettings;
  bus?: Bus;
  clusterMetrics?: ClusterMetrics;
}

export interface Games {
  deps: GamesDeps;
  /** This instance among the others (null without Redis). */
  cluster: Cluster | null;
  /** Hands matches to other instances (with Redis), ends the rest, stores the results and stops the loop. */
  close(): Promise<void>;
}

export async function startGames(options: GamesOptions): Promise<Games> {
  const { config, gateway } = options;
  const clusterOptions =
    options.redis && options.bus
      ? {
          config,
          redis: options.redis,
          bus: options.bus,
          gateway,
          logger: options.logger,
          wsMetrics: options.wsMetrics,
          metrics: options.clusterMetrics,
        }
      : undefined;
  const prepared = clusterOptions && (await prepareCluster(clusterOptions));
  let cluster: Cluster | null = null;
  const deps = await composeGamesDomain(
    { ...options, onLateStore: (result, changes) => void announceStored(gateway, result, changes) },
    socketRunner({
      config,
      logger: options.logger,
      wsMetrics: options.wsMetrics,
      gameMetrics: options.gameMetrics,
      scheduler: options.scheduler,
      relay: prepared?.relay,
      released: (matchId) => void cluster?.matches.released(matchId),
    }),
  );
  // Results an earlier run left in the spool are stored before leftovers are ended.
  await deps.results.start();
  if (clusterOptions && prepared) {
    cluster = await startCluster(clusterOptions, prepared, {
      runner: deps.runner,
      db: deps.db,
      endLost: (matchId) => endLostMatch(deps, matchId),
    });
    deps.host = cluster.matches;
    deps.instances = cluster.instances;
  } else {
    const listed = deps.instances;
    deps.instances = async () =>
      (await listed()).map((i) => ({ ...i, sockets: gateway.stats().connections }));
    await abortLeftoverMatches(deps);
  }
  attachGameSockets(gateway, deps, cluster);
  return {
    deps,
    cluster,
    close: async () => {
      await cluster?.handOver();
      await deps.runner.close();
      await deps.results.close();
      await cluster?.close();
    },
  };
}
