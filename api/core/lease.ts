/**
 * Leases: "this instance, and no other, may do X until T". A singleton job
 * (matcher, tournament scheduler, sweeper) runs only while its lease is held,
 * and moves to another instance within one TTL when its holder dies.
 *
 * With Redis a lease is a key `<prefix>lease:<name>` holding the holder's
 * instance id, set with NX and a TTL and renewed every third of the TTL. A
 * holder that could not renew for two thirds of the TTL counts itself as
 * having lost it (the key may still exist, but it stops acting well before
 * another instance can take it: fencing by time). Each acquisition increments
 * `<prefix>lease:<name>:token`, a fencing token the holder can attach to what
 * it writes.
 *
 * Without Redis on PostgreSQL a lease is a session-level advisory lock on a
 * connection of its own; on the embedded database (one process by nature) it
 * is always held.
 */
import type { Knex } from 'knex';
import { createDb, engineOf, type DbOptions } from './db.ts';
import type { Logger } from './logger.ts';
import { closeRedis, openRedis, type Redis, type RedisSettings } from './redis.ts';

/** Where leases are kept: Redis, a PostgreSQL advisory lock, or this process alone. */
export interface LeaseBackend {
  /** Takes the lease if free (or already ours); the fencing token when taken, null when another holds it. */
  acquire(name: string, ttlMs: number): Promise<number | null>;
  /** Extends our lease; false when it is no longer ours. */
  renew(name: string, ttlMs: number): Promise<boolean>;
  release(name: string): Promise<void>;
}

export interface Lease {
  readonly name: string;
  /** True while this instance may act under the lease. */
  readonly held: boolean;
  /** Fencing token of the current hold (0 before the first). */
  readonly token: number;
  /** Stops renewing and gives the lease up so another instance takes it at once. */
  stop(): Promise<void>;
}

export interface LeaseOptions {
  ttlMs: number;
  logger: Logger;
  onAcquire?(token: number): void;
  onLose?(): void;
  /** Monotonic time in ms (tests may drive it). */
  now?: () => number;
}

const renewScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export function redisLeaseBackend(redis: Redis, prefix: string, instanceId: string): LeaseBackend {
  const key = (name: string) => `${prefix}lease:${name}`;
  return {
    async acquire(name, ttlMs) {
      const taken = await redis.set(key(name), instanceId, 'PX', ttlMs, 'NX');
      if (taken === 'OK') return redis.incr(`${key(name)}:token`);
      if ((await redis.get(key(name))) !== instanceId) return null;
      await redis.pexpire(key(name), ttlMs);
      return Number((await redis.get(`${key(name)}:token`)) ?? 0);
    },
    async renew(name, ttlMs) {
      return (await redis.eval(renewScript, 1, key(name), instanceId, ttlMs)) === 1;
    },
    async release(name) {
      await redis.eval(releaseScript, 1, key(name), instanceId);
    },
  };
}

/** Connections of the lease pool: one per singleton job that may hold a lock, and one spare. */
const leaseConnections = 5;

/**
 * Advisory locks live as long as the session that took them: each lease keeps
 * a connection of its own. close() gives every lock and connection back, then
 * closes `db` (a pool waits for connections still out before it closes).
 */
export function postgresLeaseBackend(db: Knex): LeaseBackend & { close(): Promise<void> } {
  const held = new Map<string, { connection: unknown; token: number }>();
  let tokens = 0;
  const lockKey = (name: string) => `pongctl lease ${name}`;
  const query = async (connection: unknown, sql: string, name: string) => {
    const result = await db.raw(sql, [lockKey(name)]).connection(connection);
    return (result as { rows: Record<string, unknown>[] }).rows[0];
  };
  const drop = async (name: string) => {
    const hold = held.get(name);
    if (!hold) return;
    held.delete(name);
    await db.client.releaseConnection(hold.connection).catch(() => undefined);
  };
  return {
    async acquire(name) {
      if (held.has(name)) return held.get(name)!.token;
      const connection: unknown = await db.client.acquireConnection();
      try {
        const row = await query(connection, 'select pg_try_advisory_lock(hashtext(?)) as ok', name);
        if (row?.ok !== true) {
          await db.client.releaseConnection(connection);
          return null;
        }
      } catch (err) {
        await db.client.releaseConnection(connection).catch(() => undefined);
        throw err;
      }
      const token = ++tokens;
      held.set(name, { connection, token });
      return token;
    },
    async renew(name) {
      const hold = held.get(name);
      if (!hold) return false;
      // The lock lives while its session does: a query that fails means the session (and the lock) may be gone.
      try {
        await db.raw('select 1').connection(hold.connection);
        return true;
      } catch {
        // Unlock in case the session lives on; a pooled connection must not keep the lock.
        await query(hold.connection, 'select pg_advisory_unlock(hashtext(?))', name).catch(
          () => undefined,
        );
        await drop(name);
        return false;
      }
    },
    async release(name) {
      const hold = held.get(name);
      if (!hold) return;
      await query(hold.connection, 'select pg_advisory_unlock(hashtext(?))', name).catch(
        () => undefined,
      );
      await drop(name);
    },
    async close() {
      for (const name of [...held.keys()]) await this.release(name);
      await db.destroy();
    },
  };
}

/** One process is all there is (the embedded database): every lease is ours. */
export function localLeaseBackend(): LeaseBackend {
  let tokens = 0;
  const held = new Map<string, number>();
  return {
    acquire: async (name) => held.get(name) ?? (held.set(name, ++tokens), tokens),
    renew: async (name) => held.has(name),
    release: async (name) => void held.delete(name),
  };
}

/**
 * Keeps trying to hold `name`: renews every third of the TTL while held, and
 * tries to acquire at the same pace while not. `held` turns false as soon as a
 * renewal is refused, or when two thirds of the TTL pass without a successful one.
 */
export function holdLease(backend: LeaseBackend, name: string, options: LeaseOptions): Lease {
  const now = options.now ?? (() => performance.now());
  const every = Math.max(50, Math.floor(options.ttlMs / 3));
  const graceMs = (options.ttlMs * 2) / 3;
  let token = 0;
  let held = false;
  let renewedAt = 0;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const lose = (why: string) => {
    if (!held) return;
    held = false;
    options.logger.warn({ 'lease.name': name, 'lease.reason': why }, 'lease lost');
    options.onLose?.();
  };
  const step = async () => {
    if (stopped) return;
    try {
      if (held) {
        if (await backend.renew(name, options.ttlMs)) renewedAt = now();
        else lose('taken');
      } else {
        const got = await backend.acquire(name, options.ttlMs);
        // Stopped while acquiring: give back what was just taken (a lock keeps its connection).
        if (got !== null && stopped) await backend.release(name);
        else if (got !== null) {
          token = got;
          held = true;
          renewedAt = now();
          options.onAcquire?.(token);
        }
      }
    } catch (err) {
      options.logger.debug({ err, 'lease.name': name }, 'lease backend did not answer');
    }
    if (held && now() - renewedAt > graceMs) lose('not renewed');
  };
  const timer = setInterval(() => {
    running = running.then(step);
  }, every);
  timer.unref();
  running = running.then(step);
  return {
    name,
    get held() {
      if (held && now() - renewedAt > graceMs) lose('not renewed');
      return held;
    },
    get token() {
      return token;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      if (held) {
        held = false;
        await backend.release(name).catch(() => undefined);
      }
    },
  };
}

/**
 * The lease backend a deployment uses: Redis when configured, else a
 * PostgreSQL advisory lock, else (the embedded database) this process alone.
 */
export async function openLeaseBackend(options: {
  redis: RedisSettings | undefined;
  database: DbOptions;
  instanceId: string;
}): Promise<{ backend: LeaseBackend; close(): Promise<void> }> {
  if (options.redis) {
    const redis = await openRedis(options.redis, 'pongctl-leases');
    return {
      backend: redisLeaseBackend(redis, options.redis.prefix, options.instanceId),
      close: () => closeRedis(redis),
    };
  }
  if (engineOf(options.database) === 'postgres') {
    // A pool of its own: a held lock keeps its connection, which must neither take a
    // slot of the request pool nor keep that pool's destroy waiting. Closing it ends the
    // sessions, and with them the locks.
    const backend = postgresLeaseBackend(
      createDb({ ...options.database, poolMax: leaseConnections }),
    );
    return { backend, close: () => backend.close() };
  }
  return { backend: localLeaseBackend(), close: async () => undefined };
}
