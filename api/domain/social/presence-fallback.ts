/**
 * Presence that survives a Redis outage. This instance always keeps its own
 * sockets and matches in memory too; while Redis answers, reads come from
 * Redis (every instance's sockets), and while it is away they come from what
 * this instance knows: its own users are online or in game, others count as
 * offline. Writes that Redis missed are put back when it returns: this
 * instance's socket counts replace its entry, and the matches set or cleared
 * meanwhile are written again.
 */
import type { RedisFallback } from '../../core/redis-fallback.ts';
import type { RedisPresenceStore } from './presence-redis.ts';
import { createMemoryPresenceStore, type PresenceStore } from './presence-store.ts';

export function fallbackPresenceStore(
  remote: RedisPresenceStore,
  fallback: RedisFallback,
): PresenceStore {
  const local = createMemoryPresenceStore();
  // Match changes Redis did not get, in order: user → match id (null: cleared).
  const missedMatches = new Map<string, string | null>();
  const either = <T>(remoteCall: () => Promise<T>, localCall: () => Promise<T>) =>
    fallback.run('presence', remoteCall, localCall);

  fallback.onRecover(async () => {
    const { sockets } = await local.snapshot();
    await remote.replaceOwnCounts(sockets);
    for (const [userId, matchId] of [...missedMatches]) {
      await remote.setMatch(userId, matchId);
      if (missedMatches.get(userId) === matchId) missedMatches.delete(userId);
    }
  });

  /** Applies a socket change locally, then in Redis; the transition is Redis' when it answers. */
  const socketChange = async (userId: string, change: 'connected' | 'disconnected') => {
    const here = await local[change](userId);
    return either(
      () => remote[change](userId),
      async () => here,
    );
  };

  return {
    kind: 'redis',
    connected: (userId) => socketChange(userId, 'connected'),
    disconnected: (userId) => socketChange(userId, 'disconnected'),
    socketCounts: (userIds) =>
      either(
        () => remote.socketCounts(userIds),
        () => local.socketCounts(userIds),
      ),
    async setMatch(userId, matchId) {
      await local.setMatch(userId, matchId);
      await either(
        async () => {
          await remote.setMatch(userId, matchId);
          missedMatches.delete(userId);
        },
        async () => void missedMatches.set(userId, matchId),
      );
    },
    matches: (userIds) =>
      either(
        () => remote.matches(userIds),
        () => local.matches(userIds),
      ),
    snapshot: () =>
      either(
        () => remote.snapshot(),
        () => local.snapshot(),
      ),
    sweep: () =>
      either(
        () => remote.sweep(),
        async () => [],
      ),
    async close() {
      await local.close();
      // A shutdown during an outage must not fail: the other instances' sweep removes these counts.
      await remote.close().catch(() => undefined);
    },
  };
}
