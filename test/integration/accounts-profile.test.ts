// Profile, password change, user lookup with cursor pagination, personal access tokens.
import assert from 'node:assert/strict';
import {
  api,
  register,
  startAuthServer,
  uniqueName,
  type Registered,
} from '../support/accounts.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('accounts: profile, users, personal access tokens', () => {
  const s = suiteServer(() => startAuthServer(), 60_000);
  let u: Registered;
  before(async () => {
    u = await register(s.url);
  });

  it('updates display name and bio with per-field validation', async () => {
    const ok = await api(s.url, 'PATCH', '/api/v1/me', {
      token: u.accessToken,
      body: { displayName: '  Paddle Queen ', bio: 'hi' },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.data.displayName, 'Paddle Queen');
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/me', { token: u.accessToken })).body.data.bio,
      'hi',
    );
    const bad = await api(s.url, 'PATCH', '/api/v1/me', {
      token: u.accessToken,
      body: { displayName: '', bio: 'x'.repeat(281), role: 'admin' },
    });
    assert.equal(bad.status, 400);
    const paths = bad.body.error.details.map((d: { path: string }) => d.path).sort();
    assert.deepEqual(paths, ['body', 'body.bio', 'body.displayName']);
  });

  it('changes the password with the current one and revokes the other sessions only', async () => {
    const other = await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: u.username, password: u.password },
    });
    const wrong = await api(s.url, 'POST', '/api/v1/me/password', {
      token: u.accessToken,
      body: { currentPassword: 'nope-nope', newPassword: 'changed-pass-2024x' },
    });
    assert.equal(wrong.status, 400);
    const ok = await api(s.url, 'POST', '/api/v1/me/password', {
      token: u.accessToken,
      body: { currentPassword: u.password, newPassword: 'changed-pass-2024x' },
    });
    assert.deepEqual(ok.body.data, { revokedSessions: 1, revokedTokens: 0 });
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/me', { token: other.body.data.accessToken })).status,
      401,
    );
    assert.equal((await api(s.url, 'GET', '/api/v1/me', { token: u.accessToken })).status, 200);
    u.password = 'changed-pass-2024x';
  });

  it('searches users by prefix of username or display name with cursor pagination', async () => {
    const prefix = uniqueName('srch').slice(0, 12);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const name = `${prefix}${i}`;
      made.push(name);
      const r = await api(s.url, 'POST', '/api/v1/auth/register', {
        body: { username: name, email: `${name}@example.test`, password: 'search-pass-123x' },
      });
      assert.equal(r.status, 201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/v1/users?q=${prefix.toUpperCase()}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await api(s.url, 'GET', q, { token: u.accessToken });
      assert.equal(page.status, 200);
      assert.ok(page.body.data.length <= 2);
      seen.push(...page.body.data.map((x: { username: string }) => x.username));
      cursor = page.body.meta.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, made);
    const bad = await api(s.url, 'GET', '/api/v1/users?cursor=not-a-cursor', {
      token: u.accessToken,
    });
    assert.equal(bad.status, 400);
    const wild = await api(s.url, 'GET', '/api/v1/users?q=%25', { token: u.accessToken });
    assert.deepEqual(wild.body.data, []);
  });

  it('shows public profiles without email and answers 404 for unknown users', async () => {
    const stranger = await register(s.url);
    const res = await api(s.url, 'GET', `/api/v1/users/${u.username}`, {
      token: stranger.accessToken,
    });
    assert.deepEqual(Object.keys(res.body.data).sort(), [
      'avatarUrl',
      'bio',
      'createdAt',
      'displayName',
      'role',
      'username',
    ]);
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/users/no-such-user-1', { token: u.accessToken })).status,
      404,
    );
    assert.equal((await api(s.url, 'GET', `/api/v1/users/${u.username}`)).status, 401);
  });

  it('creates, lists, uses and revokes personal access tokens', async () => {
    const created = await api(s.url, 'POST', '/api/v1/me/tokens', {
      token: u.accessToken,
      body: { name: 'ci', expiresInDays: 30 },
    });
    assert.equal(created.status, 201);
    const pat: string = created.body.data.token;
    assert.match(pat, /^pong_pat_[\w-]{43}$/);
    assert.ok(pat.startsWith(created.body.data.prefix));
    assert.equal(
      (
        await api(s.url, 'POST', '/api/v1/me/tokens', {
          token: u.accessToken,
          body: { name: 'ci' },
        })
      ).status,
      409,
    );
    const me = await api(s.url, 'GET', '/api/v1/me', { token: pat });
    assert.equal(me.body.data.username, u.username);
    // A token cannot mint tokens or change the password.
    assert.equal(
      (await api(s.url, 'POST', '/api/v1/me/tokens', { token: pat, body: { name: 'more' } }))
        .status,
      403,
    );
    const list = await api(s.url, 'GET', '/api/v1/me/tokens', { token: pat });
    assert.equal(list.body.data.length, 1);
    assert.equal(list.body.data[0].token, undefined);
    assert.ok(list.body.data[0].lastUsedAt);
    const del = await api(s.url, 'DELETE', `/api/v1/me/tokens/${created.body.data.id}`, {
      token: u.accessToken,
    });
    assert.equal(del.status, 200);
    assert.equal((await api(s.url, 'GET', '/api/v1/me', { token: pat })).status, 401);
    assert.equal(
      (
        await api(s.url, 'DELETE', `/api/v1/me/tokens/${created.body.data.id}`, {
          token: u.accessToken,
        })
      ).status,
      404,
    );
  });

  it('expires personal access tokens', async () => {
    const created = await api(s.url, 'POST', '/api/v1/me/tokens', {
      token: u.accessToken,
      body: { name: 'short', expiresInDays: 1 },
    });
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/me', { token: created.body.data.token })).status,
      200,
    );
    s.clock.advance(86_400_000 + 1000);
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/me', { token: created.body.data.token })).status,
      401,
    );
  });
});
