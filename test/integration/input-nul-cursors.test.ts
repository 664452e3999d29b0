/**
 * Inputs PostgreSQL cannot take must not reach it: a NUL character in any
 * path parameter, query parameter, JSON body or WebSocket message, and list
 * cursors that do not decode to the list's own key, answer 400 VALIDATION
 * naming the field (they answered 500 before).
 */
import assert from 'node:assert/strict';
import { endpoints } from '../../api/contract/index.ts';
import type { Endpoint } from '../../api/contract/endpoint.ts';
import {
  adminPassword,
  api,
  loginAs,
  register,
  startAuthServer,
  type Registered,
  type Reply,
} from '../support/accounts.ts';
import { worldId } from '../support/chat.ts';
import { connect } from '../support/ws-client.ts';
import { suiteServer } from '../support/suite-server.ts';

function assertValidation(res: Reply, field: string): void {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal(res.body.error.code, 'VALIDATION');
  const paths = (res.body.error.details as { path: string }[]).map((d) => d.path);
  assert.deepEqual(paths, [field]);
}

const encode = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

/** Cursors no list ever hands out: wrong arity or types, an impossible date, NUL, not JSON. */
const hostileCursors = [
  encode(['x', 'y']),
  encode(['x', 1]),
  encode([1, 'x']),
  encode(['2026-02-31T00:00:00.000Z', '6f1c2b8e-3c1d-4e5f-9a7b-1c2d3e4f5a6b']),
  encode(['2026-12-01T00:00:00Z', 1.5]),
  encode(['\u0000']),
  encode(['\u0000', '\u0000']),
  encode({ a: 1 }),
  encode(null),
  'not base64 json',
];

describe('hostile input: NUL characters and malformed cursors', () => {
  const s = suiteServer(() => startAuthServer(), 60_000);
  let user: Registered;
  let adminToken: string;
  const as = (token: string, method: string, path: string, body?: unknown) =>
    api(s.url, method, path, { token, body });

  before(async () => {
    user = await register(s.url, 'nul');
    adminToken = await loginAs(s.url, 'admin', adminPassword);
  });

  it('refuses NUL in path parameters, signed in or not, naming the parameter', async () => {
    assertValidation(await api(s.url, 'GET', '/api/v1/users/%00/avatar'), 'params.username');
    assertValidation(await as(user.accessToken, 'PUT', '/api/v1/blocks/a%00b'), 'params.username');
    assertValidation(
      await as(user.accessToken, 'POST', '/api/v1/friends/requests/%00/accept'),
      'params.username',
    );
    assertValidation(
      await as(user.accessToken, 'POST', '/api/v1/channels/%00/join'),
      'params.name',
    );
  });

  it('refuses NUL in query parameters', async () => {
    assertValidation(await as(user.accessToken, 'GET', '/api/v1/users?q=al%00'), 'query.q');
    assertValidation(await as(adminToken, 'GET', '/api/v1/admin/audit?actor=%00'), 'query.actor');
  });

  it('refuses NUL in JSON bodies, in values and in keys, at any depth', async () => {
    assertValidation(
      await api(s.url, 'POST', '/api/v1/auth/login', { body: { login: 'a\0', password: 'x' } }),
      'body.login',
    );
    assertValidation(
      await as(user.accessToken, 'PATCH', '/api/v1/me', { bio: 'hi\0' }),
      'body.bio',
    );
    assertValidation(
      await as(user.accessToken, 'PATCH', '/api/v1/me', { displayName: '\0' }),
      'body.displayName',
    );
    assertValidation(
      await as(user.accessToken, 'POST', '/api/v1/me/tokens', { name: 'ci\0' }),
      'body.name',
    );
    const world = await worldId(s.url, user);
    assertValidation(
      await as(user.accessToken, 'POST', `/api/v1/conversations/${world}/messages`, {
        body: 'hello\0',
      }),
      'body.body',
    );
    assertValidation(
      await as(adminToken, 'POST', `/api/v1/admin/users/${user.username}/ban`, { reason: '\0' }),
      'body.reason',
    );
    const timestamp = new Date().toISOString();
    assertValidation(
      await as(user.accessToken, 'POST', '/api/v1/events', {
        events: [{ name: 'app_open', properties: { screen: 'a\0' }, timestamp }],
      }),
      'body.events.0.properties.screen',
    );
    assertValidation(
      await as(user.accessToken, 'POST', '/api/v1/events', {
        events: [{ name: 'app_open', properties: { 'k\0': 1 }, timestamp }],
      }),
      'body.events.0.properties.k\0',
    );
  });

  it('answers NUL in a WebSocket message with a VALIDATION error naming the field, socket open', async () => {
    const world = await worldId(s.url, user);
    const { client } = await connect(s.url, user.accessToken);
    try {
      client.send({ type: 'chat.send', id: 'm1', conversationId: world, body: 'x\0y' });
      const error = await client.next('error');
      assert.equal(error.code, 'VALIDATION');
      assert.equal(error.id, 'm1');
      assert.deepEqual(
        (error.details as { path: string }[]).map((d) => d.path),
        ['body'],
      );
      client.send({ type: 'ping', id: 'p1' });
      assert.equal((await client.next('pong')).id, 'p1', 'the socket stays open');
    } finally {
      client.close();
    }
  });

  const lists = Object.values(endpoints as Record<string, Endpoint>).filter(
    (e) => e.method === 'GET' && e.query && 'cursor' in e.query.shape,
  );

  it('covers every paginated list, the eight whose bad cursors once answered 500 among them', () => {
    const paths = lists.map((e) => e.path);
    for (const path of [
      '/api/v1/me/tokens',
      '/api/v1/friends',
      '/api/v1/blocks',
      '/api/v1/admin/matches',
      '/api/v1/conversations',
      '/api/v1/users',
      '/api/v1/admin/users',
      '/api/v1/channels',
    ])
      assert.ok(paths.includes(path), `${path} takes a cursor`);
  });

  it('answers 400 VALIDATION on query.cursor for every malformed cursor of every list', async function () {
    this.timeout(60_000);
    const problems: string[] = [];
    for (const endpoint of lists) {
      const token =
        endpoint.auth === 'admin' || endpoint.auth === 'moderator' ? adminToken : user.accessToken;
      const path = endpoint.path.replace(/\{\w+\}/g, user.username);
      for (const cursor of hostileCursors) {
        const res = await as(token, 'GET', `${path}?cursor=${encodeURIComponent(cursor)}`);
        const paths = (res.body?.error?.details as { path: string }[] | undefined)?.map(
          (d) => d.path,
        );
        if (
          res.status !== 400 ||
          res.body.error.code !== 'VALIDATION' ||
          paths?.[0] !== 'query.cursor'
        )
          problems.push(`${path} cursor ${cursor}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('still pages with the cursors the lists hand out', async () => {
    const first = await as(adminToken, 'GET', '/api/v1/admin/users?limit=1');
    assert.equal(first.status, 200);
    const cursor = first.body.meta.nextCursor as string;
    assert.ok(cursor, 'more than one user');
    const second = await as(adminToken, 'GET', `/api/v1/admin/users?limit=1&cursor=${cursor}`);
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.notEqual(second.body.data[0].username, first.body.data[0].username);
  });
});
