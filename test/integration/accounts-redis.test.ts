// With REDIS_URL the failed-login counters live in Redis, so every instance sees them.
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { onPostgres } from '../support/env.ts';
import {
  api,
  register,
  startAuthServer,
  uniqueName,
  type AuthTestServer,
} from '../support/accounts.ts';
import { needsRedis } from '../support/redis.ts';

describe('accounts: throttling shared through Redis', function () {
  needsRedis();
  this.timeout(90_000);
  const ipKey = 'pong:throttle:login:ip:127.0.0.1';
  let a: AuthTestServer;
  let b: AuthTestServer;
  let redis: Redis;
  before(async function () {
    // The embedded database starts slowly on a busy machine.
    this.timeout(60_000);
    redis = new Redis('redis://127.0.0.1:6379');
    await redis.del(ipKey);
    // One signing secret, as instances behind one load balancer have.
    const env = {
      REDIS_URL: 'redis://127.0.0.1:6379',
      AUTH_LOGIN_IP_MAX_FAILURES: '3',
      PONG_JWT_SECRET: 'a-shared-test-signing-secret-of-48-characters!!',
    };
    a = await startAuthServer(env);
    b = await startAuthServer(env);
  });
  after(async () => {
    // Leave no lockout behind for other suites that use the same Redis.
    await redis?.del(ipKey);
    redis?.disconnect();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('locks the IP on instance B after failures on instance A', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await api(a.url, 'POST', '/api/v1/auth/login', {
        body: { login: uniqueName('ghost'), password: `wrong-${i}-pass` },
      });
      assert.equal(res.status, 401);
    }
    const locked = await api(b.url, 'POST', '/api/v1/auth/login', {
      body: { login: 'admin', password: 'whatever-pass' },
    });
    assert.equal(locked.status, 429);
    const retry = Number(locked.headers.get('retry-after'));
    assert.ok(retry > 800 && retry <= 900, `Retry-After ${retry}`);
    assert.ok((await redis.pttl(ipKey)) > 0, 'the window has an expiry in Redis');
  });

  it('revokes a session cached on instance B when it logs out on instance A', async function () {
    // Two instances share one database only on PostgreSQL (embedded PGlite is single-process).
    if (!onPostgres) this.skip();
    const u = await register(a.url);
    assert.equal((await api(b.url, 'GET', '/api/v1/me', { token: u.accessToken })).status, 200); // now cached on B
    assert.equal(
      (await api(a.url, 'POST', '/api/v1/auth/logout', { token: u.accessToken })).status,
      200,
    );
    let status = 0;
    // Pub/sub is asynchronous: allow it a few milliseconds, far less than the cache TTL.
    for (let i = 0; i < 20 && status !== 401; i++) {
      status = (await api(b.url, 'GET', '/api/v1/me', { token: u.accessToken })).status;
      if (status !== 401) await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(status, 401);
  });
});
