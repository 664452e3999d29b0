/**
 * Presence across instances on the real Redis at 127.0.0.1:6379: the shared
 * socket counts (first connect and last disconnect anywhere), matches, the
 * sweep of an instance that died without closing its sockets (and the
 * offline event it causes for friends), and, on PostgreSQL (the only engine
 * two servers can share), two API servers delivering presence to each other.
 */
import assert from 'node:assert/strict';
import { testRedisSettings } from '../support/redis-settings.ts';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createDb, type Db } from '../../api/core/db.ts';
import type { ServerMessage } from '../../api/contract/messages.ts';
import { createRedisPresenceStore } from '../../api/domain/social/presence-redis.ts';
import { createPresence } from '../../api/domain/social/presence.ts';
import type { PresenceStore } from '../../api/domain/social/presence-store.ts';
import {
  adminPassword,
  api,
  loginAs,
  register,
  startAuthServer,
  type AuthTestServer,
} from '../support/accounts.ts';
import { onPostgres, testDatabaseUrl } from '../support/env.ts';
import { befriend } from '../support/social.ts';
import { connect, type TestClient } from '../support/ws-client.ts';
import { needsRedis } from '../support/redis.ts';
import { until } from '../support/poll.ts';

const redisUrl = 'redis://127.0.0.1:6379';
const logger = pino({ level: 'silent' });

describe('presence on Redis', () => {
  needsRedis();
  const prefix = `pongctl-test-${randomUUID()}:`;
  const stores: PresenceStore[] = [];
  const store = async (options: { aliveTtlMs?: number; refreshMs?: number } = {}) => {
    const s = await createRedisPresenceStore({
      redis: testRedisSettings(redisUrl, prefix, logger),
      logger,
      ...options,
    });
    stores.push(s);
    return s;
  };
  after(async () => {
    for (const s of stores) await s.close().catch(() => undefined);
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('counts sockets across instances: online on the first anywhere, offline after the last', async () => {
    const [one, two] = [await store(), await store()];
    const user = randomUUID();
    assert.equal(await one.connected(user), true);
    assert.equal(await two.connected(user), false, 'already online through the other instance');
    assert.equal(await one.connected(user), false);
    assert.deepEqual(
      await two.socketCounts([user, 'nobody']),
      new Map([
        [user, 3],
        ['nobody', 0],
      ]),
    );
    assert.equal(await one.disconnected(user), false);
    assert.equal(await one.disconnected(user), false, 'still on instance two');
    assert.equal(await two.disconnected(user), true);
    assert.equal((await one.snapshot()).sockets.has(user), false);
  });

  it('keeps matches shared and clears them with null', async () => {
    const [one, two] = [await store(), await store()];
    const user = randomUUID();
    await one.setMatch(user, 'm-7');
    assert.deepEqual(await two.matches([user]), new Map([[user, 'm-7']]));
    await two.setMatch(user, null);
    assert.deepEqual(await one.matches([user]), new Map());
  });

  it('a closed instance takes its sockets with it', async () => {
    const [one, two] = [await store(), await store()];
    const user = randomUUID();
    await one.connected(user);
    await two.connected(user);
    await one.close();
    assert.deepEqual(await two.socketCounts([user]), new Map([[user, 1]]));
  });

  describe('an instance that dies without closing', () => {
    let db: Db;
    const ids: string[] = [];
    before(async function () {
      this.timeout(60_000);
      db = createDb({ databaseUrl: testDatabaseUrl, dataDir: '.data-unused' });
      await db.migrate.latest();
    });
    after(async () => {
      await db('users').whereIn('id', ids).delete();
      await db.destroy();
    });

    it('is swept by a live one, whose friends hear the users it held go offline', async () => {
      const [ghost, friend] = [randomUUID(), randomUUID()];
      ids.push(ghost, friend);
      for (const id of [ghost, friend])
        await db('users').insert({
          id,
          username: `g${id.slice(0, 8)}`,
          username_key: `g${id.slice(0, 8)}`,
          display_name: 'g',
        });
      await db('friend_edges').insert([
        { user_id: ghost, other_id: friend, state: 'friend' },
        { user_id: friend, other_id: ghost, state: 'friend' },
      ]);
      // The dying instance stops refreshing: its alive key lapses after 300 ms.
      const dying = await store({ aliveTtlMs: 300, refreshMs: 3_600_000 });
      await dying.connected(ghost);
      const sent: Array<{ to: readonly string[]; message: ServerMessage }> = [];
      const live = await store();
      const presence = createPresence({
        db,
        clock: { now: () => Date.now() },
        logger,
        store: live,
        sweepMs: 100,
        push: { sendToUsers: async (to, message) => void sent.push({ to, message }) },
      });
      try {
        await until('the sweep', async () => sent.length > 0, 3_000, 25);
        assert.deepEqual(sent[0]!.to, [friend]);
        assert.equal(sent[0]!.message.type, 'presence.update');
        assert.equal((sent[0]!.message as { status: string }).status, 'offline');
        assert.equal(await presence.isOnline(ghost), false);
        const [row] = await db('users').where({ id: ghost }).select('last_seen_at');
        assert.ok(row.last_seen_at, 'last seen written');
      } finally {
        await presence.close();
      }
    });
  });

  (onPostgres ? describe : describe.skip)('two API servers sharing PostgreSQL and Redis', () => {
    let one: AuthTestServer;
    let two: AuthTestServer;
    const open: TestClient[] = [];
    before(async function () {
      this.timeout(60_000);
      // One deployment: the same Redis prefix and the same token signing key on both instances.
      const env = {
        REDIS_URL: redisUrl,
        REDIS_PREFIX: `pongctl-test-${randomUUID()}:`,
        PONG_JWT_SECRET: randomUUID() + randomUUID(),
      };
      one = await startAuthServer(env);
      two = await startAuthServer(env);
    });
    after(async () => {
      for (const c of open) c.close();
      await two?.stop();
      await one?.stop();
    });
    const socket = async (s: AuthTestServer, token: string) => {
      const { client } = await connect(s.url, token);
      open.push(client);
      return client;
    };

    it('friends on the other instance see online once and offline after the last socket anywhere', async () => {
      const a = await register(one.url, 'r');
      const b = await register(one.url, 'r');
      const marker = await register(one.url, 'r');
      await befriend(one.url, a, b);
      await befriend(one.url, a, marker);
      const watcher = await socket(one, a.accessToken);
      const onTwo = await socket(two, b.accessToken);
      const on = await watcher.next('presence.update');
      assert.deepEqual(
        [on.username, on.status],
        [b.username, 'online'],
        'from instance two to instance one',
      );
      const onOne = await socket(one, b.accessToken);
      onTwo.ws.close();
      await onTwo.closed;
      const m = await socket(two, marker.accessToken);
      const next = await watcher.next('presence.update');
      assert.deepEqual(
        [next.username, next.status],
        [marker.username, 'online'],
        'nothing for b while a socket remains',
      );
      const admin = await loginAs(two.url, 'admin', adminPassword);
      const view = await api(two.url, 'GET', '/api/v1/admin/presence', { token: admin });
      const rows = new Map(
        view.body.data.users.map((u: { username: string; sockets: number }) => [
          u.username,
          u.sockets,
        ]),
      );
      assert.equal(rows.get(a.username), 1, 'instance two sees instance one’s sockets');
      assert.equal(rows.get(b.username), 1);
      onOne.ws.close();
      const off = await watcher.next('presence.update');
      assert.deepEqual([off.username, off.status], [b.username, 'offline']);
      m.close();
    });
  });
});
