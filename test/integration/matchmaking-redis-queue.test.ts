/**
 * The global matchmaking queue in the real Redis: joins racing from several
 * connections leave one ticket per user, a pair is taken whole or not at all
 * however many takers race, and two matchers (two stores on one prefix, as
 * two instances) running passes at once over one queue never pair a user
 * twice or start two matches for one user; the real games service and
 * database start the matches. The rating window and block rules on this store
 * run in matchmaking-service.test.ts.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { manualClock } from '../../api/core/clock.ts';
import { createMatchmakingDeps, type QueuePush } from '../../api/domain/matchmaking/deps.ts';
import { runMatcher } from '../../api/domain/matchmaking/matcher.ts';
import type { QueueStore, Ticket } from '../../api/domain/matchmaking/queue.ts';
import { createRedisQueueStore } from '../../api/domain/matchmaking/queue-redis.ts';
import { joinQueue } from '../../api/domain/matchmaking/service.ts';
import { register, startAuthServer } from '../support/accounts.ts';
import { needsRedis, sharedRedisUrl } from '../support/redis.ts';
import { suiteServer } from '../support/suite-server.ts';

const config = { tickMs: 1000, baseWindow: 100, widenBy: 50, widenEveryMs: 5000 };

function ticket(userId: string, over: Partial<Ticket> = {}): Ticket {
  return {
    userId,
    username: `name-${userId}`,
    rating: 1500,
    enqueuedAt: 1_000,
    pool: 'casual',
    mode: 'casual',
    blocked: new Set(),
    joinId: randomUUID(),
    joinedAt: 1_000,
    ...over,
  };
}

describe('matchmaking: the global queue in Redis', function () {
  this.timeout(60_000);
  needsRedis();
  let prefix: string;
  const clients: Redis[] = [];
  const stores: QueueStore[] = [];

  /** Another "instance": a store on its own connection, same prefix. */
  function instance(): QueueStore {
    const redis = new Redis(sharedRedisUrl);
    clients.push(redis);
    const store = createRedisQueueStore(redis, prefix);
    stores.push(store);
    return store;
  }

  beforeEach(() => {
    prefix = `test:mm-queue:${randomBytes(4).toString('hex')}:`;
  });
  afterEach(async () => {
    const cleaner = new Redis(sharedRedisUrl);
    const keys = await cleaner.keys(`${prefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
    cleaner.disconnect();
    for (const store of stores.splice(0)) await store.close();
    clients.length = 0;
  });

  it('keeps one ticket per user when joins race from several instances; a same-mode join keeps its place, another mode restarts it', async () => {
    const [one, two, three] = [instance(), instance(), instance()];
    const joins = [];
    for (let i = 0; i < 30; i++) {
      const store = [one, two, three][i % 3]!;
      joins.push(store.join(ticket('u1', { enqueuedAt: 1_000 + i, joinedAt: 1_000 + i })));
    }
    const results = await Promise.all(joins);
    const first = results.findIndex((r) => !r.existed);
    assert.equal(results.filter((r) => !r.existed).length, 1, 'exactly one join found no ticket');
    assert.equal(await two.size(), 1);
    // Three connections race, so any of the joins may reach Redis first; the place is that one's.
    const stored = await three.get('u1');
    assert.equal(
      stored?.enqueuedAt,
      1_000 + first,
      'the first place is kept by every same-mode join',
    );
    for (const r of results) assert.equal(r.ticket.enqueuedAt, 1_000 + first, 'every join sees it');
    assert.deepEqual(
      (await one.tickets()).map((t) => t.userId),
      ['u1'],
    );

    const ranked = await one.join(
      ticket('u1', { mode: 'ranked', pool: 'ranked', enqueuedAt: 9_000 }),
    );
    assert.equal(ranked.existed, true);
    assert.equal(ranked.ticket.enqueuedAt, 9_000, 'a new mode takes a new place');
    assert.equal((await two.get('u1'))?.mode, 'ranked');
    assert.equal(await three.size(), 1);
  });

  it('takes a pair whole, by exactly one of many racing takers, and only while both are the joins the taker saw', async () => {
    const stores = [instance(), instance(), instance(), instance()];
    const users = Array.from({ length: 12 }, (_, i) => `p${i}`);
    const tickets = new Map<string, Ticket>();
    for (const u of users) tickets.set(u, (await stores[0]!.join(ticket(u))).ticket);
    // Every pair of the 12 users, each tried by two stores at once: 132 racing takes.
    const attempts: Promise<[string, string, boolean]>[] = [];
    users.forEach((a, i) =>
      users.slice(i + 1).forEach((b, j) => {
        for (const store of [stores[i % 4]!, stores[(i + j + 1) % 4]!])
          attempts.push(store.takePair(tickets.get(a)!, tickets.get(b)!).then((ok) => [a, b, ok]));
      }),
    );
    const won = (await Promise.all(attempts)).filter(([, , ok]) => ok);
    const taken = won.flatMap(([a, b]) => [a, b]);
    assert.equal(new Set(taken).size, taken.length, `a user was taken twice: ${taken.join(' ')}`);
    assert.equal(taken.length + (await stores[1]!.size()), users.length, 'nothing lost');
    assert.ok(won.length >= 1);

    const [x, y] = users.filter((u) => !taken.includes(u));
    if (x && y) {
      // y joins again (a new join id): a taker that saw the old join gets nothing, x stays.
      await stores[2]!.join(ticket(y));
      assert.equal(await stores[3]!.takePair(tickets.get(x)!, tickets.get(y)!), false);
      assert.ok(await stores[0]!.get(x), 'a refused take leaves both tickets');
      assert.ok(await stores[0]!.get(y));
    }
    assert.equal(await stores[0]!.takePair(tickets.get('p0')!, tickets.get('p0')!), false);
  });

  it('puts a refused pair back with its place and blocks, unless the user queued again meanwhile', async () => {
    const [one, two] = [instance(), instance()];
    const a = (await one.join(ticket('a', { enqueuedAt: 500 }))).ticket;
    const b = (await one.join(ticket('b', { enqueuedAt: 700 }))).ticket;
    assert.equal(await two.takePair(a, b), true);
    assert.equal(await one.size(), 0);
    a.blocked.add('b');
    assert.equal(await two.restore(a), true);
    const back = await one.get('a');
    assert.equal(back?.enqueuedAt, 500);
    assert.deepEqual([...back!.blocked], ['b'], 'the late block is kept');
    await one.join(ticket('b', { enqueuedAt: 2_000 }));
    assert.equal(await two.restore(b), false, 'b queued again: its new ticket stays');
    assert.equal((await one.get('b'))?.enqueuedAt, 2_000);
  });

  describe('two matchers racing over one queue', () => {
    const s = suiteServer(() => startAuthServer());

    it('pairs each user at most once and starts one match per pair', async () => {
      const clock = manualClock(1_000_000);
      const users = await Promise.all(Array.from({ length: 16 }, () => register(s.url, 'mr')));
      const online = new Set(users.map((u) => u.id));
      const pushed: { userId: string; message: QueuePush }[] = [];
      const matcher = () =>
        createMatchmakingDeps({
          db: s.db,
          clock,
          logger: s.logger,
          config,
          games: s.games,
          queue: instance(),
          online: async (ids) => new Set(ids.filter((id) => online.has(id))),
          push: async (userId, message) => void pushed.push({ userId, message }),
        });
      const [x, y] = [matcher(), matcher()];
      for (const [i, u] of users.entries())
        await joinQueue(
          i % 2 ? x : y,
          { kind: 'user', id: u.id, role: 'player', sessionId: 't' },
          {
            mode: 'casual',
          },
        );
      assert.equal(await x.queue.size(), 16);
      // Both instances' passes at once, again and again, until the queue is empty.
      const made: number[] = [];
      for (let round = 0; round < 10 && (await x.queue.size()) > 0; round++)
        made.push(...(await Promise.all([runMatcher(x), runMatcher(y)])));
      assert.equal(
        made.reduce((n, m) => n + m, 0),
        8,
        `matches made per pass ${JSON.stringify(made)}`,
      );
      assert.equal(await x.queue.size(), 0);

      const matched = pushed.filter((p) => p.message.type === 'queue.matched');
      const byUser = new Map<string, string[]>();
      for (const p of matched)
        if (p.message.type === 'queue.matched')
          byUser.set(p.userId, [...(byUser.get(p.userId) ?? []), p.message.matchId]);
      assert.equal(byUser.size, 16);
      assert.ok(
        [...byUser.values()].every((ids) => ids.length === 1),
        'one queue.matched each',
      );
      const rows: { user_id: string; n: string | number }[] = await s
        .db('match_players')
        .whereIn(
          'user_id',
          users.map((u) => u.id),
        )
        .groupBy('user_id')
        .select('user_id')
        .count({ n: '*' });
      assert.equal(rows.length, 16);
      assert.ok(
        rows.every((r) => Number(r.n) === 1),
        'one match row per user',
      );
      assert.equal(await x.queue.matchesMade(), 8, 'counted once for the deployment');
      for (const id of new Set([...byUser.values()].flat()))
        if (s.games.runner.get(id))
          await s.games.runner.end(id, {
            outcome: 'aborted',
            reason: 'cancelled',
            winnerSide: null,
          });
    });
  });
});
