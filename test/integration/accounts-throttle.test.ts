/**
 * Sign-in throttling that strangers cannot abuse, in memory and in Redis:
 * failures count per (account, IP) with the small limit, per IP across
 * accounts with a limit a campus NAT never reaches, and per account across
 * IPs as a growing pause, never a lock. Clients are told apart by
 * X-Forwarded-For (TRUST_PROXY), each run with IPs of its own.
 */
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { maxAccountDelayMs } from '../../api/domain/accounts/attempt-limits.ts';
import {
  adminPassword,
  api,
  assertRateLimited,
  register,
  startAuthServer,
  uniqueName,
} from '../support/accounts.ts';
import { suiteServer } from '../support/suite-server.ts';

const prefix = `10.${randomInt(256)}.${randomInt(256)}`;
let lastOctet = 0;
/** An address no other test (or run sharing the Redis) uses. */
const newIp = () => `${prefix}.${++lastOctet}`;

for (const store of ['memory', 'redis'] as const) {
  describe(`accounts: sign-in throttling (${store} counters)`, () => {
    const s = suiteServer(
      () =>
        startAuthServer({
          TRUST_PROXY: 'true',
          AUTH_LOGIN_MAX_FAILURES: '5',
          AUTH_LOGIN_IP_MAX_FAILURES: '100',
          ...(store === 'redis'
            ? { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: `pongctl-test-${randomUUID()}:` }
            : {}),
        }),
      60_000,
    );
    const login = (ip: string, l: string, password: string) =>
      api(s.url, 'POST', '/api/v1/auth/login', {
        body: { login: l, password },
        headers: { 'x-forwarded-for': ip },
      });

    it('locks an (account, IP) pair after 5 failures, with Retry-After, even for the right password', async () => {
      const u = await register(s.url);
      const ip = newIp();
      for (let i = 0; i < 5; i++)
        assert.equal((await login(ip, u.username, 'wrong-one')).status, 401);
      const retry = assertRateLimited(await login(ip, u.username, u.password), 'locked pair');
      assert.ok(retry > 800 && retry <= 900, `Retry-After ${retry}`);
      const metrics = await api(s.metricsUrl, 'GET', '/metrics');
      assert.match(metrics.body, /auth_lockouts_total [1-9]/);
      assert.match(metrics.body, /auth_logins_total\{result="rate_limited"\} [1-9]/);
    });

    it('does not let 5 wrong passwords from a stranger lock admin out from elsewhere', async () => {
      const attacker = newIp();
      for (let i = 0; i < 5; i++)
        assert.equal((await login(attacker, 'admin', `guess-${i}-pass`)).status, 401);
      assertRateLimited(await login(attacker, 'admin', 'guess-5-pass'), 'the attacker’s pair');
      assert.equal((await login(newIp(), 'admin', adminPassword)).status, 200);
    });

    it('does not lock real accounts on an IP after failures on names that do not exist', async () => {
      const ip = newIp();
      for (let i = 0; i < 5; i++)
        assert.equal((await login(ip, uniqueName('ghost'), 'whatever-pass')).status, 401);
      const u = await register(s.url);
      assert.equal((await login(ip, u.username, u.password)).status, 200);
    });

    it('lets a campus NAT of 40 players who each mistype twice all sign in', async function () {
      this.timeout(120_000);
      const nat = newIp();
      const players = [];
      for (let i = 0; i < 40; i++) players.push(await register(s.url, 'nat'));
      for (const p of players)
        for (const typo of ['typo-one', 'typo-two'])
          assert.equal((await login(nat, p.username, typo)).status, 401);
      for (const p of players) assert.equal((await login(nat, p.username, p.password)).status, 200);
    });

    it('clears the (account, IP) counter on a successful sign-in', async () => {
      const u = await register(s.url);
      const ip = newIp();
      for (let i = 0; i < 4; i++)
        assert.equal((await login(ip, u.username, 'wrong-one')).status, 401);
      assert.equal((await login(ip, u.username, u.password)).status, 200);
      for (let i = 0; i < 4; i++)
        assert.equal((await login(ip, u.username, 'wrong-two')).status, 401, `failure ${i + 1}`);
      assert.equal((await login(ip, u.username, u.password)).status, 200);
    });

    it('slows an account attacked from many IPs down with a growing pause, never a long lock', async () => {
      const u = await register(s.url);
      for (let i = 0; i < 10; i++)
        assert.equal((await login(newIp(), u.username, `spray-${i}-pass`)).status, 401);
      assert.equal((await login(newIp(), u.username, 'spray-10-pass')).status, 401);
      // The 11th failure asks for a pause of about a second before the next attempt, from anywhere.
      const pause = assertRateLimited(
        await login(newIp(), u.username, u.password),
        'paused account',
      );
      assert.ok(pause <= 2, `a first pause of ${pause} s`);
      if (store === 'memory') s.clock.advance(pause * 1000);
      else await new Promise((resolve) => setTimeout(resolve, pause * 1000 + 50));
      assert.equal((await login(newIp(), u.username, u.password)).status, 200);
    });

    it('caps the pause between attempts on an account at 30 s', async function () {
      if (store === 'redis') this.skip(); // needs the injected clock to run through the pauses
      const u = await register(s.url);
      const pauses: number[] = [];
      for (let failures = 0; failures < 20;) {
        const res = await login(newIp(), u.username, `spray-${failures}-pass`);
        if (res.status !== 429) {
          assert.equal(res.status, 401);
          failures++;
          continue;
        }
        const retry = assertRateLimited(res, 'paused account');
        pauses.push(retry);
        s.clock.advance(retry * 1000);
      }
      assert.deepEqual(pauses, [1, 2, 4, 8, 16, 30, 30, 30, 30]);
      const last = assertRateLimited(
        await login(newIp(), u.username, u.password),
        'paused account',
      );
      assert.equal(last, maxAccountDelayMs / 1000);
      s.clock.advance(last * 1000);
      assert.equal((await login(newIp(), u.username, u.password)).status, 200);
    });

    it('applies a general per-IP limit on /auth/*', async function () {
      if (store === 'redis') this.skip(); // the per-minute window runs on the injected clock
      this.timeout(60_000);
      const tight = await startAuthServer({ AUTH_RATE_LIMIT_PER_MINUTE: '3' });
      try {
        const refresh = () =>
          api(tight.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: 'x' } });
        for (let i = 0; i < 3; i++) assert.notEqual((await refresh()).status, 429);
        assertRateLimited(await refresh(), 'per-minute limit');
        assert.equal((await api(tight.url, 'GET', '/healthz')).status, 200);
        tight.clock.advance(61_000);
        assert.equal((await refresh()).status, 401);
      } finally {
        await tight.stop();
      }
    });
  });
}

describe('accounts: the per-IP sign-in limit across accounts', () => {
  const s = suiteServer(
    () =>
      startAuthServer({
        TRUST_PROXY: 'true',
        AUTH_LOGIN_MAX_FAILURES: '5',
        AUTH_LOGIN_IP_MAX_FAILURES: '8',
      }),
    60_000,
  );

  it('refuses an IP past AUTH_LOGIN_IP_MAX_FAILURES failures on any names, and only that IP', async () => {
    const ip = newIp();
    const login = (from: string, l: string, password: string) =>
      api(s.url, 'POST', '/api/v1/auth/login', {
        body: { login: l, password },
        headers: { 'x-forwarded-for': from },
      });
    for (let i = 0; i < 8; i++)
      assert.equal((await login(ip, uniqueName('ghost'), 'whatever-pass')).status, 401);
    const u = await register(s.url);
    const retry = assertRateLimited(await login(ip, u.username, u.password), 'locked IP');
    assert.ok(retry > 800 && retry <= 900, `Retry-After ${retry}`);
    assert.equal((await login(newIp(), u.username, u.password)).status, 200);
    s.clock.advance(retry * 1000);
    assert.equal((await login(ip, u.username, u.password)).status, 200);
  });
});
