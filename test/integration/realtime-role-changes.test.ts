/**
 * Role and ban changes reach open sockets at once: the user's sockets close
 * with 4401 before another of their messages is handled, on the instance that
 * made the change and (through Redis) on every other one; a reconnect carries
 * the new role.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  adminPassword,
  api,
  loginAs,
  startAuthServer,
  userWithRole,
  type AuthTestServer,
} from '../support/accounts.ts';
import { onPostgres } from '../support/env.ts';
import { connect, type TestClient } from '../support/ws-client.ts';
import { suiteServer } from '../support/suite-server.ts';

const setRole = (base: string, adminToken: string, username: string, role: string) =>
  api(base, 'PATCH', `/api/v1/admin/users/${username}`, { token: adminToken, body: { role } });

describe('realtime: role and ban changes reach open sockets', () => {
  const s = suiteServer(() => startAuthServer(), 60_000);
  let adminToken: string;
  const clients: TestClient[] = [];
  before(async () => {
    adminToken = await loginAs(s.url, 'admin', adminPassword);
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));

  it('closes a demoted admin’s sockets with 4401 before their next message is handled', async () => {
    const demoted = await userWithRole(s.url, adminToken, 'admin');
    const { client } = await connect(s.url, demoted.accessToken);
    clients.push(client);
    const res = await setRole(s.url, adminToken, demoted.username, 'player');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    client.send({ type: 'ping', id: 'after-demotion' });
    const closed = await client.closedWithin();
    assert.equal(closed.code, 4401);
    assert.match(closed.reason, /role changed/);
    assert.deepEqual(
      client.received.filter((m) => m.type === 'pong'),
      [],
      'no message was handled after the change',
    );
    // The same credentials reconnect, with the new role.
    const again = await connect(s.url, demoted.accessToken);
    clients.push(again.client);
    const adminOnly = await api(s.url, 'GET', '/api/v1/admin/users', {
      token: demoted.accessToken,
    });
    assert.equal(adminOnly.status, 403);
  });

  it('closes a promoted player’s sockets too, and keeps sockets open on a profile edit', async () => {
    const player = await userWithRole(s.url, adminToken, 'player');
    const { client } = await connect(s.url, player.accessToken);
    clients.push(client);
    const edit = await api(s.url, 'PATCH', `/api/v1/admin/users/${player.username}`, {
      token: adminToken,
      body: { displayName: 'Renamed' },
    });
    assert.equal(edit.status, 200);
    client.send({ type: 'ping', id: 'still-open' });
    assert.equal((await client.next('pong')).id, 'still-open');
    assert.equal((await setRole(s.url, adminToken, player.username, 'moderator')).status, 200);
    assert.equal((await client.closedWithin()).code, 4401);
  });
});

describe('realtime: role and ban changes on another instance (Redis)', function () {
  let a: AuthTestServer;
  let b: AuthTestServer;
  let adminToken: string;
  const clients: TestClient[] = [];
  before(async function () {
    // Two instances share one database only on PostgreSQL (embedded PGlite is single-process).
    if (!onPostgres) this.skip();
    this.timeout(60_000);
    const env = {
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `pongctl-test-${randomUUID()}:`,
      PONG_JWT_SECRET: 'a-shared-test-signing-secret-of-48-characters!!',
    };
    a = await startAuthServer(env);
    b = await startAuthServer(env);
    adminToken = await loginAs(a.url, 'admin', adminPassword);
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  after(async () => Promise.all([a?.stop(), b?.stop()]));

  it('closes the sockets on B of a user demoted on A', async () => {
    const moderator = await userWithRole(a.url, adminToken, 'moderator');
    const { client } = await connect(b.url, moderator.accessToken);
    clients.push(client);
    assert.equal((await setRole(a.url, adminToken, moderator.username, 'player')).status, 200);
    assert.equal((await client.closedWithin(5_000)).code, 4401);
    // B answers with the new role too (its cached user was dropped).
    const onB = await api(b.url, 'GET', '/api/v1/admin/users', { token: moderator.accessToken });
    assert.equal(onB.status, 403);
  });

  it('closes the sockets on B of a user banned on A', async () => {
    const player = await userWithRole(a.url, adminToken, 'player');
    const { client } = await connect(b.url, player.accessToken);
    clients.push(client);
    const ban = await api(a.url, 'POST', `/api/v1/admin/users/${player.username}/ban`, {
      token: adminToken,
      body: { reason: 'spam' },
    });
    assert.equal(ban.status, 200);
    assert.equal((await client.closedWithin(5_000)).code, 4401);
  });
});
