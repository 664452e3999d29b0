/**
 * The bus: the in-process implementation, the Redis implementation against
 * the real Redis at 127.0.0.1:6379, and two API server processes delivering
 * to each other's sockets through Redis. Every run uses its own channel
 * prefix so parallel runs do not hear each other. The second process
 * authenticates with test tokens carrying the ids of users registered on the
 * first (two embedded databases cannot share users).
 */
import assert from 'node:assert/strict';
import { testRedisSettings } from '../support/redis-settings.ts';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../api/core/logger.ts';
import { createMemoryBus, type Bus } from '../../api/realtime/bus.ts';
import { createRedisBus } from '../../api/realtime/bus-redis.ts';
import { testDatabaseUrl } from '../support/env.ts';
import { LogCapture } from '../support/server.ts';
import {
  socketUser,
  spawnPeer,
  startRealtimeServer,
  testToken,
  type PeerProcess,
  type RealtimeTestServer,
} from '../support/realtime-server.ts';
import { connect, type TestClient } from '../support/ws-client.ts';
import { needsRedis } from '../support/redis.ts';

const redisUrl = 'redis://127.0.0.1:6379';
const logger = () =>
  createLogger({
    level: 'warn',
    service: { name: 'test', version: '0', environment: 'test' },
    destination: new LogCapture(),
  });

function collect(
  bus: Bus,
  topic: string,
): Promise<{ events: unknown[]; stop: () => Promise<void> }> {
  const events: unknown[] = [];
  return bus.subscribe(topic, (event) => events.push(event)).then((stop) => ({ events, stop }));
}

const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));

describe('realtime bus', () => {
  needsRedis();
  it('in-process: delivers JSON copies asynchronously to every subscriber, until unsubscribed', async () => {
    const bus = createMemoryBus(logger());
    const a = await collect(bus, 'news');
    const b = await collect(bus, 'news');
    const other = await collect(bus, 'other');
    const event = { n: 1, at: new Date(0), nested: { list: [1] } };
    await bus.publish('news', event);
    assert.equal(a.events.length, 0, 'asynchronous, as on Redis');
    await settle(5);
    assert.deepEqual(
      a.events,
      [{ n: 1, at: '1970-01-01T00:00:00.000Z', nested: { list: [1] } }],
      'serialised like Redis would',
    );
    assert.notEqual(a.events[0], b.events[0], 'each listener gets its own copy');
    assert.equal(other.events.length, 0);
    await a.stop();
    await bus.publish('news', { n: 2 });
    await settle(5);
    assert.equal(a.events.length, 1);
    assert.equal(b.events.length, 2);
    await bus.close();
  });

  it('in-process: a throwing listener is logged and does not starve the others', async () => {
    const capture = new LogCapture();
    const bus = createMemoryBus(
      createLogger({
        level: 'warn',
        service: { name: 't', version: '0', environment: 'test' },
        destination: capture,
      }),
    );
    await bus.subscribe('t', () => {
      throw new Error('boom');
    });
    const ok = await collect(bus, 't');
    await bus.publish('t', { x: 1 });
    await settle(5);
    assert.deepEqual(ok.events, [{ x: 1 }]);
    assert.match(capture.chunks.join(''), /bus listener failed/);
    await bus.close();
  });

  it('Redis: two buses with the same prefix hear each other; another prefix does not', async () => {
    const prefix = `pongctl-test-${randomUUID()}:`;
    const one = await createRedisBus({
      redis: testRedisSettings(redisUrl, prefix),
      logger: logger(),
    });
    const two = await createRedisBus({
      redis: testRedisSettings(redisUrl, prefix),
      logger: logger(),
    });
    const stranger = await createRedisBus({
      redis: testRedisSettings(redisUrl, `${prefix}other:`),
      logger: logger(),
    });
    try {
      const heard = await collect(two, 'chat');
      const own = await collect(one, 'chat');
      const strangerHeard = await collect(stranger, 'chat');
      await one.publish('chat', { text: 'hi', n: 1 });
      await settle(100);
      assert.deepEqual(heard.events, [{ text: 'hi', n: 1 }]);
      assert.deepEqual(
        own.events,
        [{ text: 'hi', n: 1 }],
        'the publisher’s own subscribers hear it too',
      );
      assert.equal(strangerHeard.events.length, 0);
      await heard.stop();
      await one.publish('chat', { n: 2 });
      await settle(100);
      assert.equal(heard.events.length, 1, 'unsubscribed');
    } finally {
      await Promise.all([one.close(), two.close(), stranger.close()]);
    }
  });

  it('Redis: start-up fails with UNAVAILABLE when Redis does not answer', async () => {
    await assert.rejects(
      createRedisBus({
        redis: testRedisSettings('redis://127.0.0.1:1', 'x:'),
        logger: logger(),
        connectTimeoutMs: 500,
      }),
      (err: Error & { code?: string }) => err.code === 'UNAVAILABLE',
    );
  });
});

describe('realtime across two API processes through Redis', () => {
  needsRedis();
  const env = { REDIS_URL: redisUrl, REDIS_PREFIX: `pongctl-test-${randomUUID()}:` };
  let local: RealtimeTestServer | undefined;
  let peer: Promise<PeerProcess> | undefined;
  const clients: TestClient[] = [];

  before(async function () {
    this.timeout(120_000); // two API start-ups, one after the other so they do not compete for the 2 cores
    local = await startRealtimeServer(env);
    peer = spawnPeer({ ...env, DATABASE_URL: testDatabaseUrl });
    await peer;
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  after(async function () {
    this.timeout(30_000);
    await local?.stop();
    const started = await peer?.catch(() => undefined); // a peer that never listened has exited already
    if (started) assert.equal(await started.stop(), 0, 'the peer shut down cleanly');
  });
  const servers = async () => ({ local: local!, remote: (await peer)! });

  it('delivers sendToUsers from one instance to the user’s sockets on both', async () => {
    const rita = await socketUser(local!);
    const remote = await connect((await servers()).remote.url, testToken(rita.id));
    const here = await connect(local!.url, rita.accessToken);
    clients.push(remote.client, here.client);
    await local!.realtime.gateway.sendToUsers([rita.id], {
      type: 'pong',
      serverTime: 'cross-instance',
    });
    assert.equal((await remote.client.next('pong')).serverTime, 'cross-instance');
    assert.equal((await here.client.next('pong')).serverTime, 'cross-instance');
  });

  it('delivers a channel broadcast to the members on the other instance', async () => {
    const remote = await connect((await servers()).remote.url, testToken('sam'));
    clients.push(remote.client);
    await local!.realtime.gateway.broadcast('lobby', { type: 'pong', serverTime: 'lobby-news' });
    assert.equal((await remote.client.next('pong')).serverTime, 'lobby-news');
  });

  it('closes a session revoked on one instance on the other with 4401', async () => {
    const remote = await connect((await servers()).remote.url, testToken('tess', 't1'));
    clients.push(remote.client);
    await local!.realtime.gateway.revoke('t1');
    assert.equal((await remote.client.closedWithin()).code, 4401);
  });

  it('closes the other instance’s sockets of a user who logs out everywhere here', async () => {
    const uma = await socketUser(local!);
    const remote = await connect((await servers()).remote.url, testToken(uma.id));
    const here = await connect(local!.url, uma.accessToken);
    clients.push(remote.client, here.client);
    const res = await fetch(`${local!.url}/api/v1/auth/logout-all`, {
      method: 'POST',
      headers: { authorization: `Bearer ${uma.accessToken}` },
    });
    assert.equal(res.status, 200);
    assert.equal((await here.client.closedWithin()).code, 4401);
    assert.equal((await remote.client.closedWithin()).code, 4401);
  });
});
