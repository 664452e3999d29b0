/**
 * The games domain, composed: the result keeper on its pending stores (Redis
 * first when configured, the spool file always) and the games deps around the
 * runner the caller builds. Sockets, the runner's transport and the cluster
 * are the realtime layer's; api/compose/games.ts puts the two together.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import type { Logger } from '../../core/logger.ts';
import type { ResultMetrics } from '../../core/result-metrics.ts';
import type { MatchResult } from '../../game/runner-types.ts';
import type { Runner, RunnerHooks } from '../../game/runner.ts';
import { createGamesDeps, type GameNotify, type GamesDeps, type SetInGame } from './deps.ts';
import { createRedisPendingStore } from './pending-results-redis.ts';
import { createSpoolStore, type PendingResultStore } from './pending-results.ts';
import { ResultKeeper, type RatingChanges } from './result-keeper.ts';
import { runnerHooks, storeResult } from './results.ts';

export interface GamesDomainOptions {
  db: Knex;
  config: Config;
  clock: Clock;
  logger: Logger;
  auditLogger: Logger;
  resultMetrics?: ResultMetrics;
  notify: GameNotify;
  setInGame: SetInGame;
  /** A result game.end reported as not stored yet is stored now (the players are told). */
  onLateStore(result: MatchResult, changes: RatingChanges): void;
}

/** game.end waits this long for the first store; retries back off from 0.5 s to 10 s; claims live 15 s. */
const resultTiming = { firstWaitMs: 1_500, retryMinMs: 500, retryMaxMs: 10_000, scanMs: 5_000 };
const resultClaimTtlMs = 15_000;

/** Builds the games deps with `runnerFor`'s runner; the result keeper is not started yet. */
export async function composeGamesDomain(
  options: GamesDomainOptions,
  runnerFor: (hooks: RunnerHooks) => Runner,
): Promise<GamesDeps> {
  const { config } = options;
  const results = new ResultKeeper({
    stores: await pendingStores(options),
    // Called from start() on, when deps exists.
    store: (entry) => storeResult(deps, entry.result, entry.endedAt),
    now: () => options.clock.now(),
    logger: options.logger,
    setPending: (n) => options.resultMetrics?.pending(n),
    onLateStore: options.onLateStore,
    ...resultTiming,
  });
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
    runnerFor,
    runnerHooks,
  );
  return deps;
}

/** Redis first when configured (shared: another instance stores what a dead one held), the spool file always. */
async function pendingStores(options: GamesDomainOptions): Promise<PendingResultStore[]> {
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
