/**
 * Matchmaking queue waits as a daily histogram: percentiles over any window
 * come from summed bucket counts (a few dozen rows) instead of sorting every
 * wait. The answer is interpolated inside the bucket holding the percentile.
 */
import type { Logger } from '../../core/logger.ts';
import type { StatsReadDeps } from './deps.ts';
import * as repo from './repo.ts';
import { isoDay } from '../leaderboards/periods.ts';

/** Upper bounds in seconds; the last bucket is open. The index is stored, so only append. */
export const WAIT_BOUNDS = [
  0.5,
  1,
  2,
  3,
  5,
  7.5,
  10,
  15,
  20,
  30,
  45,
  60,
  90,
  120,
  180,
  300,
  600,
  Infinity,
] as const;

export function bucketOf(seconds: number): number {
  const i = WAIT_BOUNDS.findIndex((b) => seconds <= b);
  return i === -1 ? WAIT_BOUNDS.length - 1 : i;
}

/** The q-quantile (0..1) of a histogram, or null when it is empty. */
export function quantile(
  buckets: readonly { bucket: number; n: number }[],
  q: number,
): number | null {
  const total = buckets.reduce((n, b) => n + b.n, 0);
  if (total === 0) return null;
  const target = q * total;
  let seen = 0;
  for (const { bucket, n } of [...buckets].sort((x, y) => x.bucket - y.bucket)) {
    if (n === 0) continue;
    const lower = bucket === 0 ? 0 : WAIT_BOUNDS[bucket - 1]!;
    const upper = WAIT_BOUNDS[bucket]!;
    if (seen + n >= target) {
      if (!Number.isFinite(upper)) return lower;
      return Math.round((lower + ((target - seen) / n) * (upper - lower)) * 100) / 100;
    }
    seen += n;
  }
  return WAIT_BOUNDS[WAIT_BOUNDS.length - 2]!;
}

/** Waits are stored off the request: a failure is logged. */
export interface QueueWaitDeps extends StatsReadDeps {
  logger: Logger;
}

/** Records one matchmaking wait on the day it ended (called for every matched player). */
export async function recordQueueWait(deps: StatsReadDeps, seconds: number): Promise<void> {
  await repo.addQueueWait(deps.db, isoDay(deps.clock.now()), bucketOf(seconds));
}

/**
 * Wraps the matchmaking metrics so every observed wait is also stored in the
 * histogram (the matcher already reports each matched player's wait there).
 */
export function withQueueWaits<M extends { matched(waitSec: number): void }>(
  metrics: M,
  deps: QueueWaitDeps,
): M {
  const wrapped = Object.create(metrics) as M;
  wrapped.matched = (waitSec: number) => {
    metrics.matched(waitSec);
    recordQueueWait(deps, waitSec).catch((err: unknown) =>
      deps.logger.warn({ err }, 'storing a queue wait failed'),
    );
  };
  return wrapped;
}
