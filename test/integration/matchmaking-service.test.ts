/**
 * The matchmaking service on a manual clock, against the real database and
 * the real games service of a running server: minutes of queueing run in
 * milliseconds. Which users "have a socket" is a set the test controls; the
 * WebSocket test (matchmaking-ws.test.ts) covers the real sockets. Every case
 * runs on both queue stores: this process's memory and Redis.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { manualClock, type ManualClock } from '../../api/core/clock.ts';
import {
  createMatchmakingDeps,
  type MatchmakingDeps,
  type QueuePush,
} from '../../api/domain/matchmaking/deps.ts';
import { runMatcher } from '../../api/domain/matchmaking/matcher.ts';
import { createMemoryQueueStore, type QueueStore } from '../../api/domain/matchmaking/queue.ts';
import { createRedisQueueStore } from '../../api/domain/matchmaking/queue-redis.ts';
import {
  joinQueue,
  leaveQueue,
  queueStats,
  statusOf,
} from '../../api/domain/matchmaking/service.ts';
import type { Actor } from '../../api/domain/actors.ts';
import {
  api,
  register,
  startAuthServer,
  type AuthTestServer,
  type Registered,
} from '../support/accounts.ts';
import { needsRedis, sharedRedisUrl } from '../support/redis.ts';

interface Harness {
  deps: MatchmakingDeps;
  clock: ManualClock;
  sockets: Set<string>;
  pushed: { userId: string; message: QueuePush }[];
}

const config = { tickMs: 1000, baseWindow: 100, widenBy: 50, widenEveryMs: 5000 };

for (const kind of ['memory', 'redis'] as const) {
  describe(`matchmaking service (manual clock, ${kind} queue)`, function () {
    this.timeout(30_000);
    let s: AuthTestServer;
    const stores: QueueStore[] = [];
    if (kind === 'redis') needsRedis();
    before(async function () {
      this.timeout(90_000);
      s = await startAuthServer();
    });
    const prefix = `test:mm-service:${randomBytes(4).toString('hex')}:`;
    let cases = 0;
    after(async () => {
      for (const store of stores) await store.close();
      await s?.stop();
      if (kind !== 'redis') return;
      const redis = new Redis(sharedRedisUrl);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    });

    /** A fresh queue per case: memory, or Redis under a prefix of its own. */
    function store(): QueueStore {
      const made =
        kind === 'memory'
          ? createMemoryQueueStore()
          : createRedisQueueStore(new Redis(sharedRedisUrl), `${prefix}${++cases}:`);
      stores.push(made);
      return made;
    }

    function harness(): Harness {
      const clock = manualClock(1_000_000);
      const sockets = new Set<string>();
      const pushed: Harness['pushed'] = [];
      const deps = createMatchmakingDeps({
        db: s.db,
        clock,
        logger: s.logger,
        config,
        games: s.games,
        queue: store(),
        online: async (ids) => new Set(ids.filter((id) => sockets.has(id))),
        push: async (userId, message) => void pushed.push({ userId, message }),
      });
      return { deps, clock, sockets, pushed };
    }

    const actor = (u: Registered): Actor => ({
      kind: 'user',
      id: u.id,
      role: 'player',
      sessionId: 'test',
    });

    async function rated(h: Harness, rating: number): Promise<Registered> {
      const user = await register(s.url, 'mm');
      await s.db('ratings').insert({
        user_id: user.id,
        rating,
        deviation: 200,
        volatility: 0.06,
        matches: 3,
        wins: 1,
        losses: 2,
        draws: 0,
      });
      h.sockets.add(user.id);
      return user;
    }

    /** Advances the clock in steps, running a matcher pass after each; resolves with the time of the first match (ms) or null. */
    async function queueFor(h: Harness, totalMs: number, stepMs: number): Promise<number | null> {
      for (let waited = stepMs; waited <= totalMs; waited += stepMs) {
        h.clock.advance(stepMs);
        if ((await runMatcher(h.deps)) > 0) return waited;
      }
      return null;
    }

    const matched = (h: Harness) => h.pushed.filter((p) => p.message.type === 'queue.matched');

    /** Ends the matches the matcher started (each pair got the same id twice). */
    async function cancelMatched(h: Harness): Promise<void> {
      for (const { message } of matched(h)) {
        if (message.type === 'queue.matched' && s.games.runner.get(message.matchId)) {
          await s.games.runner.end(message.matchId, {
            outcome: 'aborted',
            reason: 'cancelled',
            winnerSide: null,
          });
        }
      }
    }

    it('widens the rating window with waiting time: a 200-point gap pairs after exactly 10 s', async () => {
      const h = harness();
      const [a, b] = [await rated(h, 1500), await rated(h, 1700)];
      await joinQueue(h.deps, actor(a), { mode: 'ranked' });
      await joinQueue(h.deps, actor(b), { mode: 'ranked' });
      assert.equal(await runMatcher(h.deps), 0, 'outside ±100 at first');
      h.clock.advance(5_000);
      assert.equal((await statusOf(h.deps, a.id)).window, 150);
      assert.equal((await statusOf(h.deps, a.id)).waitedSec, 5);
      assert.equal(await runMatcher(h.deps), 0, '±150 is still too narrow');
      const widened = h.pushed.filter((p) => p.message.type === 'queue.status');
      assert.deepEqual(
        widened.map((p) => p.userId).sort(),
        [a.id, b.id].sort(),
        'both heard of the wider window',
      );
      assert.ok(
        widened.every(
          (p) =>
            p.message.type === 'queue.status' &&
            p.message.window === 150 &&
            p.message.waitedSec === 5,
        ),
      );
      assert.equal(await runMatcher(h.deps), 0);
      assert.equal(
        h.pushed.filter((p) => p.message.type === 'queue.status').length,
        2,
        'and only once per widening',
      );
      h.clock.advance(4_999);
      assert.equal(await runMatcher(h.deps), 0);
      h.clock.advance(1);
      assert.equal(await runMatcher(h.deps), 1, '±200 after 10 s');
      const [ma, mb] = [
        matched(h).find((p) => p.userId === a.id)!.message,
        matched(h).find((p) => p.userId === b.id)!.message,
      ];
      assert.equal(ma.type === 'queue.matched' && ma.opponent, b.username);
      assert.equal(mb.type === 'queue.matched' && mb.opponent, a.username);
      assert.equal(
        ma.type === 'queue.matched' && mb.type === 'queue.matched' && ma.matchId === mb.matchId,
        true,
      );
      const matchId = (ma as { matchId: string }).matchId;
      const live = s.games.runner.get(matchId);
      assert.ok(live, 'the runner holds the match');
      assert.equal(live.state, 'ready', 'it starts when both players are ready');
      const row = await s.db('matches').where({ id: matchId }).first();
      assert.equal(row.kind, 'matchmaking');
      assert.equal(Boolean(row.ranked), true);
      assert.deepEqual(await statusOf(h.deps, a.id), { queued: false, queueSize: 0 });
      const stats = await queueStats(h.deps, actor(a));
      assert.equal(stats.matchesMade, 1);
      assert.equal(stats.queueSize, 0);
      await cancelMatched(h);
    });

    it('runs minutes of queueing in milliseconds: a 1,000-point gap pairs after 90 s, the closest rating first', async () => {
      const h = harness();
      const [low, high, near] = [await rated(h, 1000), await rated(h, 2000), await rated(h, 1950)];
      await joinQueue(h.deps, actor(low), { mode: 'casual' });
      await joinQueue(h.deps, actor(high), { mode: 'casual' });
      h.clock.advance(1);
      await joinQueue(h.deps, actor(near), { mode: 'casual' });
      const started = Date.now();
      const at = await queueFor(h, 5 * 60_000, 1_000);
      assert.ok(Date.now() - started < 5_000, 'simulated, not waited');
      assert.equal(at, 1_000, 'high and near (50 apart) pair at once');
      assert.deepEqual(
        matched(h)
          .map((p) => p.userId)
          .sort(),
        [high.id, near.id].sort(),
      );
      assert.equal((await queueStats(h.deps, actor(low))).queueSize, 1);
      assert.equal((await queueStats(h.deps, actor(low))).oldestWaitSec, 1);
      await cancelMatched(h);

      const far = await rated(h, 2000);
      await joinQueue(h.deps, actor(far), { mode: 'casual' });
      h.pushed.length = 0;
      // low has waited 1 s; a 1,000 gap needs low's window (and far's) to reach 1,000: 90 s of far's waiting.
      const when = await queueFor(h, 5 * 60_000, 1_000);
      assert.equal(when, 90_000);
      assert.deepEqual(
        matched(h)
          .map((p) => p.userId)
          .sort(),
        [low.id, far.id].sort(),
      );
      await cancelMatched(h);
    });

    it('never pairs users who block each other, whether the block came before or after queueing', async () => {
      const h = harness();
      const [a, b] = [await rated(h, 1500), await rated(h, 1500)];
      assert.equal(
        (await api(s.url, 'PUT', `/api/v1/blocks/${b.username}`, { token: a.accessToken })).status,
        200,
      );
      await joinQueue(h.deps, actor(a), { mode: 'ranked' });
      h.clock.advance(1);
      await joinQueue(h.deps, actor(b), { mode: 'ranked' });
      assert.equal(
        await queueFor(h, 10 * 60_000, 5_000),
        null,
        'ten minutes, same rating, never paired',
      );
      const c = await rated(h, 1500);
      await joinQueue(h.deps, actor(c), { mode: 'ranked' });
      assert.equal(await runMatcher(h.deps), 1);
      assert.deepEqual(
        matched(h)
          .map((p) => p.userId)
          .sort(),
        [a.id, c.id].sort(),
        'the longest waiter takes the newcomer',
      );
      assert.equal((await statusOf(h.deps, b.id)).queued, true);
      await cancelMatched(h);

      // A block made while both wait: the games service refuses the pair, the matcher remembers it.
      const [d, e] = [await rated(h, 2500), await rated(h, 2500)];
      await joinQueue(h.deps, actor(d), { mode: 'casual' });
      await joinQueue(h.deps, actor(e), { mode: 'casual' });
      assert.equal(
        (await api(s.url, 'PUT', `/api/v1/blocks/${d.username}`, { token: e.accessToken })).status,
        200,
      );
      h.pushed.length = 0;
      assert.equal(await runMatcher(h.deps), 0);
      assert.equal(await runMatcher(h.deps), 0);
      assert.equal((await statusOf(h.deps, d.id)).queued, true, 'both keep waiting, apart');
      assert.equal((await statusOf(h.deps, e.id)).queued, true);
      assert.equal(matched(h).length, 0);
      assert.equal(
        await s
          .db('matches')
          .whereIn('id', s.db('match_players').select('match_id').where({ user_id: d.id }))
          .count({ n: '*' })
          .first()
          .then((r) => Number(r!.n)),
        0,
        'no match row was written',
      );
    });

    it('only queues users with an open socket and drops tickets whose socket went away; ranked and casual never mix; leaving is idempotent', async () => {
      const h = harness();
      const [a, b, c] = [await rated(h, 1500), await rated(h, 1500), await rated(h, 1500)];
      h.sockets.delete(c.id);
      await assert.rejects(
        joinQueue(h.deps, actor(c), { mode: 'casual' }),
        (err: { code?: string }) => err.code === 'CONFLICT',
      );
      await joinQueue(h.deps, actor(a), { mode: 'casual' });
      await joinQueue(h.deps, actor(b), { mode: 'ranked' });
      assert.equal(
        await queueFor(h, 10 * 60_000, 10_000),
        null,
        'different modes are different pools',
      );
      // Joining again in another mode restarts the wait; in the same mode it keeps the place.
      const before = (await statusOf(h.deps, a.id)).waitedSec!;
      await joinQueue(h.deps, actor(a), { mode: 'casual' });
      assert.equal((await statusOf(h.deps, a.id)).waitedSec, before);
      h.sockets.delete(b.id);
      await joinQueue(h.deps, actor(a), { mode: 'ranked' });
      assert.equal((await statusOf(h.deps, a.id)).waitedSec, 0);
      assert.equal(await runMatcher(h.deps), 0, 'b lost its socket');
      assert.equal((await statusOf(h.deps, b.id)).queued, false, 'and its ticket');
      assert.deepEqual(await leaveQueue(h.deps, actor(a)), { queued: false, queueSize: 0 });
      assert.deepEqual(await leaveQueue(h.deps, actor(a)), { queued: false, queueSize: 0 });
      h.sockets.add(b.id);
      await joinQueue(h.deps, actor(b), { mode: 'ranked' });
      assert.equal(await runMatcher(h.deps), 0, 'a left: nobody to pair with');
      await assert.rejects(
        joinQueue(h.deps, { kind: 'system' } as Actor, { mode: 'ranked' }),
        (err: { code?: string }) => err.code === 'FORBIDDEN',
      );
    });
  });
}
