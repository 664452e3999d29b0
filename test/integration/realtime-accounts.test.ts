/**
 * The gateway with the real identity layer: registered users and their access
 * tokens open sockets; expiry, logout, logout everywhere, a revoked personal
 * access token and a ban close them
 * (4401) or refuse the upgrade (401/403).
 */
import assert from 'node:assert/strict';
import { adminPassword, api, loginAs, register, startAuthServer } from '../support/accounts.ts';
import { connect, refusedUpgrade, wsUrl, type TestClient } from '../support/ws-client.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('realtime with real accounts', () => {
  const server = suiteServer(() => startAuthServer(), 60_000);
  const clients: TestClient[] = [];
  const open = async (token: string) => {
    const opened = await connect(server.url, token);
    clients.push(opened.client);
    return opened;
  };

  afterEach(() => clients.splice(0).forEach((c) => c.close()));

  it('accepts a registered user’s access token and says hello with their id', async () => {
    const user = await register(server.url);
    const { hello } = await open(user.accessToken);
    assert.equal(hello.userId, user.id);
    assert.match(String(hello.sessionId), /\S/);
  });

  it('refuses an expired access token with 401 before the upgrade', async () => {
    const user = await register(server.url);
    server.clock.advance(16 * 60_000); // ACCESS_TOKEN_TTL_SECONDS defaults to 900
    const refused = await refusedUpgrade(wsUrl(server.url), {
      authorization: `Bearer ${user.accessToken}`,
    });
    assert.equal(refused.status, 401);
    assert.equal((refused.body as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
  });

  it('closes the socket of a session that logs out with 4401, and keeps the user’s other session', async () => {
    const user = await register(server.url);
    const other = await loginAs(server.url, user.username, user.password);
    const first = await open(user.accessToken);
    const second = await open(other);
    assert.notEqual(first.hello.sessionId, second.hello.sessionId);
    assert.equal(
      (await api(server.url, 'POST', '/api/v1/auth/logout', { token: user.accessToken })).status,
      200,
    );
    const closed = await first.client.closedWithin();
    assert.equal(closed.code, 4401);
    second.client.send({ type: 'ping', id: 'still' });
    assert.equal((await second.client.next('pong')).id, 'still');
    const again = await refusedUpgrade(wsUrl(server.url), {
      authorization: `Bearer ${user.accessToken}`,
    });
    assert.equal(again.status, 401, 'the revoked token cannot reconnect');
  });

  it('closes every socket of a user who signs out everywhere', async () => {
    const user = await register(server.url);
    const other = await loginAs(server.url, user.username, user.password);
    const a = await open(user.accessToken);
    const b = await open(other);
    assert.equal(
      (await api(server.url, 'POST', '/api/v1/auth/logout-all', { token: other })).status,
      200,
    );
    assert.equal((await a.client.closedWithin()).code, 4401);
    assert.equal((await b.client.closedWithin()).code, 4401);
  });

  it('closes a banned user’s sockets with 4401 and refuses their old token', async () => {
    const user = await register(server.url);
    const { client } = await open(user.accessToken);
    const adminToken = await loginAs(server.url, 'admin', adminPassword); // fresh: another test moves the clock
    const ban = await api(server.url, 'POST', `/api/v1/admin/users/${user.username}/ban`, {
      token: adminToken,
      body: { reason: 'spam' },
    });
    assert.equal(ban.status, 200, JSON.stringify(ban.body));
    assert.equal((await client.closedWithin()).code, 4401);
    const fresh = await api(server.url, 'POST', '/api/v1/auth/login', {
      body: { login: user.username, password: user.password },
    });
    assert.notEqual(fresh.status, 200, 'a banned user cannot sign in');
    const refused = await refusedUpgrade(wsUrl(server.url), {
      authorization: `Bearer ${user.accessToken}`,
    });
    assert.equal(refused.status, 401, 'the ban ended the session the token belongs to');
  });

  it('accepts a personal access token; after a ban its socket closes and its upgrade answers 403', async () => {
    const user = await register(server.url);
    const created = await api(server.url, 'POST', '/api/v1/me/tokens', {
      token: user.accessToken,
      body: { name: 'bot' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const pat = created.body.data.token as string;
    const { client, hello } = await open(pat);
    assert.equal(hello.sessionId, `pat:${created.body.data.id}`);
    const adminToken = await loginAs(server.url, 'admin', adminPassword);
    const ban = await api(server.url, 'POST', `/api/v1/admin/users/${user.username}/ban`, {
      token: adminToken,
      body: { reason: 'bot abuse' },
    });
    assert.equal(ban.status, 200);
    assert.equal((await client.closedWithin()).code, 4401);
    const refused = await refusedUpgrade(wsUrl(server.url), { authorization: `Bearer ${pat}` });
    assert.equal(refused.status, 403);
    assert.equal((refused.body as { error: { code: string } }).error.code, 'FORBIDDEN');
  });

  it('closes the sockets of a revoked personal access token, and only those', async () => {
    const user = await register(server.url);
    const created = await api(server.url, 'POST', '/api/v1/me/tokens', {
      token: user.accessToken,
      body: { name: 'ci' },
    });
    const pat = created.body.data.token as string;
    const viaPat = await open(pat);
    const viaSession = await open(user.accessToken);
    const revoked = await api(server.url, 'DELETE', `/api/v1/me/tokens/${created.body.data.id}`, {
      token: user.accessToken,
    });
    assert.ok(revoked.status === 200 || revoked.status === 204, JSON.stringify(revoked.body));
    assert.equal((await viaPat.client.closedWithin()).code, 4401);
    viaSession.client.send({ type: 'ping', id: 'still' });
    assert.equal(
      (await viaSession.client.next('pong')).id,
      'still',
      'the user’s session socket stays open',
    );
    assert.equal(
      (await refusedUpgrade(wsUrl(server.url), { authorization: `Bearer ${pat}` })).status,
      401,
      'the revoked token cannot reconnect',
    );
  });

  it('keeps sockets open when the user only changes their profile', async () => {
    const user = await register(server.url);
    const { client } = await open(user.accessToken);
    const res = await api(server.url, 'PATCH', '/api/v1/me', {
      token: user.accessToken,
      body: { displayName: 'New Name' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    client.send({ type: 'ping', id: 'after-profile' });
    assert.equal((await client.next('pong')).id, 'after-profile');
  });
});
