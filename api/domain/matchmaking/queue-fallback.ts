/**
 * The global queue through a Redis outage. While Redis is away this instance
 * queues and matches its own players in memory (the matcher runs here without
 * the lease, like every instance: one pool per instance until Redis returns,
 * and `redis_fallback_total{feature="matchmaking"}` says so). When Redis
 * answers again the tickets kept here join the one queue, keeping their
 * places. A leave or a dropped ticket removes the user's ticket from both.
 */
import type { RedisFallback } from '../../core/redis-fallback.ts';
import { createMemoryQueueStore, type QueueStore } from './queue.ts';

export function fallbackQueueStore(remote: QueueStore, fallback: RedisFallback): QueueStore {
  const local = createMemoryQueueStore();
  const either = <T>(remoteCall: () => Promise<T>, localCall: () => Promise<T>) =>
    fallback.run('matchmaking', remoteCall, localCall);

  fallback.onRecover(async () => {
    for (const ticket of await local.tickets()) {
      await remote.join(ticket);
      await local.take(ticket.userId);
    }
  });

  return {
    kind: 'redis',
    busy: false,
    get: (userId) =>
      either(
        () => remote.get(userId),
        () => local.get(userId),
      ),
    join: (ticket) =>
      either(
        () => remote.join(ticket),
        () => local.join(ticket),
      ),
    async take(userId) {
      const here = await local.take(userId);
      const there = await either(
        () => remote.take(userId),
        async () => undefined,
      );
      return there ?? here;
    },
    takePair: (a, b) =>
      either(
        () => remote.takePair(a, b),
        () => local.takePair(a, b),
      ),
    restore: (ticket) =>
      either(
        () => remote.restore(ticket),
        () => local.restore(ticket),
      ),
    tickets: () =>
      either(
        () => remote.tickets(),
        () => local.tickets(),
      ),
    size: () =>
      either(
        () => remote.size(),
        () => local.size(),
      ),
    setReported: (userId, window) =>
      either(
        () => remote.setReported(userId, window),
        () => local.setReported(userId, window),
      ),
    countMatch: () =>
      either(
        () => remote.countMatch(),
        () => local.countMatch(),
      ),
    matchesMade: () =>
      either(
        async () => (await remote.matchesMade()) + (await local.matchesMade()),
        () => local.matchesMade(),
      ),
    async close() {
      await local.close();
      await remote.close().catch(() => undefined);
    },
  };
}
