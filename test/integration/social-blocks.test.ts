/** Blocks over HTTP: ending friendships and requests, refusals in both directions, idempotent PUT, list, unblock. */
import assert from 'node:assert/strict';
import { api, register, startAuthServer, type Registered } from '../support/accounts.ts';
import { befriend, friendList } from '../support/social.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('social: blocks', () => {
  const s = suiteServer(() => startAuthServer(), 60_000);
  type Five = [Registered, Registered, Registered, Registered, Registered];
  // Typed as five so destructuring needs no checks; only the first n are registered.
  const users = async (n: number) =>
    (await Promise.all(Array.from({ length: n }, () => register(s.url, 'k')))) as Five;
  const call = (u: Registered, method: string, path: string, body?: unknown) =>
    api(s.url, method, path, { token: u.accessToken, body });
  const request = (from: Registered, to: Registered) =>
    call(from, 'POST', '/api/v1/friends/requests', { username: to.username });

  it('blocking a friend ends the friendship on both sides', async () => {
    const [a, b] = await users(2);
    await befriend(s.url, a, b);
    const put = await call(a, 'PUT', `/api/v1/blocks/${b.username}`);
    assert.equal(put.status, 200);
    assert.deepEqual(put.body.data, { username: b.username, blocked: true });
    assert.deepEqual(await friendList(s.url, a), []);
    assert.deepEqual(await friendList(s.url, b), []);
  });

  it('blocking ends pending requests in either direction', async () => {
    const [a, b, c] = await users(3);
    assert.equal((await request(a, b)).status, 201);
    assert.equal((await request(c, a)).status, 201);
    await call(a, 'PUT', `/api/v1/blocks/${b.username}`);
    await call(a, 'PUT', `/api/v1/blocks/${c.username}`);
    assert.deepEqual(await friendList(s.url, a, 'outgoing'), []);
    assert.deepEqual(await friendList(s.url, a, 'incoming'), []);
    assert.deepEqual(await friendList(s.url, b, 'incoming'), []);
    assert.deepEqual(await friendList(s.url, c, 'outgoing'), []);
  });

  it('refuses friend requests both ways while the block stands, and allows them after unblocking', async () => {
    const [a, b] = await users(2);
    await call(a, 'PUT', `/api/v1/blocks/${b.username}`);
    const fromBlocked = await request(b, a);
    assert.equal(fromBlocked.status, 403);
    assert.equal(fromBlocked.body.error.details.reason, 'BLOCKED');
    assert.equal((await request(a, b)).status, 403, 'the blocker cannot ask either');
    const un = await call(a, 'DELETE', `/api/v1/blocks/${b.username}`);
    assert.deepEqual(un.body.data, { username: b.username, blocked: false });
    assert.equal((await request(b, a)).status, 201);
  });

  it('PUT is idempotent, self-blocks are 400, unknown users and missing blocks 404', async () => {
    const [a, b] = await users(2);
    assert.equal((await call(a, 'PUT', `/api/v1/blocks/${b.username}`)).status, 200);
    assert.equal((await call(a, 'PUT', `/api/v1/blocks/${b.username}`)).status, 200);
    assert.equal((await call(a, 'PUT', `/api/v1/blocks/${a.username}`)).status, 400);
    assert.equal((await call(a, 'PUT', '/api/v1/blocks/nobody-here-x')).status, 404);
    assert.equal(
      (await call(b, 'DELETE', `/api/v1/blocks/${a.username}`)).status,
      404,
      'b never blocked a',
    );
    assert.equal((await call(a, 'DELETE', `/api/v1/blocks/${b.username}`)).status, 200);
    assert.equal((await call(a, 'DELETE', `/api/v1/blocks/${b.username}`)).status, 404);
  });

  it('lists my blocks newest first with a cursor, and not the blocks of others', async () => {
    const [a, b, c, d] = await users(4);
    for (const target of [b, c, d]) {
      s.clock.advance(1_000);
      await call(a, 'PUT', `/api/v1/blocks/${target.username}`);
    }
    await call(b, 'PUT', `/api/v1/blocks/${a.username}`);
    const first = await call(a, 'GET', '/api/v1/blocks?limit=2');
    assert.deepEqual(
      first.body.data.map((x: { username: string }) => x.username),
      [d.username, c.username],
    );
    assert.ok(first.body.data[0].blockedAt);
    const second = await call(
      a,
      'GET',
      `/api/v1/blocks?limit=2&cursor=${first.body.meta.nextCursor}`,
    );
    assert.deepEqual(
      second.body.data.map((x: { username: string }) => x.username),
      [b.username],
    );
    assert.equal(second.body.meta.nextCursor, null);
    const theirs = await call(b, 'GET', '/api/v1/blocks');
    assert.deepEqual(
      theirs.body.data.map((x: { username: string }) => x.username),
      [a.username],
    );
  });
});
