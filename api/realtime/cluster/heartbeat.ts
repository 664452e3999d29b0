/**
 * This instance's lease and its matches' checkpoints. Every third of the
 * lease TTL the instance renews `cluster:instance:<id>` (with what it holds);
 * every half second it checkpoints the matches it owns, a fiftieth of them
 * every 10 ms. Fencing by time: when no renewal has succeeded for two thirds
 * of the TTL, the runner stops stepping (nothing it does could be trusted
 * once another instance may have taken its matches over), and starts again
 * when a renewal succeeds. A
 * renewal that finds the key gone means the lease expired: every match is let
 * go without being ended (the sweeper of some instance takes them over from
 * their checkpoints) and the instance registers afresh.
 */
import type { Logger } from '../../core/logger.ts';
import type { Runner } from '../../game/runner.ts';
import type { ClusterMatches } from './matches.ts';
import type { ClusterStore, InstanceInfo } from './store.ts';

export interface HeartbeatMetrics {
  leaseLost(): void;
  instances(count: number): void;
  ownedMatches(count: number): void;
}

export interface HeartbeatOptions {
  instanceId: string;
  ttlMs: number;
  store: ClusterStore;
  runner: Runner;
  matches: ClusterMatches;
  sockets(): number;
  logger: Logger;
  metrics?: HeartbeatMetrics;
  checkpointMs?: number;
}

/** How many slices of the owned matches take turns being checkpointed. */
const checkpointTurns = 50;

export interface Heartbeat {
  /** Instances with a current lease, as of the last renewal. */
  liveInstances(): readonly string[];
  /** False while this instance must not act as an owner (its lease lapsed). */
  readonly healthy: boolean;
  /** Stops renewing and checkpointing; `drop` removes the lease at once (a clean exit). */
  stop(drop: boolean): Promise<void>;
}

export async function startHeartbeat(options: HeartbeatOptions): Promise<Heartbeat> {
  const { store, runner, matches, logger, ttlMs, instanceId } = options;
  const startedAt = new Date().toISOString();
  const graceMs = (ttlMs * 2) / 3;
  let registered = false;
  let renewedAt = 0;
  let live: string[] = [instanceId];
  let stopped = false;
  let fenced = false;

  const info = (): InstanceInfo => ({
    id: instanceId,
    startedAt,
    renewedAt: new Date().toISOString(),
    sockets: options.sockets(),
    matches: [...matches.owned().keys()],
  });

  const renew = async () => {
    try {
      const ok = await store.renewInstance(info(), ttlMs, !registered);
      if (ok) {
        registered = true;
        renewedAt = performance.now();
        live = (await store.instances()).map((i) => i.id);
        options.metrics?.instances(live.length);
      } else if (registered) {
        registered = false;
        options.metrics?.leaseLost();
        const dropped = matches.abandonAll();
        logger.error(
          { 'cluster.instance': instanceId, 'game.matches': dropped },
          'instance lease expired: its matches go to other instances',
        );
      }
    } catch (err) {
      logger.debug({ err }, 'instance lease not renewed');
    }
    const healthy = registered && performance.now() - renewedAt <= graceMs;
    if (!healthy && !fenced) {
      fenced = true;
      logger.warn({ 'cluster.instance': instanceId }, 'lease not renewed in time: matches paused');
    }
    if (healthy && fenced) {
      fenced = false;
      logger.info({ 'cluster.instance': instanceId }, 'lease renewed: matches go on');
    }
    runner.stepping = healthy && !stopped;
  };

  // Each match is checkpointed every checkpointMs, in slices that take turns: a round of
  // every long match at once held the loop for tens of milliseconds at 500 matches.
  let turn = 0;
  const checkpoint = async () => {
    if (!runner.stepping) return;
    const slice = { turn, turns: checkpointTurns };
    turn = (turn + 1) % checkpointTurns;
    options.metrics?.ownedMatches(matches.owned().size);
    await matches
      .saveCheckpoints(false, slice)
      .catch((err: unknown) => logger.debug({ err }, 'checkpoints not saved'));
  };

  // A restart under the same INSTANCE_ID finds its key still there: it is ours, so take it over.
  await store.dropInstance(instanceId).catch(() => undefined);
  await renew();
  const renewTimer = setInterval(() => void renew(), Math.max(100, Math.floor(ttlMs / 3)));
  const checkpointTimer = setInterval(
    () => void checkpoint(),
    (options.checkpointMs ?? 500) / checkpointTurns,
  );
  renewTimer.unref();
  checkpointTimer.unref();
  return {
    liveInstances: () => live,
    get healthy() {
      return registered && performance.now() - renewedAt <= graceMs;
    },
    async stop(drop) {
      stopped = true;
      clearInterval(renewTimer);
      clearInterval(checkpointTimer);
      if (drop) await store.dropInstance(instanceId).catch(() => undefined);
    },
  };
}
