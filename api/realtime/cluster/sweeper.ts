/**
 * The sweeper: one instance at a time (a lease) looks for live matches whose
 * owner no longer holds an instance lease, and has each taken over from its
 * checkpoint by an instance where one of its players is connected (else by
 * itself). A match the database calls live that nobody owns in Redis and
 * whose recorded owner is gone (it died before the first checkpoint) ends
 * `aborted`/`server_lost`, stored like any other end, so presence,
 * tournaments and matchmaking move on. Nothing stays live without an owner.
 */
import type { Knex } from 'knex';
import { holdLease, type Lease, type LeaseBackend } from '../../core/lease.ts';
import type { Logger } from '../../core/logger.ts';
import { unendedMatches } from '../../domain/games/owner-repo.ts';
import type { ClusterMatches } from './matches.ts';
import type { Relay } from './relay.ts';
import type { ClusterStore } from './store.ts';

export interface SweeperOptions {
  instanceId: string;
  ttlMs: number;
  db: Knex;
  store: ClusterStore;
  matches: ClusterMatches;
  relay: Relay;
  leases: LeaseBackend;
  logger: Logger;
  /** Ends a match that no instance holds, with no checkpoint to go on from. */
  endLost(matchId: string): Promise<void>;
  /** Where a match of these users should go, among live instances. */
  placeFor(userIds: readonly string[], live: readonly string[]): Promise<string>;
  intervalMs?: number;
  /** How long a live row may have no owner in Redis before it counts as lost (it may be starting). */
  startGraceMs?: number;
}

export function startSweeper(options: SweeperOptions): { stop(): Promise<void> } {
  const { store, matches, relay, logger, instanceId } = options;
  const startGraceMs = options.startGraceMs ?? 10_000;
  /** Live rows without an owner in Redis, and since when we have seen them so. */
  const unowned = new Map<string, number>();
  let running = false;

  const takeOver = async (live: Set<string>) => {
    for (const [matchId, owner] of await store.owners()) {
      const mine = owner.instance === instanceId;
      if (live.has(owner.instance) && !mine) continue;
      if (mine && matches.owned().has(matchId)) continue;
      const stored = await store.checkpoint(matchId);
      if (!stored) continue;
      const users = stored.checkpoint.spec.players.flatMap((p) =>
        'userId' in p ? [p.userId] : [],
      );
      const target = await options.placeFor(users, [...live]);
      const adopted =
        target === instanceId
          ? await matches.adopt(matchId, 'lease_expired', (ref) => live.has(ref.instance))
          : await relay.request(target, 'adopt', [matchId, 'lease_expired']).catch(() => false);
      if (!adopted) logger.debug({ 'game.match.id': matchId }, 'take-over not done this round');
    }
  };

  const endLost = async (live: Set<string>) => {
    const [owners, checkpoints, held] = await Promise.all([
      store.owners(),
      store.checkpointIds(),
      store.heldResultIds(),
    ]);
    const now = performance.now();
    const seen = new Set<string>();
    for (const row of await unendedMatches(options.db)) {
      const owner = owners.get(row.id);
      const ownerAlive = owner
        ? live.has(owner.instance) && (owner.instance !== instanceId || matches.owned().has(row.id))
        : row.owner_instance !== null && live.has(row.owner_instance);
      // A live owner steps it; a checkpoint means it is being taken over; a held result is its true end.
      if ((owner && ownerAlive) || checkpoints.has(row.id) || held.has(row.id)) continue;
      seen.add(row.id);
      const since = unowned.get(row.id) ?? now;
      unowned.set(row.id, since);
      // Without an owner in Redis it may be between its insert and its runner: give it a moment.
      if (!owner && ownerAlive && now - since < startGraceMs) continue;
      unowned.delete(row.id);
      logger.warn(
        { 'game.match.id': row.id, 'cluster.from': owner?.instance ?? row.owner_instance },
        'live match without an owner or a checkpoint: ended as server_lost',
      );
      try {
        await options.endLost(row.id);
        if (owner) await store.swapOwner(row.id, owner, null);
      } catch (err) {
        logger.warn({ err, 'game.match.id': row.id }, 'ending a lost match failed');
      }
    }
    for (const id of unowned.keys()) if (!seen.has(id)) unowned.delete(id);
  };

  const sweep = async () => {
    if (running || !lease.held) return;
    running = true;
    try {
      const live = new Set((await store.instances()).map((i) => i.id));
      await takeOver(live);
      await endLost(live);
    } catch (err) {
      logger.debug({ err }, 'sweep did not finish');
    } finally {
      running = false;
    }
  };

  const lease: Lease = holdLease(options.leases, 'sweeper', { ttlMs: options.ttlMs, logger });
  const timer = setInterval(() => void sweep(), options.intervalMs ?? 1_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await lease.stop();
    },
  };
}
