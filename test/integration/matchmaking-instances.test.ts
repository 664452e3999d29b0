/**
 * One matchmaking queue for the deployment: two API processes on one
 * PostgreSQL database and one Redis. A player queued through a socket on
 * instance 1 is paired with one queued on instance 2, and both hear of the
 * same match; a ticket needs a socket on some instance, survives the close of
 * one of several sockets on different instances, and goes with the last one.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { api, register } from '../support/accounts.ts';
import { startApiProcess, type ApiProcess } from '../support/api-process.ts';
import { onPostgres, testDatabaseUrl } from '../support/env.ts';
import { freePort } from '../ops/processes.ts';
import { needsRedis, sharedRedisUrl } from '../support/redis.ts';
import { connect } from '../support/ws-client.ts';
import { until } from '../support/poll.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('matchmaking across instances (two processes, one PostgreSQL, one Redis)', function () {
  this.timeout(180_000);
  needsRedis();
  const prefix = `test:mm-inst:${randomBytes(4).toString('hex')}:`;
  let one: ApiProcess;
  let two: ApiProcess;
  const metricsPorts: number[] = [];

  /** A gauge summed over both instances' /metrics. */
  async function summed(name: string): Promise<number> {
    let total = 0;
    for (const port of metricsPorts) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      total += Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    }
    return total;
  }

  before(async function () {
    if (!onPostgres) this.skip(); // the embedded database belongs to one process
    const jwtSecret = randomBytes(32).toString('hex');
    metricsPorts.push(await freePort(), await freePort());
    const env = (id: string, metricsPort: number) => ({
      INSTANCE_ID: id,
      METRICS_PORT: String(metricsPort),
      REDIS_URL: sharedRedisUrl,
      REDIS_PREFIX: prefix,
      MATCHMAKING_TICK_MS: '100',
      INSTANCE_LEASE_TTL_MS: '1500',
    });
    one = await startApiProcess({
      databaseUrl: testDatabaseUrl,
      jwtSecret,
      env: env('mm-one', metricsPorts[0]!),
    });
    two = await startApiProcess({
      databaseUrl: testDatabaseUrl,
      jwtSecret,
      env: env('mm-two', metricsPorts[1]!),
    });
  });
  after(async () => {
    await Promise.all([one?.dispose(), two?.dispose()]);
    const redis = new Redis(sharedRedisUrl);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('pairs a player queued on instance 1 with one queued on instance 2: both get queue.matched for one match', async () => {
    const [ann, ben] = [await register(one.url, 'ma'), await register(two.url, 'mb')];
    const a = await connect(one.url, ann.accessToken);
    const b = await connect(two.url, ben.accessToken);
    a.client.send({ type: 'queue.join', mode: 'ranked', id: 'qa' });
    assert.equal((await a.client.next('queue.status', 5_000)).queued, true);
    b.client.send({ type: 'queue.join', mode: 'ranked', id: 'qb' });
    assert.equal((await b.client.next('queue.status', 5_000)).queued, true);

    const [am, bm] = await Promise.all([
      a.client.next('queue.matched', 10_000),
      b.client.next('queue.matched', 10_000),
    ]);
    assert.equal(am.matchId, bm.matchId, JSON.stringify([am, bm]));
    assert.equal(am.opponent, ben.username);
    assert.equal(bm.opponent, ann.username);
    assert.equal(am.mode, 'ranked');

    const match = await api(two.url, 'GET', `/api/v1/matches/${am.matchId as string}`, {
      token: ben.accessToken,
    });
    assert.equal(match.status, 200, JSON.stringify(match.body));
    assert.equal(match.body.data.kind, 'matchmaking');
    assert.deepEqual(
      match.body.data.players.map((p: { username: string }) => p.username).sort(),
      [ann.username, ben.username].sort(),
    );
    for (const url of [one.url, two.url]) {
      const stats = await api(url, 'GET', '/api/v1/matchmaking/stats', { token: ann.accessToken });
      assert.equal(stats.body.data.queueSize, 0, 'both instances read the one queue');
      assert.ok(stats.body.data.matchesMade >= 1);
    }
    // In a live match now, on whichever instance: queueing again is refused on both.
    const again = await api(one.url, 'POST', '/api/v1/matchmaking/queue', {
      token: ben.accessToken,
      body: { mode: 'casual' },
    });
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.match(again.body.error.message, /already in a match/);
    a.client.close();
    b.client.close();
  });

  it('queues with a socket on any instance, keeps the ticket while one is open anywhere, drops it with the last one', async () => {
    const cid = await register(one.url, 'mc');
    const join = () =>
      api(two.url, 'POST', '/api/v1/matchmaking/queue', {
        token: cid.accessToken,
        body: { mode: 'casual' },
      });
    const refused = await join();
    assert.equal(refused.status, 409, 'no socket anywhere');
    assert.match(refused.body.error.message, /WebSocket/);

    // A socket on instance 1 lets the user queue through instance 2 (presence is shared).
    const first = await connect(one.url, cid.accessToken);
    const joined = await until('a join through instance 2', async () => {
      const res = await join();
      return res.status === 200 ? res : undefined;
    });
    assert.equal(joined.body.data.queued, true);
    const second = await connect(two.url, cid.accessToken);
    const queued = async () =>
      (await api(one.url, 'GET', '/api/v1/matchmaking/queue', { token: cid.accessToken })).body.data
        .queued as boolean;
    assert.equal(await queued(), true);
    // The lease holder reports the one queue, the other instance 0: the sum is the deployment's.
    await until('the queue gauges', async () =>
      (await summed('matchmaking_queue_size')) === 1 ? true : undefined,
    );

    first.client.close();
    await first.client.closed;
    await sleep(1_000); // several matcher passes
    assert.equal(await queued(), true, 'the socket on instance 2 is still open');

    second.client.close();
    await second.client.closed;
    // Sooner than the matcher's own clean-up of offline tickets (OFFLINE_GRACE_MS after joining):
    // the offline transition of presence took it.
    await until('the ticket to go', async () => ((await queued()) ? undefined : true), 2_500);
    const stats = await api(one.url, 'GET', '/api/v1/matchmaking/stats', {
      token: cid.accessToken,
    });
    assert.equal(stats.body.data.byMode.casual, 0);
  });

  it('moves the matcher to the other instance within the lease TTL when its holder is killed', async () => {
    const redis = new Redis(sharedRedisUrl);
    try {
      const holder = await redis.get(`${prefix}lease:matcher`);
      assert.ok(holder === 'mm-one' || holder === 'mm-two', `lease held by ${holder}`);
      const [dead, alive] = holder === 'mm-one' ? [one, two] : [two, one];
      dead.child.kill('SIGKILL');
      await new Promise((resolve) => dead.child.once('exit', resolve));
      const [dee, eve] = [await register(alive.url, 'md'), await register(alive.url, 'me')];
      const d = await connect(alive.url, dee.accessToken);
      const e = await connect(alive.url, eve.accessToken);
      const killedAt = Date.now();
      for (const c of [d, e]) c.client.send({ type: 'queue.join', mode: 'casual' });
      const [dm, em] = await Promise.all([
        d.client.next('queue.matched', 6_000),
        e.client.next('queue.matched', 6_000),
      ]);
      assert.equal(dm.matchId, em.matchId);
      assert.ok(Date.now() - killedAt < 1_500 + 2_000, 'within the TTL and a few passes');
      assert.equal(
        await redis.get(`${prefix}lease:matcher`),
        holder === 'mm-one' ? 'mm-two' : 'mm-one',
      );
      d.client.close();
      e.client.close();
    } finally {
      redis.disconnect();
    }
  });
});
