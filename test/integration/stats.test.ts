/**
 * Player stats against hand-computed fixtures (imported matches over three
 * days, one of them private), private matches only in the player's own view,
 * head to head, rating history, the import's validation and audit, and the
 * reporting views Grafana reads.
 */
import assert from 'node:assert/strict';
import {
  adminPassword,
  api,
  loginAs,
  register,
  startAuthServer,
  type Registered,
} from '../support/accounts.ts';
import { importBody, importMatches } from '../support/stats.ts';
import { suiteServer } from '../support/suite-server.ts';

const DAY = 86_400_000;
// Thursday 2031-03-13, 18:00 UTC.
const NOW = Date.UTC(2031, 2, 13, 18);
const at = (daysAgo: number, hour: number) => new Date(Date.UTC(2031, 2, 13 - daysAgo, hour));

describe('stats', function () {
  this.timeout(120_000);
  const s = suiteServer(() => startAuthServer());
  let admin: string;
  let a: Registered, b: Registered, c: Registered;
  const get = (token: string, path: string) => api(s.url, 'GET', path, { token });
  before(async () => {
    s.clock.set(NOW);
    [a, b, c] = [
      await register(s.url, 'sa'),
      await register(s.url, 'sb'),
      await register(s.url, 'sc'),
    ];
    admin = await loginAs(s.url, 'admin', adminPassword);
    const rally = (average: number, longest: number) => ({
      averageRally: average,
      longestRally: longest,
      maxBallSpeed: 900,
    });
    await importMatches(s.url, admin, [
      {
        left: a.username,
        right: b.username,
        score: [5, 3],
        startedAt: at(2, 10),
        seconds: 60,
        stats: rally(4, 9),
      },
      {
        left: b.username,
        right: a.username,
        score: [5, 2],
        startedAt: at(2, 11),
        seconds: 90,
        stats: rally(6, 12),
      },
      {
        left: a.username,
        right: c.username,
        score: [5, 1],
        startedAt: at(1, 10),
        seconds: 30,
        stats: rally(2, 3),
        visibility: 'private',
      },
      {
        left: a.username,
        right: b.username,
        score: [5, 4],
        startedAt: at(1, 11),
        seconds: 120,
        stats: rally(8, 20),
      },
      {
        left: c.username,
        right: a.username,
        score: [0, 5],
        startedAt: at(0, 10),
        seconds: 60,
        stats: rally(3, 5),
      },
    ]);
  });

  it('counts public matches for other viewers (hand-computed)', async () => {
    const res = await get(b.accessToken, `/api/v1/users/${a.username}/stats?days=7`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const st = res.body.data;
    assert.equal(st.includesPrivate, false);
    assert.deepEqual([st.matches, st.wins, st.losses, st.draws, st.winRate], [4, 3, 1, 0, 0.75]);
    assert.deepEqual(st.streak, { current: 2, best: 2 });
    assert.deepEqual(st.points, { for: 17, against: 12 });
    assert.deepEqual(st.rally, { average: 5.25, longest: 20 });
    assert.equal(st.averageDurationSec, 82.5);
    assert.deepEqual(st.opponents, [
      { username: b.username, matches: 3, wins: 2, losses: 1 },
      { username: c.username, matches: 1, wins: 1, losses: 0 },
    ]);
    assert.deepEqual(st.activity.slice(-3), [
      { day: '2031-03-11', matches: 2, wins: 1, losses: 1 },
      { day: '2031-03-12', matches: 1, wins: 1, losses: 0 },
      { day: '2031-03-13', matches: 1, wins: 1, losses: 0 },
    ]);
    assert.equal(st.activity.length, 7);
    assert.equal(st.rating.matches, 4, 'the private match is not rated');
    assert.equal(st.rating.rank, null, 'under the board threshold');
  });

  it("includes private matches only in the player's own view", async () => {
    const st = (await get(a.accessToken, `/api/v1/users/${a.username}/stats?days=7`)).body.data;
    assert.equal(st.includesPrivate, true);
    assert.deepEqual([st.matches, st.wins, st.losses, st.winRate], [5, 4, 1, 0.8]);
    assert.deepEqual(st.streak, { current: 3, best: 3 });
    assert.deepEqual(st.points, { for: 22, against: 13 });
    assert.deepEqual(st.rally, { average: 4.6, longest: 20 });
    assert.equal(st.averageDurationSec, 72);
    assert.deepEqual(
      st.opponents.map((o: { matches: number }) => o.matches),
      [3, 2],
    );
    const byAdmin = (await get(admin, `/api/v1/users/${a.username}/stats?days=7`)).body.data;
    assert.equal(byAdmin.matches, 4, 'admins see the public view');
    const today = (await get(b.accessToken, `/api/v1/users/${a.username}/stats?days=1`)).body.data;
    assert.deepEqual(
      [today.from, today.matches, today.streak.current, today.streak.best],
      ['2031-03-13', 1, 2, 1],
      'the current streak reaches back past the window',
    );
  });

  it('answers head to head, with private matches only for the two players', async () => {
    const ab = (await get(c.accessToken, `/api/v1/users/${a.username}/versus/${b.username}`)).body
      .data;
    assert.deepEqual([ab.matches, ab.wins, ab.points, ab.draws], [3, [2, 1], [12, 12], 0]);
    assert.deepEqual(
      ab.recent.map((r: { score: number[]; winner: string }) => [r.score, r.winner]),
      [
        [[5, 4], a.username],
        [[2, 5], b.username],
        [[5, 3], a.username],
      ],
    );
    const acByB = (await get(b.accessToken, `/api/v1/users/${a.username}/versus/${c.username}`))
      .body.data;
    const acByC = (await get(c.accessToken, `/api/v1/users/${a.username}/versus/${c.username}`))
      .body.data;
    assert.deepEqual([acByB.matches, acByB.recent.length, acByB.includesPrivate], [1, 1, false]);
    assert.deepEqual([acByC.matches, acByC.recent.length, acByC.includesPrivate], [2, 2, true]);
    assert.equal(
      (await get(c.accessToken, `/api/v1/users/${a.username}/versus/${a.username}`)).status,
      400,
    );
    assert.equal(
      (await get(c.accessToken, `/api/v1/users/${a.username}/versus/nobody-x`)).status,
      404,
    );
  });

  it('lists the rating history newest first with a cursor', async () => {
    const first = await get(
      b.accessToken,
      `/api/v1/users/${a.username}/stats/rating-history?limit=3`,
    );
    assert.equal(first.body.data.length, 3);
    const rest = await get(
      b.accessToken,
      `/api/v1/users/${a.username}/stats/rating-history?limit=3&cursor=${first.body.meta.nextCursor}`,
    );
    const all = [...first.body.data, ...rest.body.data];
    assert.equal(all.length, 4);
    assert.deepEqual(
      all.map((p: { delta: number }) => Math.sign(p.delta)),
      [1, 1, -1, 1],
      'W, W, L, W newest first',
    );
    assert.equal(rest.body.meta.nextCursor, null);
  });

  it('validates imports: order, players, timeline, size, role; and audits them', async () => {
    const post = (token: string, matches: unknown[]) =>
      api(s.url, 'POST', '/api/v1/admin/matches/import', { token, body: { matches } });
    const base = {
      left: a.username,
      right: b.username,
      score: [5, 3] as [number, number],
      startedAt: at(0, 12),
      seconds: 60,
    };
    assert.equal(
      (await post(admin, [importBody({ ...base, startedAt: at(1, 0) })])).status,
      409,
      'before the latest match of a player',
    );
    assert.equal((await post(admin, [importBody({ ...base, right: a.username })])).status, 400);
    assert.equal((await post(admin, [importBody({ ...base, right: 'nobody-x' })])).status, 404);
    assert.equal(
      (await post(admin, [importBody({ ...base, startedAt: new Date(NOW + DAY) })])).status,
      400,
      'in the future',
    );
    const badTimeline = {
      ...importBody(base),
      timeline: [
        { tick: 10, score: [1, 0] },
        { tick: 20, score: [3, 0] },
      ],
    };
    assert.equal((await post(admin, [badTimeline])).status, 400);
    assert.equal(
      (
        await post(
          admin,
          Array.from({ length: 101 }, () => importBody(base)),
        )
      ).status,
      400,
    );
    assert.equal((await post(b.accessToken, [importBody(base)])).status, 403);
    const before = await s.db('matches').count({ n: '*' }).first();
    const timeline = [
      { tick: 60, score: [1, 0] },
      { tick: 200, score: [1, 1] },
      { tick: 900, score: [2, 1] },
    ];
    const ok = await post(admin, [{ ...importBody({ ...base, score: [2, 1] }), timeline }]);
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(
      Number((await s.db('matches').count({ n: '*' }).first())!.n),
      Number(before!.n) + 1,
    );
    const match = await get(a.accessToken, `/api/v1/matches/${ok.body.data.imported[0].id}`);
    assert.deepEqual(
      match.body.data.timeline.map((t: { score: number[] }) => t.score),
      [
        [1, 0],
        [1, 1],
        [2, 1],
      ],
    );
    const audit = await s
      .db('audit_log')
      .where({ action: 'matches.import' })
      .orderBy('id', 'desc')
      .first();
    assert.equal(audit.details.count ?? JSON.parse(audit.details).count, 1);
  });

  it('exposes matches, players and points through the reporting views', async () => {
    const rows = await s
      .db('reporting.matches')
      .whereIn('id', s.db('match_players').select('match_id').where({ user_id: a.id }))
      .orderBy('ended_at');
    assert.deepEqual(
      rows.map((r: { kind: string; private: boolean }) => [r.kind, r.private]).slice(0, 3),
      [
        ['ranked', false],
        ['ranked', false],
        ['ranked', true],
      ],
    );
    const players = await s
      .db('reporting.match_players')
      .where({ match_id: rows[0].id })
      .orderBy('score', 'desc');
    assert.deepEqual(
      players.map((p: { score: number; won: boolean }) => [p.score, p.won]),
      [
        [5, true],
        [3, false],
      ],
    );
    const points = await s
      .db('reporting.match_points')
      .where({ match_id: rows.at(-1).id })
      .orderBy('scored_at');
    assert.deepEqual(
      points.map((p: { left_score: number }) => p.left_score),
      [1, 1, 2],
    );
    assert.equal(
      new Date(points[0].scored_at).getTime() - new Date(rows.at(-1).started_at).getTime(),
      1000,
      'tick 60 is one second in',
    );
  });
});
