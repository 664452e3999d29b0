/**
 * Throttling of /auth/*: the general per-IP limit, counted in the shared
 * fixed-window counters (api/core/counters.ts).
 */
import { rateLimitedError } from '../../contract/errors.ts';
import type { CounterStore } from '../../core/counters.ts';

/** The general per-IP limit on /auth/*: throws RATE_LIMITED past `perMinute` requests. */
export async function assertIpRate(
  store: CounterStore,
  ip: string,
  perMinute: number,
): Promise<void> {
  const { count, retryAfterSec } = await store.hit(`auth-ip:${ip}`, 60_000);
  if (count > perMinute)
    throw rateLimitedError(retryAfterSec, 'Too many requests to /auth; slow down');
}
