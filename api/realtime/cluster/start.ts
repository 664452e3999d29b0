/**
 * Builds the cluster layer for the games area when Redis is configured: the
 * relay first (the runner's transport needs it), then, once the runner
 * exists, ownership, the heartbeat and the sweeper. Also the hand-over of a
 * shutting-down instance's matches to the others (docs/ARCHITECTURE.md,
 * "Several instances").
 */
import type { Knex } from 'knex';
import type { InstanceView } from '../../contract/instances.ts';
import type { ClusterMetrics } from '../../core/cluster-metrics.ts';
import type { Config } from '../../core/config.ts';
import { redisLeaseBackend } from '../../core/lease.ts';
import type { Logger } from '../../core/logger.ts';
import { closeRedis, openRedis, type RedisSettings } from '../../core/redis.ts';
import type { WsMetrics } from '../../core/ws-metrics.ts';
import { setOwner } from '../../domain/games/owner-repo.ts';
import type { Runner } from '../../game/runner.ts';
import type { Bus } from '../bus.ts';
import type { Gateway } from '../gateway.ts';
import { startHeartbeat } from './heartbeat.ts';
import { ClusterMatches } from './matches.ts';
import { Relay } from './relay.ts';
import { ClusterStore } from './store.ts';
import { startSweeper } from './sweeper.ts';

export interface ClusterOptions {
  config: Config;
  redis: RedisSettings;
  bus: Bus;
  gateway: Gateway;
  logger: Logger;
  wsMetrics: WsMetrics;
  metrics?: ClusterMetrics;
}

export interface Cluster {
  matches: ClusterMatches;
  /** The live instances, with the matches each owns right now. */
  instances(): Promise<InstanceView[]>;
  /** Hands every match to other live instances; the number handed over (0 when alone). */
  handOver(): Promise<number>;
  close(): Promise<void>;
}

/** A forwarded request that gets no answer within this is refused with 503. */
const relayTimeoutMs = 2_000;

export async function prepareCluster(options: ClusterOptions) {
  const { config, gateway } = options;
  const relay = new Relay({
    bus: options.bus,
    instanceId: config.instance.id,
    timeoutMs: relayTimeoutMs,
    logger: options.logger,
    connection: (id) => gateway.connection(id),
    limits: { backpressureBytes: config.ws.backpressureBytes },
    wsMetrics: options.wsMetrics,
    metrics: options.metrics,
  });
  const redis = await openRedis(options.redis, 'pongctl-cluster');
  return { relay, redis, store: new ClusterStore(redis, options.redis.prefix) };
}

export async function startCluster(
  options: ClusterOptions,
  prepared: Awaited<ReturnType<typeof prepareCluster>>,
  games: { runner: Runner; db: Knex; endLost(matchId: string): Promise<boolean> },
): Promise<Cluster> {
  const { config, gateway, logger, metrics } = options;
  const { relay, store, redis } = prepared;
  const me = config.instance.id;
  const ttlMs = config.instance.leaseTtlMs;
  let liveInstances = (): readonly string[] => [me];
  /** Matches per other instance, as last seen (hand-over picks the least busy). */
  const owned = new Map<string, number>();

  /** An instance holding a socket of one of these users (us first), else the least busy candidate. */
  const placeFor = async (
    userIds: readonly string[],
    candidates: readonly string[] = liveInstances(),
  ): Promise<string> => {
    if (candidates.includes(me) && userIds.some((u) => gateway.socketsOf(u).length > 0)) return me;
    const withSockets = await store
      .instancesWithSockets(candidates, userIds)
      .catch((): string[] => []);
    if (withSockets.length > 0) return withSockets.includes(me) ? me : withSockets[0]!;
    return candidates.includes(me) || candidates.length === 0 ? me : leastBusy(candidates);
  };
  const leastBusy = (candidates: readonly string[]) =>
    [...candidates].sort((a, b) => (owned.get(a) ?? 0) - (owned.get(b) ?? 0))[0]!;

  const matches = new ClusterMatches({
    instanceId: me,
    runner: games.runner,
    store,
    relay,
    bus: options.bus,
    logger,
    connection: (id) => gateway.connection(id),
    recordOwner: (matchId, instance) => setOwner(games.db, matchId, instance),
    placeFor: (userIds) => placeFor(userIds),
    metrics,
  });
  await matches.start();
  await relay.start((op, args) => matches.serve(op, args));
  const heartbeat = await startHeartbeat({
    instanceId: me,
    ttlMs,
    store,
    runner: games.runner,
    matches,
    sockets: () => gateway.stats().connections,
    logger,
    metrics,
  });
  liveInstances = () => heartbeat.liveInstances();
  const sweeper = startSweeper({
    instanceId: me,
    ttlMs,
    db: games.db,
    store,
    matches,
    relay,
    leases: redisLeaseBackend(redis, options.redis.prefix, me),
    logger,
    endLost: async (matchId) => {
      if (await games.endLost(matchId)) metrics?.serverLost(1);
    },
    placeFor,
  });

  return {
    matches,
    async instances() {
      const [instances, owners] = await Promise.all([store.instances(), store.owners()]);
      const byInstance = new Map<string, string[]>();
      for (const [matchId, owner] of owners) {
        const list = byInstance.get(owner.instance) ?? [];
        list.push(matchId);
        byInstance.set(owner.instance, list);
      }
      return instances.map((i) => ({
        id: i.id,
        self: i.id === me,
        startedAt: i.startedAt,
        leaseAgeMs: Math.max(0, ttlMs - i.ttlMs),
        leaseTtlMs: ttlMs,
        sockets: i.sockets,
        matches: byInstance.get(i.id) ?? [],
      }));
    },
    async handOver() {
      const others = (await store.instances()).filter((i) => i.id !== me);
      if (others.length === 0 || matches.owned().size === 0) return 0;
      for (const i of others) owned.set(i.id, i.matches.length);
      await heartbeat.stop(false);
      games.runner.stepping = false;
      const entries = await matches.saveCheckpoints(true);
      const handed = await Promise.all(
        entries.map(async ({ write: { checkpoint } }) => {
          const users = checkpoint.spec.players.flatMap((p) => ('userId' in p ? [p.userId] : []));
          const target = await placeFor(
            users,
            others.map((i) => i.id),
          );
          const adopted = await relay
            .request(target, 'adopt', [checkpoint.spec.id, 'handover'])
            .catch(() => false);
          if (adopted) matches.handedOver(checkpoint.spec.id, target);
          return adopted === true;
        }),
      );
      games.runner.stepping = true;
      const count = handed.filter(Boolean).length;
      metrics?.handovers(count);
      logger.info({ 'game.matches': count }, 'matches handed over to other instances');
      return count;
    },
    async close() {
      await sweeper.stop();
      await heartbeat.stop(true);
      await relay.close();
      await closeRedis(redis);
    },
  };
}
