/**
 * The global queue while its Redis (a private one the test stops and starts)
 * is away: joining, leaving and matching go on in this instance's memory
 * without an error, and when Redis returns the tickets kept here join the
 * one queue with their places; a leave removes a ticket wherever it is.
 */
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { manualClock } from '../../api/core/clock.ts';
import { openRedis } from '../../api/core/redis.ts';
import type { Actor } from '../../api/domain/actors.ts';
import { createMatchmakingDeps, type QueuePush } from '../../api/domain/matchmaking/deps.ts';
import { runMatcher } from '../../api/domain/matchmaking/matcher.ts';
import { fallbackQueueStore } from '../../api/domain/matchmaking/queue-fallback.ts';
import { createRedisQueueStore } from '../../api/domain/matchmaking/queue-redis.ts';
import { joinQueue, leaveQueue } from '../../api/domain/matchmaking/service.ts';
import {
  register,
  startAuthServer,
  type AuthTestServer,
  type Registered,
} from '../support/accounts.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.ts';
import { testRedisSettings } from '../support/redis-settings.ts';

const config = { tickMs: 1000, baseWindow: 100, widenBy: 50, widenEveryMs: 5000 };
const prefix = 'pongctl-mm-outage:';

describe('matchmaking: the global queue while Redis is away (private Redis)', function () {
  this.timeout(120_000);
  let s: AuthTestServer;
  let redis: PrivateRedis;
  let probe: Redis;

  before(async function () {
    this.timeout(120_000);
    [s, redis] = await Promise.all([startAuthServer(), startPrivateRedis()]);
    probe = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    probe.on('error', () => undefined);
  });
  after(async () => {
    probe?.disconnect();
    await s?.stop();
    await redis?.destroy();
  });

  it('queues and matches on this instance during the outage, and hands its tickets to Redis when it returns', async () => {
    const settings = testRedisSettings(redis.url, prefix, s.logger);
    const queue = fallbackQueueStore(
      createRedisQueueStore(await openRedis(settings, 'test-mm-outage'), prefix),
      settings.fallback,
    );
    const clock = manualClock(5_000_000);
    const pushed: { userId: string; message: QueuePush }[] = [];
    const deps = createMatchmakingDeps({
      db: s.db,
      clock,
      logger: s.logger,
      config,
      games: s.games,
      queue,
      online: async (ids) => new Set(ids),
      push: async (userId, message) => void pushed.push({ userId, message }),
    });
    const [a, b, c, d] = (await Promise.all([1, 2, 3, 4].map(() => register(s.url, 'mo')))) as [
      Registered,
      Registered,
      Registered,
      Registered,
    ];
    const actor = (u: { id: string }): Actor => ({
      kind: 'user',
      id: u.id,
      role: 'player',
      sessionId: 't',
    });
    try {
      await joinQueue(deps, actor(a), { mode: 'ranked' });
      assert.equal(
        await redis.stop().then(() => queue.size()),
        0,
        "Redis's ticket is out of reach",
      );
      assert.equal(settings.fallback.away(), true);

      clock.advance(1_000);
      for (const u of [b, c]) await joinQueue(deps, actor(u), { mode: 'casual' });
      assert.equal(await runMatcher(deps), 1, 'the two local players are paired here');
      const matched = pushed.filter((p) => p.message.type === 'queue.matched');
      assert.deepEqual(matched.map((p) => p.userId).sort(), [b.id, c.id].sort());
      clock.advance(1_000);
      const joined = await joinQueue(deps, actor(d), { mode: 'casual' });
      assert.equal(joined.queued, true);
      const placed = clock.now();

      await redis.start();
      await probe.connect();
      const deadline = Date.now() + 20_000;
      while ((await probe.hexists(`${prefix}mm:tickets`, d.id)) === 0) {
        assert.ok(Date.now() < deadline, 'the local ticket reached Redis');
        await queue.size(); // each call may be the one that finds Redis back
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(settings.fallback.away(), false);
      assert.equal(
        Number(await probe.zscore(`${prefix}mm:joined`, d.id)),
        placed,
        'its place kept',
      );
      // The private Redis restarts empty (no persistence): a's ticket went with it.
      assert.deepEqual(
        (await queue.tickets()).map((t) => t.userId),
        [d.id],
      );

      assert.equal((await leaveQueue(deps, actor(d))).queued, false);
      assert.equal(await probe.hexists(`${prefix}mm:tickets`, d.id), 0);
      for (const m of matched)
        if (m.message.type === 'queue.matched' && s.games.runner.get(m.message.matchId))
          await s.games.runner.end(m.message.matchId, {
            outcome: 'aborted',
            reason: 'cancelled',
            winnerSide: null,
          });
    } finally {
      await queue.close();
    }
  });
});
