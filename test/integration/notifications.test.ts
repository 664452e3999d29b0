/**
 * Notifications: stored and pushed to open sockets, listed with the unread
 * count and cursor, marked read by ids or all; the admin broadcast audited
 * and written in batches.
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
import { notificationsOf } from '../support/social.ts';
import { connect, type TestClient } from '../support/ws-client.ts';
import { broadcastSystem } from '../../api/domain/notifications/broadcast.ts';
import { notify } from '../../api/domain/notifications/service.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('notifications', () => {
  const s = suiteServer(() => startAuthServer(), 60_000);
  let admin: string;
  const open: TestClient[] = [];
  before(async () => {
    admin = await loginAs(s.url, 'admin', adminPassword);
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });
  const socket = async (u: Registered) => {
    const { client } = await connect(s.url, u.accessToken);
    open.push(client);
    return client;
  };
  const userCount = async () =>
    Number((await s.db('users').whereNot({ status: 'deleted' }).count({ n: '*' }))[0]?.n);
  const read = (u: Registered, body: unknown) =>
    api(s.url, 'POST', '/api/v1/notifications/read', { token: u.accessToken, body });

  it('pushes a stored notification to every open socket of the user, and only theirs', async () => {
    const [a, b] = [await register(s.url, 'n'), await register(s.url, 'n')];
    const [b1, b2, other] = [await socket(b), await socket(b), await socket(a)];
    await api(s.url, 'POST', '/api/v1/friends/requests', {
      token: a.accessToken,
      body: { username: b.username },
    });
    const [m1, m2] = [await b1.next('notification'), await b2.next('notification')];
    assert.deepEqual(m1, m2);
    const pushed = m1.notification as {
      id: string;
      type: string;
      payload: { from: string };
      readAt: null;
    };
    assert.equal(pushed.type, 'friend_request');
    assert.equal(pushed.payload.from, a.username);
    assert.equal(pushed.readAt, null);
    const stored = await notificationsOf(s.url, b);
    assert.deepEqual(stored.items[0], pushed, 'the pushed object is the stored one');
    assert.deepEqual(
      other.received.filter((m) => m.type === 'notification'),
      [],
    );
  });

  it('lists newest first with cursor and unread filter; meta.unreadCount counts every unread one', async () => {
    const u = await register(s.url, 'n');
    for (let i = 1; i <= 5; i++)
      await notify(s.social.notifications, u.id, 'system', { title: `t${i}`, body: 'b' });
    const first = await notificationsOf(s.url, u, '?limit=2');
    assert.deepEqual(
      first.items.map((n) => n.payload.title),
      ['t5', 't4'],
    );
    assert.equal(first.unreadCount, 5);
    const second = await notificationsOf(s.url, u, `?limit=2&cursor=${first.nextCursor}`);
    assert.deepEqual(
      second.items.map((n) => n.payload.title),
      ['t3', 't2'],
    );
    const third = await notificationsOf(s.url, u, `?limit=2&cursor=${second.nextCursor}`);
    assert.deepEqual(
      third.items.map((n) => n.payload.title),
      ['t1'],
    );
    assert.equal(third.nextCursor, null);

    const marked = await read(u, { ids: [first.items[0].id, second.items[1].id] });
    assert.equal(marked.status, 200);
    assert.deepEqual(marked.body.data, { updated: 2, unreadCount: 3 });
    const again = await read(u, { ids: [first.items[0].id] });
    assert.deepEqual(again.body.data, { updated: 0, unreadCount: 3 }, 'already read');
    const unread = await notificationsOf(s.url, u, '?unread=true');
    assert.deepEqual(
      unread.items.map((n) => n.payload.title),
      ['t4', 't3', 't1'],
    );
    const all = await notificationsOf(s.url, u);
    assert.ok(all.items.find((n) => n.payload.title === 't5').readAt);

    assert.deepEqual((await read(u, { all: true })).body.data, { updated: 3, unreadCount: 0 });
    assert.deepEqual((await notificationsOf(s.url, u, '?unread=true')).items, []);
  });

  it('cannot mark another user’s notifications; refuses bad bodies and cursors', async () => {
    const [a, b] = [await register(s.url, 'n'), await register(s.url, 'n')];
    const n = await notify(s.social.notifications, a.id, 'system', { title: 'mine', body: 'x' });
    assert.deepEqual((await read(b, { ids: [n.id] })).body.data, { updated: 0, unreadCount: 0 });
    assert.equal((await notificationsOf(s.url, a)).unreadCount, 1);
    for (const body of [
      {},
      { ids: [] },
      { all: false },
      { ids: ['abc'] },
      { ids: [n.id], all: true },
    ]) {
      assert.equal((await read(a, body)).status, 400, JSON.stringify(body));
    }
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/notifications?cursor=zzz', { token: a.accessToken }))
        .status,
      400,
    );
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/notifications?unread=yes', { token: a.accessToken }))
        .status,
      400,
    );
  });

  it('broadcast: a system notification for every user, pushed to open sockets, audited', async () => {
    const [online, offline] = [await register(s.url, 'n'), await register(s.url, 'n')];
    const ws = await socket(online);
    const users = await userCount();
    const res = await api(s.url, 'POST', '/api/v1/admin/notifications/broadcast', {
      token: admin,
      body: { title: 'Maintenance', body: 'Back at 10:00' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data.recipients, Number(users));
    assert.equal(res.body.data.batches, 1);
    const pushed = (await ws.next('notification')).notification as {
      type: string;
      payload: Record<string, unknown>;
    };
    assert.equal(pushed.type, 'system');
    assert.deepEqual(pushed.payload, {
      title: 'Maintenance',
      body: 'Back at 10:00',
      broadcastId: res.body.data.broadcastId,
    });
    const stored = await notificationsOf(s.url, offline);
    assert.equal(stored.items[0].type, 'system');
    assert.equal(stored.items[0].payload.broadcastId, res.body.data.broadcastId);
    const audit = await api(s.url, 'GET', '/api/v1/admin/audit?action=notifications.broadcast', {
      token: admin,
    });
    const entry = audit.body.data.find(
      (e: { target: string }) => e.target === res.body.data.broadcastId,
    );
    assert.ok(entry, 'audited');
    assert.equal(entry.actor, 'admin');
    assert.equal(entry.details.title, 'Maintenance');
    assert.equal(
      (
        await api(s.url, 'POST', '/api/v1/admin/notifications/broadcast', {
          token: admin,
          body: { title: ' ', body: 'x' },
        })
      ).status,
      400,
    );
  });

  it('broadcast writes one statement per batch of users, never all at once, and reaches each user once', async () => {
    for (let i = 0; i < 4; i++) await register(s.url, 'n');
    const n = await userCount();
    const statements: string[] = [];
    const onQuery = (q: { sql: string }) =>
      /insert into notifications/i.test(q.sql) && statements.push(q.sql);
    s.db.on('query', onQuery);
    const actor = { kind: 'user' as const, id: 'x', role: 'admin' as const, username: 'admin' };
    try {
      const result = await broadcastSystem(
        { ...s.social.notifications, broadcastBatchSize: 3 },
        actor,
        { title: 'Batched', body: 'b' },
      );
      assert.equal(result.recipients, Number(n));
      assert.equal(result.batches, Math.ceil(Number(n) / 3));
      assert.ok(
        statements.length >= result.batches && statements.length <= result.batches + 1,
        `${statements.length} statements`,
      );
      const rows = await s
        .db('notifications')
        .where('payload', '@>', JSON.stringify({ broadcastId: result.broadcastId }))
        .select('user_id');
      assert.equal(
        new Set(rows.map((r: { user_id: string }) => r.user_id)).size,
        Number(n),
        'every user once',
      );
      assert.equal(rows.length, Number(n));
    } finally {
      s.db.off('query', onQuery);
    }
    await assert.rejects(
      broadcastSystem(
        s.social.notifications,
        { kind: 'user', id: 'x', role: 'moderator' },
        { title: 't', body: 'b' },
      ),
      /admin role/,
    );
  });
});
