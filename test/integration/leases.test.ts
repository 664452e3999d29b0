/**
 * Leases of singleton jobs (api/core/lease.ts) on real Redis and real
 * PostgreSQL: one holder at a time, the next takes over once the holder stops
 * or dies, fencing tokens only grow, and a holder that cannot renew stops
 * counting itself as the holder within two thirds of the TTL.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import knex, { type Knex } from 'knex';
import { Redis } from 'ioredis';
import {
  holdLease,
  postgresLeaseBackend,
  redisLeaseBackend,
  type Lease,
  type LeaseBackend,
} from '../../api/core/lease.ts';
import { pino } from 'pino';
import { onPostgres, testDatabaseUrl } from '../support/env.ts';
import { needsRedis, sharedRedisUrl } from '../support/redis.ts';
import { until } from '../support/poll.ts';

const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long `check` took to pass, polled every 10 ms. */
async function elapsedUntil(
  check: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const started = Date.now();
  await until(what, check, timeoutMs, 10);
  return Date.now() - started;
}

/** Two instances contend for one lease: exactly one holds it, and the other takes over when it stops. */
async function oneAtATime(
  a: LeaseBackend,
  b: LeaseBackend,
  ttlMs: number,
  fencing: boolean,
): Promise<void> {
  const name = `job-${randomUUID()}`;
  const first = holdLease(a, name, { ttlMs, logger });
  await elapsedUntil(() => first.held, 2_000, 'the first holder');
  const second = holdLease(b, name, { ttlMs, logger });
  await sleep(ttlMs);
  assert.equal(second.held, false, 'never two holders');
  const token = first.token;
  await first.stop();
  const waited = await elapsedUntil(() => second.held, ttlMs * 2, 'the second holder');
  assert.ok(waited <= ttlMs, `taken over within the TTL (${waited} ms)`);
  if (fencing)
    assert.ok(second.token > token, `the fencing token grows (${token} → ${second.token})`);
  await second.stop();
}

describe('leases on Redis', function () {
  this.timeout(20_000);
  needsRedis();
  let clients: Redis[] = [];
  const prefix = `test-lease-${randomUUID().slice(0, 8)}:`;
  const client = () => {
    const c = new Redis(sharedRedisUrl, { maxRetriesPerRequest: 0 });
    clients.push(c);
    return c;
  };
  afterEach(() => {
    for (const c of clients) c.disconnect();
    clients = [];
  });

  it('one holder at a time; the next takes over when it stops, with a larger token', async () => {
    await oneAtATime(
      redisLeaseBackend(client(), prefix, 'i1'),
      redisLeaseBackend(client(), prefix, 'i2'),
      600,
      true,
    );
  });

  it('a holder that dies is replaced within the TTL; one that cannot renew lets go within two thirds of it', async () => {
    const name = `job-${randomUUID()}`;
    const ttlMs = 900;
    const dying = client();
    const lost: string[] = [];
    const first: Lease = holdLease(redisLeaseBackend(dying, prefix, 'i1'), name, {
      ttlMs,
      logger,
      onLose: () => lost.push('i1'),
    });
    await elapsedUntil(() => first.held, 2_000, 'the first holder');
    const second = holdLease(redisLeaseBackend(client(), prefix, 'i2'), name, { ttlMs, logger });
    dying.disconnect(); // the holder can no longer reach Redis
    const letGo = await elapsedUntil(() => !first.held, ttlMs, 'the cut-off holder letting go');
    assert.ok(letGo <= (ttlMs * 2) / 3 + 100, `let go after ${letGo} ms`);
    assert.deepEqual(lost, ['i1']);
    await elapsedUntil(() => second.held, ttlMs * 2, 'the second holder');
    await first.stop();
    await second.stop();
  });
});

describe('leases on PostgreSQL (advisory locks, no Redis)', function () {
  this.timeout(20_000);
  let dbs: Knex[] = [];
  before(function () {
    if (!onPostgres) this.skip(); // advisory locks are PostgreSQL's; the embedded database is one process
  });
  const db = () => {
    const d = knex({ client: 'pg', connection: testDatabaseUrl, pool: { min: 0, max: 3 } });
    dbs.push(d);
    return d;
  };
  afterEach(async () => {
    await Promise.all(dbs.map((d) => d.destroy()));
    dbs = [];
  });

  it('one holder at a time; the next takes over when it stops', async () => {
    // Advisory locks carry no shared counter: fencing there is by the lock's session alone.
    await oneAtATime(postgresLeaseBackend(db()), postgresLeaseBackend(db()), 600, false);
  });

  it("the lock goes with its session: when the holder's session dies, another instance holds it", async () => {
    const name = `job-${randomUUID()}`;
    const a = holdLease(postgresLeaseBackend(db()), name, { ttlMs: 600, logger });
    await elapsedUntil(() => a.held, 2_000, 'the first holder');
    const b = holdLease(postgresLeaseBackend(db()), name, { ttlMs: 600, logger });
    await sleep(400);
    assert.equal(b.held, false);
    // The holder's session dies (its process crashed, or the network cut it): PostgreSQL frees the lock.
    const killed = await db().raw(
      `select pg_terminate_backend(pid) as done from pg_locks
       where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())
         and objid = (hashtext(?)::bigint & 4294967295)::oid`,
      [`pongctl lease ${name}`],
    );
    assert.equal(killed.rows.length, 1, 'one session held the lock');
    await elapsedUntil(() => !a.held, 1_000, 'the first holder noticing');
    await elapsedUntil(() => b.held, 3_000, 'the second holder');
    await b.stop();
    await a.stop();
  });
});
