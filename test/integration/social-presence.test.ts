/**
 * Presence with real sockets: friends (and only friends) get presence.update
 * on the first connect and the last disconnect, in_game from the games seam,
 * the profile shows presence to friends only, and the admin view counts.
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
import { befriend, friendList } from '../support/social.ts';
import { connect, type TestClient, type WsMessage } from '../support/ws-client.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('social: presence', () => {
  const s = suiteServer(() => startAuthServer(), 60_000);
  let admin: string;
  const open: TestClient[] = [];
  before(async () => {
    admin = await loginAs(s.url, 'admin', adminPassword);
  });
  afterEach(async () => {
    for (const c of open.splice(0)) c.close();
    // The next test counts sockets: wait until the server has seen every close.
    for (let i = 0; i < 100 && (await s.social.presence.snapshot()).sockets.size > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
  });
  const socket = async (u: Registered) => {
    const { client } = await connect(s.url, u.accessToken);
    open.push(client);
    return client;
  };
  /** A user who is a friend of `of`. */
  const friendOf = async (of: Registered) => {
    const u = await register(s.url, 'p');
    await befriend(s.url, of, u);
    return u;
  };
  const presenceOf = (m: WsMessage) => [m.username, m.status];

  it('friends see online on the first socket and offline after the last; strangers see nothing', async () => {
    const a = await register(s.url, 'p');
    const b = await friendOf(a);
    const marker = await friendOf(a);
    const stranger = await register(s.url, 'p');
    const watcher = await socket(a);
    const strangerSocket = await socket(stranger);

    const b1 = await socket(b);
    assert.deepEqual(presenceOf(await watcher.next('presence.update')), [b.username, 'online']);
    const b2 = await socket(b);
    b1.ws.close();
    await b1.closed;
    // Nothing for b's second socket nor for closing one of two: the next event is the marker's.
    const m = await socket(marker);
    assert.deepEqual(presenceOf(await watcher.next('presence.update')), [
      marker.username,
      'online',
    ]);
    m.ws.close();
    assert.deepEqual(presenceOf(await watcher.next('presence.update')), [
      marker.username,
      'offline',
    ]);

    b2.ws.close();
    const offline = await watcher.next('presence.update');
    assert.deepEqual(presenceOf(offline), [b.username, 'offline']);
    assert.ok(
      typeof offline.lastSeenAt === 'string' && offline.lastSeenAt.length > 0,
      'offline carries the last-seen time',
    );
    assert.deepEqual(
      strangerSocket.received.filter((x) => x.type === 'presence.update'),
      [],
      'a stranger hears nothing',
    );
    const [fb] = (await friendList(s.url, a)).filter((f) => f.username === b.username);
    assert.equal(fb.presence.status, 'offline');
    assert.equal(fb.presence.lastSeenAt, offline.lastSeenAt);
  });

  it('GET /users/{username} shows presence to friends and the user, not to others', async () => {
    const a = await register(s.url, 'p');
    const b = await friendOf(a);
    const stranger = await register(s.url, 'p');
    const watcher = await socket(a);
    await socket(b);
    // The event goes out once the transition (and its last-seen time) is written.
    assert.deepEqual(presenceOf(await watcher.next('presence.update')), [b.username, 'online']);
    const byFriend = await api(s.url, 'GET', `/api/v1/users/${b.username}`, {
      token: a.accessToken,
    });
    assert.equal(byFriend.status, 200);
    assert.equal(byFriend.body.data.presence.status, 'online');
    assert.ok(byFriend.body.data.presence.lastSeenAt);
    const bySelf = await api(s.url, 'GET', `/api/v1/users/${b.username}`, { token: b.accessToken });
    assert.equal(bySelf.body.data.presence.status, 'online');
    const byStranger = await api(s.url, 'GET', `/api/v1/users/${b.username}`, {
      token: stranger.accessToken,
    });
    assert.equal(byStranger.status, 200);
    assert.equal(byStranger.body.data.username, b.username);
    assert.equal('presence' in byStranger.body.data, false);
    // Ending the friendship ends the view.
    await api(s.url, 'DELETE', `/api/v1/friends/${b.username}`, { token: a.accessToken });
    const after = await api(s.url, 'GET', `/api/v1/users/${b.username}`, { token: a.accessToken });
    assert.equal('presence' in after.body.data, false);
  });

  it('in_game from setInGame reaches friends and the admin view; null goes back to online', async () => {
    const a = await register(s.url, 'p');
    const b = await friendOf(a);
    const watcher = await socket(a);
    await socket(b);
    assert.deepEqual(presenceOf(await watcher.next('presence.update')), [b.username, 'online']);
    await s.social.presence.setInGame(b.id, 'match-1');
    assert.deepEqual(presenceOf(await watcher.next('presence.update')), [b.username, 'in_game']);
    const [fb] = await friendList(s.url, a);
    assert.equal(fb.presence.status, 'in_game');

    const view = await api(s.url, 'GET', '/api/v1/admin/presence', { token: admin });
    assert.equal(view.status, 200);
    assert.deepEqual(view.body.data.counts, { online: 2, inGame: 1, sockets: 2 });
    const rows = new Map(view.body.data.users.map((u: { username: string }) => [u.username, u]));
    assert.deepEqual(rows.get(b.username), { username: b.username, status: 'in_game', sockets: 1 });
    assert.deepEqual(rows.get(a.username), { username: a.username, status: 'online', sockets: 1 });

    await s.social.presence.setInGame(b.id, null);
    assert.deepEqual(presenceOf(await watcher.next('presence.update')), [b.username, 'online']);
  });

  it('admin presence pages online users with a cursor', async () => {
    const people = await Promise.all([1, 2, 3].map(() => register(s.url, 'p')));
    for (const p of people) await socket(p);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 5; guard++) {
      const res = await api(
        s.url,
        'GET',
        `/api/v1/admin/presence?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: admin },
      );
      assert.equal(res.status, 200);
      assert.equal(res.body.data.counts.online, 3);
      seen.push(...res.body.data.users.map((u: { username: string }) => u.username));
      cursor = res.body.meta.nextCursor;
      if (!cursor) break;
    }
    assert.deepEqual(seen.sort(), people.map((p) => p.username).sort());
  });

  it('new friends learn each other’s presence when the request is accepted', async () => {
    const a = await register(s.url, 'p');
    const b = await register(s.url, 'p');
    const sa = await socket(a);
    const sb = await socket(b);
    await api(s.url, 'POST', '/api/v1/friends/requests', {
      token: a.accessToken,
      body: { username: b.username },
    });
    await api(s.url, 'POST', `/api/v1/friends/requests/${a.username}/accept`, {
      token: b.accessToken,
    });
    assert.deepEqual(presenceOf(await sa.next('presence.update')), [b.username, 'online']);
    assert.deepEqual(presenceOf(await sb.next('presence.update')), [a.username, 'online']);
  });
});
