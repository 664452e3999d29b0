/**
 * Games over the WebSocket: builds the match runner on the gateway's sockets
 * and the games deps around it, and, with Redis, the cluster layer that lets
 * any instance serve any match (api/realtime/cluster). Registers the game
 * messages (game-messages.ts), vacates seats when sockets close, and on
 * shutdown hands matches to other instances before ending what is left.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../core/clock.ts';
import type { ClusterMetrics } from '../core/cluster-metrics.ts';
import type { Config } from '../core/config.ts';
import type { RunnerMetrics } from '../core/game-metrics.ts';
import type { ResultMetrics } from '../core/result-metrics.ts';
import type { Logger } from '../core/logger.ts';
import type { RedisSettings } from '../core/redis.ts';
import type { WsMetrics } from '../core/ws-metrics.ts';
import {
  createGamesDeps,
  type GameNotify,
  type GamesDeps,
  type SetInGame,
} from '../domain/games/deps.ts';
import { endLostMatch } from '../domain/games/lost.ts';
import * as repo from '../domain/games/repo.ts';
import { createSpoolStore, type PendingResultStore } from '../domain/games/pending-results.ts';
import { createRedisPendingStore } from '../domain/games/pending-results-redis.ts';
import { ResultKeeper, type RatingChanges } from '../domain/games/result-keeper.ts';
import { runnerHooks, storeResult } from '../domain/games/results.ts';
import type { MatchResult } from '../game/runner-types.ts';
import { Runner } from '../game/runner.ts';
import { systemScheduler, type Scheduler } from '../game/ticker.ts';
import type { Bus } from './bus.ts';
import { prepareCluster, startCluster, type Cluster } from './cluster/start.ts';
import { clusterTransport } from './cluster/transport.ts';
import type { Gateway } from './gateway.ts';
import { localSocketGames, registerGameMessages } from './game-messages.ts';
import { gatewayTransport } from './game-transport.ts';

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
  const results = new ResultKeeper({
    stores: await pendingStores(options),
    // Called from start() on, when deps exists.
    store: (entry) => storeResult(deps, entry.result, entry.endedAt),
    now: () => options.clock.now(),
    logger: options.logger,
    setPending: (n) => options.resultMetrics?.pending(n),
    onLateStore: (result, changes) => void announceStored(gateway, result, changes),
    ...resultTiming,
  });
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
  const local = gatewayTransport(
    { backpressureBytes: config.ws.backpressureBytes },
    options.wsMetrics,
  );
  const deps = createGamesDeps(
    {
      db: options.db,
      clock: options.clock,
      logger: options.logger,
      auditLogger: options.auditLogger,
      config: config.game,
      notify: options.notify,
      setInGame: options.setInGame,
      results,
      instanceId: config.instance.id,
    },
    (hooks) =>
      new Runner({
        config: config.game,
        scheduler: options.scheduler ?? systemScheduler,
        transport: prepared ? clusterTransport(local, prepared.relay) : local,
        hooks: {
          onState: hooks.onState,
          // The match left our loop: its ownership goes before its end is stored.
          onEnd: (result) => {
            void cluster?.matches.released(result.spec.id);
            return hooks.onEnd(result);
          },
        },
        logger: options.logger,
        metrics: options.gameMetrics,
      }),
    runnerHooks,
  );
  // Results an earlier run left in the spool are stored before leftovers are ended.
  await results.start();
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
    await abortLeftovers(deps);
  }
  const sockets = cluster?.matches ?? localSocketGames(deps.runner);
  registerGameMessages(gateway, deps, sockets);
  gateway.onDisconnect((conn) => sockets.detach(conn));
  return {
    deps,
    cluster,
    close: async () => {
      await cluster?.handOver();
      await deps.runner.close();
      await results.close();
      await cluster?.close();
    },
  };
}

/** game.end waits this long for the first store; retries back off from 0.5 s to 10 s; claims live 15 s. */
const resultTiming = { firstWaitMs: 1_500, retryMinMs: 500, retryMaxMs: 10_000, scanMs: 5_000 };
const resultClaimTtlMs = 15_000;

/** Redis first when configured (shared: another instance stores what a dead one held), the spool file always. */
async function pendingStores(options: GamesOptions): Promise<PendingResultStore[]> {
  const { config, logger } = options;
  const spool = createSpoolStore({
    dataDir: config.dataDir,
    onBadEntry: (file, err) =>
      logger.error({ err, 'file.path': file }, 'a spooled match result is not readable; set aside'),
  });
  if (!config.redisUrl) return [spool];
  const redis = await createRedisPendingStore({
    url: config.redisUrl,
    prefix: config.redisPrefix,
    instanceId: randomUUID(),
    logger,
    claimTtlMs: resultClaimTtlMs,
  }).catch((err: unknown) => {
    logger.warn({ err }, 'pending match results use the spool file: Redis is not reachable');
    return undefined;
  });
  return redis ? [redis, spool] : [spool];
}

/** Tells the players that a result game.end reported as not stored yet is stored now. */
async function announceStored(
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

/**
 * Without Redis a match lives only in the memory of the process that runs
 * it: after a restart nothing holds those still marked live, so they are
 * ended. (With Redis the sweeper takes them over or ends them: cluster/sweeper.ts.)
 */
async function abortLeftovers(deps: GamesDeps): Promise<void> {
  // A result still held (the database refused it at start) is the match's true end: it is not aborted.
  const held = deps.results.pendingIds();
  const stale = (await repo.staleMatches(deps.db)).filter(({ id }) => !held.has(id));
  const now = new Date(deps.clock.now());
  for (const { id } of stale) {
    await repo.endMatch(
      deps.db,
      id,
      {
        state: 'aborted',
        reason: 'server_restart',
        winner_side: null,
        left_score: 0,
        right_score: 0,
        ticks: 0,
        duration_sec: null,
        longest_rally: null,
        average_rally: null,
        max_ball_speed: null,
        ended_at: now,
      },
      [
        { points: 0, hits: 0 },
        { points: 0, hits: 0 },
      ],
    );
  }
  if (stale.length > 0)
    deps.logger.warn(
      { 'game.matches': stale.length },
      'matches left live by a previous run were aborted',
    );
}
