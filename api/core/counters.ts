/**
 * Fixed-window counters kept in process memory by default, or in Redis
 * (counters-redis.ts, loaded only then) when REDIS_URL is set so every
 * instance shares them. The accounts area's limits (attempt-limits.ts), the
 * general per-IP limit on /auth/* and the chat rate limit count in them.
 */
import type { Clock } from './clock.ts';

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
