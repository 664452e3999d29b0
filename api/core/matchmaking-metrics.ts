/**
 * The matchmaking queue's metrics: matchmaking_queue_size,
 * matchmaking_oldest_ticket_age_seconds (gauges, set by the matcher) and
 * matchmaking_wait_seconds (time from ticket to match). No labels: a queue
 * metric must never carry who is waiting.
 */
import { Gauge, Histogram, type Registry } from 'prom-client';
import { metrics as spec } from '../contract/metrics.ts';

export interface MatchmakingMetrics {
  /** The queue's size and the age of its oldest ticket (0 when empty). */
  queue(size: number, oldestAgeSec: number): void;
  /** One ticket turned into a match after waiting this long. */
  matched(waitSec: number): void;
}

export function createMatchmakingMetrics(registry: Registry): MatchmakingMetrics {
  const size = new Gauge({
    name: spec.matchmakingQueueSize.name,
    help: spec.matchmakingQueueSize.help,
    registers: [registry],
  });
  const oldest = new Gauge({
    name: spec.matchmakingOldestTicketAge.name,
    help: spec.matchmakingOldestTicketAge.help,
    registers: [registry],
  });
  const wait = new Histogram({
    name: spec.matchmakingWait.name,
    help: spec.matchmakingWait.help,
    buckets: [...spec.matchmakingWait.buckets],
    registers: [registry],
  });
  return {
    queue(queueSize, oldestAgeSec) {
      size.set(queueSize);
      oldest.set(oldestAgeSec);
    },
    matched: (waitSec) => wait.observe(waitSec),
  };
}
