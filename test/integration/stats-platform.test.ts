/**
 * Platform stats (backdated registrations, active users, matches, durations,
 * queue-wait percentiles, peak players), analytics events (validation →
 * 400/413, per-user rate limit → 429, counts per day and event) and the
 * weekly digest (opt-in, idempotent per week, dry run).
 */
import assert from 'node:assert/strict';
import { EVENTS_BATCHES_PER_MINUTE } from '../../api/contract/analytics.ts';
import {
  adminPassword,
  api,
  loginAs,
  register,
  startAuthServer,
  type Registered,
} from '../support/accounts.ts';
import { notificationsOf } from '../support/social.ts';
import { importMatches } from '../support/stats.ts';
import { suiteServer } from '../support/suite-server.ts';

// Wednesday 2031-05-14, 12:00 UTC.
const NOW = Date.UTC(2031, 4, 14, 12);
const at = (daysAgo: number, hour: number) => new Date(Date.UTC(2031, 4, 14 - daysAgo, hour));

describe('platform stats, analytics and the digest', function () {
  this.timeout(120_000);
  const s = suiteServer(() => startAuthServer());
  let admin: string;
  let a: Registered, b: Registered, c: Registered;
  const relogin = async () => {
    admin = await loginAs(s.url, 'admin', adminPassword);
    for (const u of [a, b, c]) u.accessToken = await loginAs(s.url, u.username, u.password);
  };
  before(async () => {
    s.clock.set(NOW);
    [a, b, c] = [
      await register(s.url, 'pa'),
      await register(s.url, 'pb'),
      await register(s.url, 'pc'),
    ];
    await relogin();
  });
  const post = (token: string, path: string, body: unknown) =>
    api(s.url, 'POST', path, { token, body });

  it('reports registrations, active users, matches, durations and queue waits per day', async () => {
    const back = await post(admin, `/api/v1/admin/users/${c.username}/backdate`, {
      registeredAt: at(3, 9).toISOString(),
    });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal(
      (
        await post(a.accessToken, `/api/v1/admin/users/${c.username}/backdate`, {
          registeredAt: at(3, 9).toISOString(),
        })
      ).status,
      403,
    );
    assert.equal(
      (
        await post(admin, `/api/v1/admin/users/${c.username}/backdate`, {
          registeredAt: new Date(NOW + 3_600_000).toISOString(),
        })
      ).status,
      400,
    );
    await importMatches(s.url, admin, [
      {
        left: a.username,
        right: c.username,
        score: [5, 3],
        startedAt: at(2, 10),
        seconds: 100,
        queueWaitSec: [1.5, 2.5],
      },
      {
        left: b.username,
        right: c.username,
        score: [5, 1],
        startedAt: at(2, 11),
        seconds: 50,
        queueWaitSec: [4, 40],
      },
      {
        left: a.username,
        right: b.username,
        score: [4, 5],
        startedAt: at(1, 10),
        seconds: 60,
        queueWaitSec: [8, 8],
      },
    ]);
    const res = await api(s.url, 'GET', '/api/v1/admin/stats/platform?days=7', { token: admin });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const p = res.body.data;
    const day = (d: string) => p.daily.find((r: { day: string }) => r.day === d);
    assert.deepEqual(day('2031-05-11'), {
      day: '2031-05-11',
      registrations: 1,
      activeUsers: 0,
      matches: 0,
      averageDurationSec: 0,
      peakPlayers: 0,
    });
    assert.deepEqual(day('2031-05-12'), {
      day: '2031-05-12',
      registrations: 0,
      activeUsers: 3,
      matches: 2,
      averageDurationSec: 75,
      peakPlayers: 0,
    });
    assert.deepEqual([day('2031-05-13').activeUsers, day('2031-05-13').matches], [2, 1]);
    assert.equal(p.totals.matches, 3);
    assert.equal(p.totals.averageDurationSec, 70);
    assert.equal(p.totals.queueWait.samples, 6);
    // Waits 1.5, 2.5, 4, 8, 8, 40: the median falls in the 7.5–10 s bucket, p95 in 30–45 s.
    assert.ok(
      p.totals.queueWait.p50 > 3 && p.totals.queueWait.p50 <= 10,
      String(p.totals.queueWait.p50),
    );
    assert.ok(
      p.totals.queueWait.p95 > 30 && p.totals.queueWait.p95 <= 45,
      String(p.totals.queueWait.p95),
    );
    assert.deepEqual(
      p.weekly.map((w: { start: string; activeUsers: number }) => [w.start, w.activeUsers]),
      [
        ['2031-05-05', 0],
        ['2031-05-12', 3],
      ].filter((w) => w[1] !== 0),
    );
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/admin/stats/platform', { token: a.accessToken })).status,
      403,
    );
  });

  it('counts the peak of players in matches at once from live state changes', async () => {
    const [m1, m2] = [
      '00000000-0000-4000-8000-00000000a001',
      '00000000-0000-4000-8000-00000000a002',
    ];
    for (const [id, x, y] of [
      [m1, a, b],
      [m2, c, undefined],
    ] as const) {
      await s.db('matches').insert({ id, kind: 'direct', state: 'ready', settings: '{}', seed: 1 });
      await s
        .db('match_players')
        .insert([
          { match_id: id, side: 0, user_id: x.id },
          y
            ? { match_id: id, side: 1, user_id: y.id }
            : { match_id: id, side: 1, bot_level: 'easy' },
        ]);
    }
    const started = new Date(NOW - 60_000);
    await s.db('matches').where({ id: m1 }).update({ state: 'playing', started_at: started });
    await s.db('matches').where({ id: m2 }).update({ state: 'playing', started_at: started });
    await s
      .db('matches')
      .where({ id: m1 })
      .update({ state: 'aborted', ended_at: new Date(NOW) });
    await s
      .db('matches')
      .where({ id: m2 })
      .update({ state: 'aborted', ended_at: new Date(NOW) });
    const p = (await api(s.url, 'GET', '/api/v1/admin/stats/platform?days=1', { token: admin }))
      .body.data;
    assert.equal(p.totals.peakConcurrentPlayers, 3, 'two humans and one human against a bot');
    assert.equal((await s.db('stats_live').first()).players, 0);
  });

  it('accepts event batches and refuses unknown names, oversized properties and batches over 100', async () => {
    const event = (name: string, properties: Record<string, unknown> = {}, ts = NOW - 1000) => ({
      name,
      properties,
      timestamp: new Date(ts).toISOString(),
    });
    const send = (events: unknown[], token = b.accessToken) =>
      post(token, '/api/v1/events', { events });
    const ok = await send([
      event('app_open', { platform: 'web' }),
      event('screen_view', { screen: 'lobby' }),
      event('screen_view'),
    ]);
    assert.equal(ok.status, 202, JSON.stringify(ok.body));
    assert.equal(ok.body.data.accepted, 3);
    assert.equal((await send([event('made_up')])).status, 400);
    assert.equal((await send([event('app_open', { BadKey: 1 })])).status, 400);
    assert.equal(
      (await send([event('app_open', {}, NOW - 8 * 86_400_000)])).status,
      400,
      'older than a week',
    );
    const big = await send([
      event('app_open', {
        a: 'x'.repeat(500),
        b: 'x'.repeat(500),
        c: 'x'.repeat(500),
        d: 'x'.repeat(500),
        e: 'x'.repeat(500),
      }),
    ]);
    assert.equal(big.status, 413);
    assert.equal((await send(Array.from({ length: 101 }, () => event('app_open')))).status, 413);
    assert.equal((await send([])).status, 400);
    assert.equal(
      (await api(s.url, 'POST', '/api/v1/events', { body: { events: [event('app_open')] } }))
        .status,
      401,
    );
    const stored = await s.db('events').where({ user_id: b.id }).orderBy('id');
    assert.equal(stored.length, 3, 'refused batches store nothing');
  });

  it('rate limits batches per user, and reports counts per day and event', async () => {
    const event = {
      name: 'button_click',
      properties: { button: 'play' },
      timestamp: new Date(NOW - 86_400_000).toISOString(),
    };
    let status = 0;
    let sent = 0;
    for (; sent <= EVENTS_BATCHES_PER_MINUTE; sent++) {
      const res = await post(c.accessToken, '/api/v1/events', { events: [event] });
      status = res.status;
      if (status === 429) {
        assert.ok(Number(res.headers.get('retry-after')) >= 1);
        break;
      }
    }
    assert.equal(status, 429);
    assert.equal(sent, EVENTS_BATCHES_PER_MINUTE);
    assert.equal(
      (await post(a.accessToken, '/api/v1/events', { events: [event] })).status,
      202,
      'other users are not limited',
    );
    s.clock.advance(61_000);
    assert.equal(
      (await post(c.accessToken, '/api/v1/events', { events: [event] })).status,
      202,
      'the window moves on',
    );
    const res = await api(s.url, 'GET', '/api/v1/admin/analytics/activity?days=2', {
      token: admin,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.data.totals, [
      { event: 'button_click', count: EVENTS_BATCHES_PER_MINUTE + 2 },
      { event: 'screen_view', count: 2 },
      { event: 'app_open', count: 1 },
    ]);
    assert.deepEqual(
      res.body.data.daily.find((d: { event: string }) => d.event === 'button_click').day,
      '2031-05-13',
    );
    const only = await api(s.url, 'GET', '/api/v1/admin/analytics/activity?days=2&event=app_open', {
      token: admin,
    });
    assert.deepEqual(only.body.data.totals, [{ event: 'app_open', count: 1 }]);
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/admin/analytics/activity?event=nope', { token: admin }))
        .status,
      400,
    );
  });

  it('sends the weekly digest to players who opted in, once per week', async () => {
    for (const u of [a, b])
      assert.deepEqual(
        (
          await api(s.url, 'PATCH', '/api/v1/me/digest', {
            token: u.accessToken,
            body: { weekly: true },
          })
        ).body.data,
        { weekly: true },
      );
    assert.deepEqual(
      (await api(s.url, 'GET', '/api/v1/me/digest', { token: c.accessToken })).body.data,
      { weekly: false },
    );
    // The next Monday: the last full week is 2031-05-12..18 (a won 1 of 2, b 2 of 2); the week before had nothing.
    s.clock.set(Date.UTC(2031, 4, 19, 6));
    await relogin();
    const dry = await post(admin, '/api/v1/admin/digest/weekly', { dryRun: true });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.deepEqual(
      [dry.body.data.weekStart, dry.body.data.optedIn, dry.body.data.sent],
      ['2031-05-12', 2, 0],
    );
    assert.deepEqual(
      dry.body.data.items.map((i: { trend: string }) => i.trend),
      ['better', 'better'],
    );
    const run = (await post(admin, '/api/v1/admin/digest/weekly', {})).body.data;
    assert.deepEqual([run.sent, run.alreadySent], [2, 0]);
    const again = (await post(admin, '/api/v1/admin/digest/weekly', {})).body.data;
    assert.deepEqual([again.sent, again.alreadySent], [0, 2]);
    const notes = (await notificationsOf(s.url, a)).items.filter(
      (n) => n.type === 'system' && n.payload.kind === 'weekly_digest',
    );
    assert.equal(notes.length, 1);
    assert.match(notes[0].payload.body, /2 matches, 50% won/);
    assert.equal(
      (await notificationsOf(s.url, c)).items.filter((n) => n.payload.kind === 'weekly_digest')
        .length,
      0,
    );
    assert.equal((await post(a.accessToken, '/api/v1/admin/digest/weekly', {})).status, 403);
    assert.equal(
      await s
        .db('audit_log')
        .where({ action: 'digest.weekly' })
        .count({ n: '*' })
        .first()
        .then((r) => Number(r!.n)),
      2,
    );
  });
});
