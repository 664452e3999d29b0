/**
 * The typing throttle: at most one `chat.typing` per conversation per user per
 * interval. Ephemeral by design: kept in this instance's memory, never stored;
 * a user whose sockets sit on two instances may be forwarded once per instance.
 */
import type { Clock } from '../../core/clock.ts';

export interface TypingThrottle {
  /** True when this typing signal may be forwarded now (and starts a new interval). */
  allow(userId: string, conversationId: string): boolean;
  /** Entries currently remembered (for tests and the bound). */
  readonly size: number;
}

/** Beyond this many remembered entries, expired ones are swept before adding more. */
const sweepAbove = 10_000;

export function createTypingThrottle(clock: Clock, intervalMs: number): TypingThrottle {
  const last = new Map<string, number>();
  const sweep = (now: number): void => {
    for (const [key, at] of last) if (now - at >= intervalMs) last.delete(key);
  };
  return {
    allow(userId, conversationId) {
      const now = clock.now();
      const key = `${userId}:${conversationId}`;
      const at = last.get(key);
      if (at !== undefined && now - at < intervalMs) return false;
      if (last.size >= sweepAbove) sweep(now);
      last.set(key, now);
      return true;
    },
    get size() {
      return last.size;
    },
  };
}
