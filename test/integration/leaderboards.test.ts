/**
 * Leaderboards against a brute-force reference: random ratings (ties, players
 * under the match threshold, updates across buckets, deletions) ranked by
 * sorting everything, pages and around-me windows at the edges, and wins
 * boards whose periods reset when the injected clock crosses a week.
 */
import assert from 'node:assert/strict';
import { RATING_BOARD_MIN_MATCHES } from '../../api/contract/leaderboards.ts';
import {
  adminPassword,
  api,
  loginAs,
  register,
  startAuthServer,
  type AuthTestServer,
  type Registered,
} from '../support/accounts.ts';
import { importMatches, insertUsers, seeded, type PlainUser } from '../support/stats.ts';
import { suiteServer } from '../support/suite-server.ts';

interface Rated {
  id: string;
  username: string;
  rating: number;
  matches: number;
}

/** Ranks by sorting every stored rating (as the database stores them: real). */
async function reference(s: AuthTestServer): Promise<Map<string, number>> {
  const rows = (await s
    .db('ratings as r')
    .join('users as u', 'u.id', 'r.user_id')
    .select('r.user_id as id', 'u.username', 'r.rating', 'r.matches')) as Rated[];
  const board = rows
    .filter((r) => r.matches >= RATING_BOARD_MIN_MATCHES)
    .sort((a, b) => b.rating - a.rating || (a.id < b.id ? -1 : 1));
  return new Map(board.map((r, i) => [r.username, i + 1]));
}

describe('leaderboards', function () {
  this.timeout(120_000);
  const s = suiteServer(() => startAuthServer());
  let admin: string;
  let token: string;
  let viewer: Registered;
  /** Access tokens expire when the clock jumps: sign in again at the new time. */
  const relogin = async () => {
    admin = await loginAs(s.url, 'admin', adminPassword);
    token = await loginAs(s.url, viewer.username, viewer.password);
  };
  before(async () => {
    viewer = await register(s.url, 'lb');
    await relogin();
  });
  const get = async (path: string) => {
    const res = await api(s.url, 'GET', path, { token });
    return res;
  };

  describe('rating board', () => {
    const rows: Rated[] = [];
    let users: PlainUser[];
    before(async () => {
      await s.db('ratings').del();
      const rand = seeded(7);
      users = await insertUsers(s.db, `rb${process.pid % 1000}x`, 300);
      for (const u of users) {
        // Few distinct values near 1500 give ties and crowded buckets; some players are under the threshold.
        const rating = rand() < 0.3 ? 1500 + Math.floor(rand() * 4) : 900 + rand() * 1400;
        rows.push({ id: u.id, username: u.username, rating, matches: Math.floor(rand() * 20) });
      }
      await s.db('ratings').insert(
        rows.map((r) => ({
          user_id: r.id,
          rating: r.rating,
          deviation: 60,
          volatility: 0.06,
          matches: r.matches,
          wins: 0,
          losses: 0,
          draws: 0,
        })),
      );
      // Updates: across buckets, within a bucket, crossing the threshold; and a deletion.
      for (const r of rows.slice(0, 60)) {
        r.rating = r.rating + (rand() - 0.5) * 300;
        r.matches += 3;
        await s
          .db('ratings')
          .where({ user_id: r.id })
          .update({ rating: r.rating, matches: r.matches });
      }
      const gone = rows.pop()!;
      await s.db('users').where({ id: gone.id }).del();
    });

    it('keeps bucket counts equal to a recount', async () => {
      const recount = await s
        .db('ratings')
        .where('matches', '>=', RATING_BOARD_MIN_MATCHES)
        .select(s.db.raw('floor(rating)::int as bucket'), s.db.raw('count(*)::int as n'))
        .groupByRaw('1')
        .orderBy('bucket');
      const buckets = await s
        .db('rating_buckets')
        .where('players', '>', 0)
        .orderBy('bucket')
        .select('bucket', 'players as n');
      assert.deepEqual(buckets, recount);
    });

    it('pages the whole board in the reference order with reference ranks', async () => {
      const expected = await reference(s);
      const seen: [string, number][] = [];
      let cursor = '';
      for (;;) {
        const res = await get(
          `/api/v1/leaderboards/rating?limit=37${cursor ? `&cursor=${cursor}` : ''}`,
        );
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.meta.players, expected.size);
        seen.push(
          ...res.body.data.map(
            (e: { username: string; rank: number }) => [e.username, e.rank] as [string, number],
          ),
        );
        if (!res.body.meta.nextCursor) break;
        cursor = res.body.meta.nextCursor;
      }
      assert.deepEqual(seen, [...expected]);
    });

    it('gives every player the reference rank around them, with edges at the top and bottom', async () => {
      const expected = await reference(s);
      const order = [...expected.keys()];
      for (const name of [
        order[0]!,
        order[1]!,
        order[order.length - 1]!,
        ...order.filter((_, i) => i % 17 === 5),
      ]) {
        const res = await get(`/api/v1/leaderboards/rating/around/${name}?radius=3`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const rank = expected.get(name)!;
        assert.equal(res.body.meta.rank, rank, name);
        const names = res.body.data.map((e: { username: string }) => e.username);
        assert.deepEqual(names, order.slice(Math.max(0, rank - 4), rank + 3), `window of ${name}`);
        assert.deepEqual(
          res.body.data.map((e: { rank: number }) => e.rank),
          names.map((n: string) => expected.get(n)),
        );
      }
      const under = rows.find((r) => r.matches < RATING_BOARD_MIN_MATCHES)!;
      assert.equal((await get(`/api/v1/leaderboards/rating/around/${under.username}`)).status, 404);
      assert.equal((await get('/api/v1/leaderboards/rating/around/nobody-at-all')).status, 404);
      assert.equal((await get('/api/v1/leaderboards/rating?cursor=bm9wZQ')).status, 400);
      assert.equal((await get('/api/v1/leaderboards/rating?limit=101')).status, 400);
      assert.equal((await api(s.url, 'GET', '/api/v1/leaderboards/rating')).status, 401);
    });
  });

  describe('wins boards', () => {
    it('ranks wins with shared ranks and resets the week when the clock crosses Monday', async () => {
      // Wednesday 2031-01-15 12:00 UTC; Monday of that week is the 13th.
      const wednesday = Date.UTC(2031, 0, 15, 12);
      s.clock.set(wednesday + 3_600_000 * 6);
      await relogin();
      const players = await insertUsers(s.db, `wb${process.pid % 1000}x`, 6);
      const [a, b, c, d, e, f] = players.map((p) => p.username) as [
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      const wins: [string, string][] = [
        [a, f],
        [a, f],
        [a, f],
        [b, f],
        [b, f],
        [c, f],
        [d, f],
        [d, f],
        [b, f],
      ];
      await importMatches(
        s.url,
        admin,
        wins.map(([w, l], i) => ({
          left: w,
          right: l,
          score: [5, 2],
          startedAt: new Date(wednesday + i * 120_000),
        })),
      );
      const week = await get('/api/v1/leaderboards/wins?period=week&limit=3');
      assert.equal(week.status, 200, JSON.stringify(week.body));
      assert.equal(week.body.meta.periodStart, '2031-01-13');
      assert.equal(week.body.meta.resetsAt, '2031-01-20T00:00:00.000Z');
      const ours = (rows: { username: string; rank: number; value: number }[]) =>
        rows.map((r) => [r.username, r.rank, r.value]);
      assert.deepEqual(
        ours(week.body.data),
        [
          [a, 1, 3],
          [b, 1, 3],
          [d, 3, 2],
        ].sort(
          (x, y) =>
            (x[1] as number) - (y[1] as number) ||
            (players.find((p) => p.username === x[0])!.id <
            players.find((p) => p.username === y[0])!.id
              ? -1
              : 1),
        ),
      );
      const rest = await get(
        `/api/v1/leaderboards/wins?period=week&limit=3&cursor=${week.body.meta.nextCursor}`,
      );
      assert.deepEqual(ours(rest.body.data), [[c, 4, 1]]);
      assert.equal(rest.body.meta.nextCursor, null);
      const around = await get(`/api/v1/leaderboards/wins/around/${c}?period=week&radius=1`);
      assert.equal(around.body.meta.rank, 4);
      assert.deepEqual(
        around.body.data.map((r: { username: string }) => r.username),
        [d, c],
      );
      assert.equal(
        (await get(`/api/v1/leaderboards/wins/around/${e}?period=week`)).status,
        404,
        'no wins, not on the board',
      );

      s.clock.set(Date.UTC(2031, 0, 20, 0, 0, 1));
      await relogin();
      const next = await get('/api/v1/leaderboards/wins?period=week');
      assert.equal(next.body.meta.periodStart, '2031-01-20');
      assert.deepEqual(next.body.data, [], 'a new week starts empty');
      const month = await get('/api/v1/leaderboards/wins?period=month');
      assert.equal(month.body.meta.periodStart, '2031-01-01');
      assert.deepEqual(
        month.body.data.map((r: { value: number }) => r.value),
        [3, 3, 2, 1],
      );
      s.clock.set(Date.UTC(2031, 1, 1, 0, 0, 1));
      await relogin();
      assert.deepEqual(
        (await get('/api/v1/leaderboards/wins?period=month')).body.data,
        [],
        'and a new month too',
      );
      const all = await get('/api/v1/leaderboards/wins?period=all&limit=100');
      assert.equal(all.body.meta.resetsAt, null);
      assert.ok(
        all.body.data.some(
          (r: { username: string; value: number }) => r.username === a && r.value === 3,
        ),
      );
      s.clock.set(Date.now());
      await relogin();
    });
  });
});
