/** Friends over HTTP: requests, mutual auto-accept, accept/decline/cancel/remove, every refusal, listing with cursors, notifications. */
import assert from 'node:assert/strict';
import {
  adminPassword,
  api,
  loginAs,
  register,
  startAuthServer,
  type Registered,
} from '../support/accounts.ts';
import { befriend, friendList, notificationsOf } from '../support/social.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('social: friends', () => {
  const s = suiteServer(() => startAuthServer(), 60_000);
  type Five = [Registered, Registered, Registered, Registered, Registered];
  // Typed as five so destructuring needs no checks; only the first n are registered.
  const users = async (n: number) =>
    (await Promise.all(Array.from({ length: n }, () => register(s.url, 'f')))) as Five;
  const post = (u: Registered, path: string, body?: unknown) =>
    api(s.url, 'POST', path, { token: u.accessToken, body });
  const del = (u: Registered, path: string) => api(s.url, 'DELETE', path, { token: u.accessToken });

  it('request → incoming/outgoing → accept → friends on both sides, with notifications', async () => {
    const [a, b] = await users(2);
    const sent = await post(a, '/api/v1/friends/requests', { username: b.username.toUpperCase() });
    assert.equal(sent.status, 201);
    assert.deepEqual(sent.body.data, { username: b.username, state: 'outgoing' });
    const outgoing = await friendList(s.url, a, 'outgoing');
    assert.deepEqual(
      outgoing.map((f) => [f.username, f.state, f.presence]),
      [[b.username, 'outgoing', null]],
    );
    const incoming = await friendList(s.url, b, 'incoming');
    assert.deepEqual(
      incoming.map((f) => [f.username, f.state]),
      [[a.username, 'incoming']],
    );
    assert.deepEqual(await friendList(s.url, a), [], 'not friends yet');

    const req = await notificationsOf(s.url, b);
    assert.equal(req.unreadCount, 1);
    assert.equal(req.items[0].type, 'friend_request');
    assert.equal(req.items[0].payload.from, a.username);

    const accepted = await post(b, `/api/v1/friends/requests/${a.username}/accept`);
    assert.equal(accepted.status, 200);
    assert.deepEqual(accepted.body.data, { username: a.username, state: 'accepted' });
    const [fa] = await friendList(s.url, a);
    assert.equal(fa.username, b.username);
    assert.equal(fa.state, 'accepted');
    assert.deepEqual(fa.presence, { status: 'offline', lastSeenAt: null });
    assert.deepEqual(
      (await friendList(s.url, b)).map((f) => f.username),
      [a.username],
    );
    assert.deepEqual(await friendList(s.url, a, 'outgoing'), []);
    const acc = await notificationsOf(s.url, a);
    assert.equal(acc.items[0].type, 'friend_accept');
    assert.equal(acc.items[0].payload.from, b.username);
  });

  it('a request to someone who already asked you accepts both (200, accepted)', async () => {
    const [a, b] = await users(2);
    assert.equal((await post(a, '/api/v1/friends/requests', { username: b.username })).status, 201);
    const mutual = await post(b, '/api/v1/friends/requests', { username: a.username });
    assert.equal(mutual.status, 200);
    assert.deepEqual(mutual.body.data, { username: a.username, state: 'accepted' });
    assert.deepEqual(
      (await friendList(s.url, a)).map((f) => f.username),
      [b.username],
    );
    assert.deepEqual(
      (await friendList(s.url, b)).map((f) => f.username),
      [a.username],
    );
    assert.deepEqual(await friendList(s.url, b, 'incoming'), []);
    assert.equal((await notificationsOf(s.url, a)).items[0].type, 'friend_accept');
  });

  it('refuses self (400), unknown users (404), duplicates and requests to friends (409)', async () => {
    const [a, b] = await users(2);
    const self = await post(a, '/api/v1/friends/requests', { username: a.username });
    assert.equal(self.status, 400);
    assert.equal(self.body.error.code, 'VALIDATION');
    assert.equal(
      (await post(a, '/api/v1/friends/requests', { username: 'nobody-here-x' })).status,
      404,
    );
    assert.equal((await post(a, '/api/v1/friends/requests', {})).status, 400);
    assert.equal(
      (await post(a, '/api/v1/friends/requests', { username: b.username, extra: 1 })).status,
      400,
    );
    assert.equal((await post(a, '/api/v1/friends/requests', { username: b.username })).status, 201);
    const dup = await post(a, '/api/v1/friends/requests', { username: b.username });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'CONFLICT');
    assert.equal((await post(b, `/api/v1/friends/requests/${a.username}/accept`)).status, 200);
    assert.equal(
      (await post(a, '/api/v1/friends/requests', { username: b.username })).status,
      409,
      'already friends',
    );
    assert.equal(
      (await post(b, `/api/v1/friends/requests/${a.username}/accept`)).status,
      409,
      'accepting again',
    );
  });

  it('accept/decline without a request, cancel without one, remove a non-friend: 404', async () => {
    const [a, b] = await users(2);
    assert.equal((await post(a, `/api/v1/friends/requests/${b.username}/accept`)).status, 404);
    assert.equal((await post(a, `/api/v1/friends/requests/${b.username}/decline`)).status, 404);
    assert.equal((await del(a, `/api/v1/friends/requests/${b.username}`)).status, 404);
    assert.equal((await del(a, `/api/v1/friends/${b.username}`)).status, 404);
    assert.equal((await del(a, `/api/v1/friends/nobody-here-x`)).status, 404);
    // The sender cannot accept their own request.
    assert.equal((await post(a, '/api/v1/friends/requests', { username: b.username })).status, 201);
    assert.equal((await post(a, `/api/v1/friends/requests/${b.username}/accept`)).status, 404);
    assert.equal(
      (await del(b, `/api/v1/friends/requests/${a.username}`)).status,
      404,
      'only the sender cancels',
    );
  });

  it('decline, cancel and remove end the edge on both sides', async () => {
    const [a, b, c] = await users(3);
    await post(a, '/api/v1/friends/requests', { username: b.username });
    const declined = await post(b, `/api/v1/friends/requests/${a.username}/decline`);
    assert.deepEqual(declined.body.data, { declined: true });
    assert.deepEqual(await friendList(s.url, a, 'outgoing'), []);
    assert.deepEqual(await friendList(s.url, b, 'incoming'), []);

    await post(a, '/api/v1/friends/requests', { username: c.username });
    assert.deepEqual((await del(a, `/api/v1/friends/requests/${c.username}`)).body.data, {
      cancelled: true,
    });
    assert.deepEqual(await friendList(s.url, c, 'incoming'), []);

    await befriend(s.url, a, c);
    assert.deepEqual((await del(c, `/api/v1/friends/${a.username}`)).body.data, { removed: true });
    assert.deepEqual(await friendList(s.url, a), []);
    assert.deepEqual(await friendList(s.url, c), []);
    assert.equal(
      (await post(a, '/api/v1/friends/requests', { username: c.username })).status,
      201,
      'can ask again afterwards',
    );
  });

  it('a deleted account leaves friend lists and cannot be asked', async () => {
    const [a, b] = await users(2);
    await befriend(s.url, a, b);
    const admin = await loginAs(s.url, 'admin', adminPassword);
    assert.equal(
      (await api(s.url, 'DELETE', `/api/v1/admin/users/${b.username}`, { token: admin })).status,
      200,
    );
    assert.deepEqual(await friendList(s.url, a), []);
    assert.equal((await post(a, '/api/v1/friends/requests', { username: b.username })).status, 404);
  });

  it('pages the friend list with a cursor, newest first, without repeats', async () => {
    const [hub, ...others] = await users(5);
    for (const other of others) {
      s.clock.advance(1_000); // the server's clock is manual: space the friendships out
      await befriend(s.url, hub, other);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `/api/v1/friends?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await api(s.url, 'GET', q, { token: hub.accessToken });
      assert.equal(res.status, 200);
      assert.ok(res.body.data.length <= 2);
      seen.push(...res.body.data.map((f: { username: string }) => f.username));
      cursor = res.body.meta.nextCursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 2, 'four friends in pages of two; the last page has no cursor');
    assert.deepEqual(seen, others.map((o) => o.username).reverse());
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/friends?state=enemies', { token: hub.accessToken })).status,
      400,
    );
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/friends?cursor=garbage', { token: hub.accessToken }))
        .status,
      400,
    );
  });
});
