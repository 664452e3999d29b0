// Registration, login, refresh rotation with reuse detection, logout taking effect at once.
import assert from 'node:assert/strict';
import { adminPassword, api, register, startAuthServer, uniqueName } from '../support/accounts.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('accounts: register, login, sessions', () => {
  const s = suiteServer(() => startAuthServer(), 60_000);

  it('registers with 201, a user and both tokens', async () => {
    const username = uniqueName('Reg');
    const res = await api(s.url, 'POST', '/api/v1/auth/register', {
      body: { username, email: `${username}@Example.TEST`, password: 'a-Long-unusual-pass' },
    });
    assert.equal(res.status, 201);
    const { user, accessToken, refreshToken, expiresIn } = res.body.data;
    assert.equal(user.username, username);
    assert.equal(user.role, 'player');
    assert.equal(user.email, `${username}@Example.TEST`);
    assert.equal(expiresIn, 900);
    assert.match(accessToken, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.ok(refreshToken.length >= 40);
  });

  it('reports every invalid field with its path', async () => {
    const res = await api(s.url, 'POST', '/api/v1/auth/register', {
      body: { username: 'a b', email: 'nope', password: 'short', extra: 1 },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'VALIDATION');
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    for (const p of ['body.username', 'body.email', 'body.password', 'body'])
      assert.ok(paths.includes(p), `missing ${p} in ${paths}`);
  });

  it('rejects common passwords and the username or email as password', async () => {
    const username = uniqueName('pw');
    for (const password of [
      'password123',
      'iloveyou',
      username.toUpperCase(),
      `${username}@example.test`,
    ]) {
      const res = await api(s.url, 'POST', '/api/v1/auth/register', {
        body: { username, email: `${username}@example.test`, password },
      });
      assert.equal(res.status, 400, password);
      assert.equal(res.body.error.details[0].path, 'body.password');
    }
  });

  it('treats usernames case-insensitively: Alice and alice cannot both exist, lookups ignore case', async () => {
    const base = uniqueName('Ci');
    const first = await api(s.url, 'POST', '/api/v1/auth/register', {
      body: { username: base, email: `${base}1@example.test`, password: 'first-pass-123x' },
    });
    assert.equal(first.status, 201);
    const clash = await api(s.url, 'POST', '/api/v1/auth/register', {
      body: {
        username: base.toLowerCase(),
        email: `${base}2@example.test`,
        password: 'second-pass-123x',
      },
    });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.error.details[0].path, 'body.username');
    const lookup = await api(s.url, 'GET', `/api/v1/users/${base.toUpperCase()}`, {
      token: first.body.data.accessToken,
    });
    assert.equal(lookup.status, 200);
    assert.equal(lookup.body.data.username, base);
    const login = await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: base.toUpperCase(), password: 'first-pass-123x' },
    });
    assert.equal(login.status, 200);
  });

  it('does not say that an email is registered: a duplicate email gets a generic 409', async () => {
    const u = await register(s.url);
    const res = await api(s.url, 'POST', '/api/v1/auth/register', {
      body: {
        username: uniqueName('dup'),
        email: u.email.toUpperCase(),
        password: 'another-pass-123x',
      },
    });
    assert.equal(res.status, 409);
    assert.doesNotMatch(res.body.error.message, /email.*(taken|exists|registered)/i);
  });

  it('logs in by username or email with one generic error for any bad credentials', async () => {
    const u = await register(s.url);
    assert.equal(
      (
        await api(s.url, 'POST', '/api/v1/auth/login', {
          body: { login: u.email.toUpperCase(), password: u.password },
        })
      ).status,
      200,
    );
    const wrong = await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: u.username, password: 'wrong-password' },
    });
    const unknown = await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: 'nobody-here-xyz', password: 'wrong-password' },
    });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.body.error.message, unknown.body.error.message);
  });

  it('costs about the same for unknown users as for wrong passwords', async () => {
    const u = await register(s.url);
    const time = async (login: string) => {
      const started = performance.now();
      await api(s.url, 'POST', '/api/v1/auth/login', {
        body: { login, password: 'not-the-password' },
      });
      return performance.now() - started;
    };
    const known = Math.min(await time(u.username), await time(u.username), await time(u.username));
    const unknown = Math.min(
      await time('ghost-user-1'),
      await time('ghost-user-2'),
      await time('ghost-user-3'),
    );
    assert.ok(
      unknown > known * 0.5,
      `unknown ${unknown.toFixed(1)} ms vs known ${known.toFixed(1)} ms`,
    );
  });

  it('rotates refresh tokens; a reused one revokes the whole session', async () => {
    const u = await register(s.url);
    const first = await api(s.url, 'POST', '/api/v1/auth/refresh', {
      body: { refreshToken: u.refreshToken },
    });
    assert.equal(first.status, 200);
    const second = first.body.data;
    assert.notEqual(second.refreshToken, u.refreshToken);
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/me', { token: second.accessToken })).status,
      200,
    );
    // The old refresh token again: reuse. The session family ends.
    const reuse = await api(s.url, 'POST', '/api/v1/auth/refresh', {
      body: { refreshToken: u.refreshToken },
    });
    assert.equal(reuse.status, 401);
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/me', { token: second.accessToken })).status,
      401,
    );
    assert.equal(
      (
        await api(s.url, 'POST', '/api/v1/auth/refresh', {
          body: { refreshToken: second.refreshToken },
        })
      ).status,
      401,
    );
    // Other sessions of the user are untouched.
    const login = await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: u.username, password: u.password },
    });
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/me', { token: login.body.data.accessToken })).status,
      200,
    );
  });

  it('expires access tokens after 15 minutes and refresh tokens after 30 days', async () => {
    const u = await register(s.url);
    s.clock.advance(15 * 60_000 + 1000);
    assert.equal((await api(s.url, 'GET', '/api/v1/me', { token: u.accessToken })).status, 401);
    const refreshed = await api(s.url, 'POST', '/api/v1/auth/refresh', {
      body: { refreshToken: u.refreshToken },
    });
    assert.equal(refreshed.status, 200);
    s.clock.advance(31 * 86_400_000);
    assert.equal(
      (
        await api(s.url, 'POST', '/api/v1/auth/refresh', {
          body: { refreshToken: refreshed.body.data.refreshToken },
        })
      ).status,
      401,
    );
  });

  it('logout revokes the session on the very next request; logout-all ends every session', async () => {
    const u = await register(s.url);
    assert.equal((await api(s.url, 'GET', '/api/v1/me', { token: u.accessToken })).status, 200);
    const out = await api(s.url, 'POST', '/api/v1/auth/logout', { token: u.accessToken });
    assert.deepEqual(out.body.data, { revokedSessions: 1 });
    assert.equal((await api(s.url, 'GET', '/api/v1/me', { token: u.accessToken })).status, 401);
    assert.equal(
      (await api(s.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: u.refreshToken } }))
        .status,
      401,
    );

    const a = await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: u.username, password: u.password },
    });
    const b = await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: u.username, password: u.password },
    });
    const all = await api(s.url, 'POST', '/api/v1/auth/logout-all', {
      token: a.body.data.accessToken,
    });
    assert.equal(all.body.data.revokedSessions, 2);
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/me', { token: b.body.data.accessToken })).status,
      401,
    );
  });

  it('rejects malformed, forged and foreign tokens with 401', async () => {
    const u = await register(s.url);
    const [h, p] = u.accessToken.split('.');
    for (const header of [
      'Bearer nonsense-token-value',
      `Bearer ${h}.${p}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`,
      `Basic ${u.accessToken}`,
      `Bearer ${h!.replace(/./, 'x')}.${p}.x`,
    ]) {
      const res = await api(s.url, 'GET', '/api/v1/me', { headers: { authorization: header } });
      assert.equal(res.status, 401, header.slice(0, 20));
    }
    // alg "none" with the same claims is refused.
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/me', { headers: { authorization: `Bearer ${none}` } }))
        .status,
      401,
    );
  });

  it('bootstraps the admin account with PONG_ADMIN_PASSWORD', async () => {
    const res = await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: 'ADMIN', password: adminPassword },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.user.role, 'admin');
  });
});
