/**
 * What the analytics service needs. The per-user event rate windows live here
 * (not in a module) so each server and each test has its own.
 */
import type { Knex } from 'knex';
import type { Clock } from '../../core/clock.ts';

export interface AnalyticsDeps {
  db: Knex;
  clock: Clock;
  /** Per user: times (ms) of the event batches of the last minute. */
  eventWindows: Map<string, number[]>;
}

export function createAnalyticsDeps(options: Omit<AnalyticsDeps, 'eventWindows'>): AnalyticsDeps {
  return { ...options, eventWindows: new Map() };
}
