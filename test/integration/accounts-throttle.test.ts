// Failed-login throttling per account and per IP, the /auth per-minute limit, on an injected clock.
import assert from 'node:assert/strict';
import { api, register, startAuthServer, type AuthTestServer } from '../support/accounts.ts';

describe('accounts: throttling', () => {
  let s: AuthTestServer;
  before(async function () {
    // The embedded database starts slowly on a busy machine.
    this.timeout(60_000);
    s = await startAuthServer({ AUTH_LOGIN_MAX_FAILURES: '5', AUTH_RATE_LIMIT_PER_MINUTE: '1000' });
  });
  after(async () => {
    await s?.stop();
  });
  const login = (l: string, password: string) =>
    api(s.url, 'POST', '/api/v1/auth/login', { body: { login: l, password } });

  it('locks an account after 5 failures for 15 minutes with Retry-After, even for the right password', async () => {
    const u = await register(s.url);
    for (let i = 0; i < 5; i++) assert.equal((await login(u.username, 'wrong-one')).status, 401);
    const locked = await login(u.username, u.password);
    assert.equal(locked.status, 429);
    assert.equal(locked.body.error.code, 'RATE_LIMITED');
    const retry = Number(locked.headers.get('retry-after'));
    assert.ok(retry > 800 && retry <= 900, `Retry-After ${retry}`);
    s.clock.advance(15 * 60_000 + 1000);
    assert.equal((await login(u.username, u.password)).status, 200);
    const metrics = await api(s.url, 'GET', '/metrics');
    assert.match(metrics.body, /auth_lockouts_total [1-9]/);
    assert.match(metrics.body, /auth_logins_total\{result="rate_limited"\} [1-9]/);
  });

  it('also limits one IP across accounts, unknown ones included', async () => {
    s.clock.advance(16 * 60_000);
    for (let i = 0; i < 5; i++)
      assert.equal((await login(`ghost-${i}`, 'whatever-pass')).status, 401);
    const u = await register(s.url);
    assert.equal((await login(u.username, u.password)).status, 429);
    s.clock.advance(16 * 60_000);
  });

  it('applies a general per-IP limit on /auth/*', async function () {
    this.timeout(60_000);
    const tight = await startAuthServer({ AUTH_RATE_LIMIT_PER_MINUTE: '3' });
    try {
      for (let i = 0; i < 3; i++)
        assert.notEqual(
          (await api(tight.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: 'x' } }))
            .status,
          429,
        );
      const limited = await api(tight.url, 'POST', '/api/v1/auth/refresh', {
        body: { refreshToken: 'x' },
      });
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      assert.equal((await api(tight.url, 'GET', '/healthz')).status, 200);
      tight.clock.advance(61_000);
      assert.equal(
        (await api(tight.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: 'x' } }))
          .status,
        401,
      );
    } finally {
      await tight.stop();
    }
  });
});
