/** The per-user chat send limit, counted in the shared counters (HTTP and WebSocket together). */
import { rateLimitedError } from '../../contract/errors.ts';
import type { ChatDeps } from './deps.ts';

/** Counts one message against the sender's window; RATE_LIMITED with Retry-After beyond it. */
export async function takeSendToken(deps: ChatDeps, userId: string): Promise<void> {
  const { rateLimit, rateWindowSeconds } = deps.config;
  const { count, retryAfterSec } = await deps.counters.hit(
    `chat:send:${userId}`,
    rateWindowSeconds * 1000,
  );
  if (count > rateLimit) {
    throw rateLimitedError(
      retryAfterSec,
      `At most ${rateLimit} messages per ${rateWindowSeconds} s; try again in ${retryAfterSec} s`,
    );
  }
}
