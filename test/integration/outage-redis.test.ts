/**
 * Redis outages against two `pongctl serve` processes sharing a Redis and a
 * PostgreSQL of the test's own. While Redis is frozen (SIGSTOP) or stopped,
 * sign-in, chat and presence answer fast and never 500: rate limits count on
 * the instance (a warning and `redis_degraded` say so), presence answers from
 * the instance's own sockets, local sockets still get their messages. A
 * logout during the outage succeeds and the token stops working on the other
 * instance within seconds (its socket there closes once Redis is back). Both
 * processes write only JSON lines.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { api, register, type Registered, type Reply } from '../support/accounts.ts';
import { openDirect, nextMessage } from '../support/chat.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.ts';
import { spawnServe, type ServeProcess } from '../support/serve-process.ts';
import { befriend } from '../support/social.ts';
import { connect, type TestClient } from '../support/ws-client.ts';
import { until } from '../support/poll.ts';

/** Well above one command timeout (500 ms) on a loaded machine, well below the 10 s of a queued command. */
const fastMs = 4_000;

async function timed(call: () => Promise<Reply>): Promise<Reply & { ms: number }> {
  const started = performance.now();
  const reply = await call();
  return { ...reply, ms: performance.now() - started };
}

function assertFast(reply: Reply & { ms: number }, status: number, what: string): void {
  assert.equal(reply.status, status, `${what}: ${JSON.stringify(reply.body)}`);
  assert.ok(reply.ms < fastMs, `${what} took ${Math.round(reply.ms)} ms`);
}

async function metric(server: ServeProcess, line: RegExp): Promise<number> {
  const text = (await api(server.metricsUrl, 'GET', '/metrics')).body as string;
  const found = text.split('\n').find((l) => line.test(l));
  return found === undefined ? Number.NaN : Number(found.split(' ').at(-1));
}

describe('outages: Redis frozen or stopped, two instances', function () {
  this.timeout(60_000);
  let pg: PrivatePostgres | undefined;
  let redis: PrivateRedis | undefined;
  let a: ServeProcess | undefined;
  let b: ServeProcess | undefined;
  const sockets: TestClient[] = [];
  let alice: Registered;
  let bob: Registered;
  let conversation = '';
  let aliceSocket: TestClient;

  before(async function () {
    this.timeout(240_000); // initdb, two start-ups one after the other (migrations run once)
    [pg, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
    const env = {
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: `pongctl-test-${randomUUID()}:`,
      PONG_JWT_SECRET: 'a-shared-outage-test-signing-secret-48-characters',
      PONG_ADMIN_PASSWORD: 'outage-admin-password-1',
      PASSWORD_SCRYPT_LOG2N: '14',
      CHAT_RATE_LIMIT: '4',
      CHAT_RATE_WINDOW_SECONDS: '600',
    };
    a = await spawnServe(env);
    b = await spawnServe(env);
    [alice, bob] = [await register(a.url, 'ra'), await register(a.url, 'rb')];
    await befriend(a.url, alice, bob);
    conversation = await openDirect(a.url, bob, alice);
    aliceSocket = (await connect(a.url, alice.accessToken)).client;
    sockets.push(aliceSocket);
  });

  after(async function () {
    this.timeout(60_000);
    for (const socket of sockets) socket.close();
    redis?.thaw();
    pg?.thaw();
    await Promise.all([a?.stop(), b?.stop()]);
    await Promise.all([redis?.destroy(), pg?.destroy()]);
  });

  it('frozen: sign-in, presence and chat answer fast; the chat limit counts on the instance', async () => {
    redis!.freeze();
    try {
      const login = await timed(() =>
        api(a!.url, 'POST', '/api/v1/auth/login', {
          body: { login: bob.username, password: bob.password },
        }),
      );
      assertFast(login, 200, 'sign-in');
      const friends = await timed(() =>
        api(a!.url, 'GET', '/api/v1/friends', { token: bob.accessToken }),
      );
      assertFast(friends, 200, 'friends with presence');
      const entry = friends.body.data.find(
        (f: { username: string }) => f.username === alice.username,
      );
      assert.equal(entry.presence.status, 'online', 'alice’s socket is on this instance');
      for (let i = 1; i <= 4; i++) {
        const sent = await timed(() =>
          api(a!.url, 'POST', `/api/v1/conversations/${conversation}/messages`, {
            token: bob.accessToken,
            body: { body: `during the outage ${i}` },
          }),
        );
        assertFast(sent, 201, `chat message ${i}`);
        assert.equal(
          (await nextMessage(aliceSocket, conversation, 5_000)).message.body,
          `during the outage ${i}`,
          'the socket on this instance still gets it',
        );
      }
      const limited = await timed(() =>
        api(a!.url, 'POST', `/api/v1/conversations/${conversation}/messages`, {
          token: bob.accessToken,
          body: { body: 'one too many' },
        }),
      );
      assertFast(limited, 429, 'the fifth message: the limit still holds, counted here');
      assert.equal(await metric(a!, /^redis_degraded /), 1);
      assert.ok((await metric(a!, /^redis_fallbacks_total\{feature="throttle"\}/)) > 0);
      // Log lines reach stdout in batches, at most 100 ms late.
      await until(
        'a warning says so',
        () => a!.stdoutLines().some((l) => l.includes('"event.action":"redis-degraded"')),
        2_000,
      );
    } finally {
      redis!.thaw();
    }
    await until(
      'back on Redis',
      async () => {
        await api(a!.url, 'GET', '/api/v1/friends', { token: bob.accessToken });
        return (await metric(a!, /^redis_degraded /)) === 0;
      },
      15_000,
    );
  });

  it('stopped: the same calls answer at once and everything returns with Redis', async () => {
    await redis!.stop();
    try {
      const login = await timed(() =>
        api(b!.url, 'POST', '/api/v1/auth/login', {
          body: { login: alice.username, password: alice.password },
        }),
      );
      assertFast(login, 200, 'sign-in');
      const friends = await timed(() =>
        api(b!.url, 'GET', '/api/v1/friends', { token: alice.accessToken }),
      );
      assertFast(friends, 200, 'friends with presence');
    } finally {
      await redis!.start();
    }
    await until(
      'back on Redis',
      async () => {
        await api(b!.url, 'GET', '/api/v1/friends', { token: alice.accessToken });
        return (await metric(b!, /^redis_degraded /)) === 0;
      },
      15_000,
    );
  });

  /** Logs out on A while Redis is frozen or stopped; the token must stop working on B within seconds. */
  async function logoutDuringOutage(kind: 'frozen' | 'stopped'): Promise<TestClient> {
    const carol = await register(a!.url, 'rc');
    for (const server of [a!, b!])
      assert.equal(
        (await api(server.url, 'GET', '/api/v1/me', { token: carol.accessToken })).status,
        200,
        'cached on both instances',
      );
    const socketOnB = (await connect(b!.url, carol.accessToken)).client;
    sockets.push(socketOnB);
    if (kind === 'frozen') redis!.freeze();
    else await redis!.stop();
    try {
      const logout = await timed(() =>
        api(a!.url, 'POST', '/api/v1/auth/logout', { token: carol.accessToken }),
      );
      assertFast(logout, 200, 'logout');
      const started = performance.now();
      assert.equal(
        (await api(a!.url, 'GET', '/api/v1/me', { token: carol.accessToken })).status,
        401,
      );
      await until(
        'the session revoked on the other instance',
        async () =>
          (await api(b!.url, 'GET', '/api/v1/me', { token: carol.accessToken })).status === 401,
        10_000,
      );
      const ms = performance.now() - started;
      // The bound: 2.5 s to notice the bus is deaf, then 2 s of trust; the cache TTL is 30 s.
      assert.ok(ms < 8_000, `revoked on the other instance after ${Math.round(ms)} ms`);
    } finally {
      if (kind === 'frozen') redis!.thaw();
      else await redis!.start();
    }
    return socketOnB;
  }

  it('a logout while Redis is frozen succeeds and the token stops working on the other instance within seconds', async () => {
    await logoutDuringOutage('frozen');
  });

  it('a logout while Redis is stopped too; its socket on the other instance closes once Redis is back', async () => {
    const socketOnB = await logoutDuringOutage('stopped');
    // The close published during the outage was lost; the revocation is read back from the database.
    assert.equal((await socketOnB.closedWithin(15_000)).code, 4401);
  });

  it('both instances wrote only JSON lines, without ioredis traces, and a bounded number about Redis', () => {
    for (const server of [a!, b!]) {
      for (const line of server.stdoutLines())
        assert.doesNotThrow(() => JSON.parse(line), `not a JSON line: ${line.slice(0, 200)}`);
      assert.doesNotMatch(server.stderrText(), /ioredis|Unhandled error event|\n\s+at /);
      const redisLines = server
        .stdoutLines()
        .filter((l) => l.includes('"service.target.type":"redis"'));
      assert.ok(redisLines.length <= 30, `${redisLines.length} lines about Redis`);
    }
  });
});
