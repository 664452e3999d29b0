/**
 * Throttling: fixed-window counters kept in process memory by default, or in
 * Redis (ioredis, loaded only then) when REDIS_URL is set so every instance
 * shares them. Used for failed logins (per account and per IP) and the general
 * per-IP limit on /auth/*.
 */
import { AppError } from '../../core/errors.ts';
import type { Clock } from '../../core/clock.ts';

export interface WindowCount {
  count: number;
  /** Seconds until the window ends (0 when no window is open). */
  retryAfterSec: number;
}

export interface CounterStore {
  /** Adds one to `key` in a window of `windowMs` that opens at its first hit. */
  hit(key: string, windowMs: number): Promise<WindowCount>;
  peek(key: string): Promise<WindowCount>;
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

const memoryLimit = 100_000;

export function memoryCounterStore(clock: Clock): CounterStore {
  const windows = new Map<string, { count: number; endsAt: number }>();
  const left = (endsAt: number) => Math.max(1, Math.ceil((endsAt - clock.now()) / 1000));
  const live = (key: string) => {
    const w = windows.get(key);
    if (w && w.endsAt <= clock.now()) windows.delete(key);
    return w && w.endsAt > clock.now() ? w : undefined;
  };
  const prune = () => {
    if (windows.size < memoryLimit) return;
    for (const [key, w] of windows) if (w.endsAt <= clock.now()) windows.delete(key);
  };
  return {
    async hit(key, windowMs) {
      prune();
      const w = live(key) ?? { count: 0, endsAt: clock.now() + windowMs };
      w.count++;
      windows.set(key, w);
      return { count: w.count, retryAfterSec: left(w.endsAt) };
    },
    async peek(key) {
      const w = live(key);
      return w ? { count: w.count, retryAfterSec: left(w.endsAt) } : { count: 0, retryAfterSec: 0 };
    },
    async reset(key) {
      windows.delete(key);
    },
    async close() {
      windows.clear();
    },
  };
}

const hitScript = `local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {c, redis.call('PTTL', KEYS[1])}`;

/** Counters in Redis under `prefix`; INCR and PEXPIRE run atomically in one script. */
export async function redisCounterStore(
  url: string,
  prefix = 'pong:throttle:',
): Promise<CounterStore> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
  });
  await redis.connect();
  const toCount = (count: number, pttl: number): WindowCount => ({
    count,
    retryAfterSec: pttl > 0 ? Math.ceil(pttl / 1000) : 0,
  });
  return {
    async hit(key, windowMs) {
      const [count, pttl] = (await redis.eval(hitScript, 1, prefix + key, String(windowMs))) as [
        number,
        number,
      ];
      return toCount(count, pttl);
    },
    async peek(key) {
      const [count, pttl] = await Promise.all([redis.get(prefix + key), redis.pttl(prefix + key)]);
      return toCount(Number(count ?? 0), pttl);
    },
    async reset(key) {
      await redis.del(prefix + key);
    },
    async close() {
      await redis.quit();
    },
  };
}

export interface LoginThrottleOptions {
  maxFailures: number;
  windowMs: number;
  onLockout?: () => void;
}

function rateLimited(retryAfterSec: number, message: string): AppError {
  const seconds = Math.max(1, retryAfterSec);
  return new AppError(
    'RATE_LIMITED',
    message,
    { retryAfterSeconds: seconds },
    { 'Retry-After': String(seconds) },
  );
}

/** Failed-login accounting: `account` is the user id (or the typed login when no user matches). */
export function loginThrottle(store: CounterStore, options: LoginThrottleOptions) {
  const keys = (who: { account: string; ip: string }) => [
    `login:acct:${who.account}`,
    `login:ip:${who.ip}`,
  ];
  return {
    async assertAllowed(who: { account: string; ip: string }): Promise<void> {
      const counts = await Promise.all(keys(who).map((k) => store.peek(k)));
      const blocked = counts.filter((c) => c.count >= options.maxFailures);
      if (blocked.length > 0) {
        throw rateLimited(
          Math.max(...blocked.map((c) => c.retryAfterSec)),
          'Too many failed sign-in attempts; try again later',
        );
      }
    },
    async recordFailure(who: { account: string; ip: string }): Promise<void> {
      const counts = await Promise.all(keys(who).map((k) => store.hit(k, options.windowMs)));
      if (counts.some((c) => c.count === options.maxFailures)) options.onLockout?.();
    },
    async recordSuccess(account: string): Promise<void> {
      await store.reset(`login:acct:${account}`);
    },
  };
}

export type LoginThrottle = ReturnType<typeof loginThrottle>;

/** The general per-IP limit on /auth/*: throws RATE_LIMITED past `perMinute` requests. */
export async function assertIpRate(
  store: CounterStore,
  ip: string,
  perMinute: number,
): Promise<void> {
  const { count, retryAfterSec } = await store.hit(`auth-ip:${ip}`, 60_000);
  if (count > perMinute) throw rateLimited(retryAfterSec, 'Too many requests to /auth; slow down');
}
