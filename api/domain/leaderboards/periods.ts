/**
 * Period arithmetic of the wins boards, in UTC: a week starts on Monday
 * 00:00, a month on its first day, "all" on 1970-01-01. The current period
 * comes from the injected clock, so a board "resets" the moment the clock
 * crosses a boundary (a new, empty key) with no job to run; the triggers file
 * each win under the period of the match's end.
 */
import type { Period } from '../../contract/leaderboards.ts';

export interface PeriodWindow {
  period: Period;
  /** YYYY-MM-DD */
  start: string;
  /** When the next period starts (null for all time). */
  resetsAt: Date | null;
}

const dayMs = 86_400_000;
export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Midnight UTC of the Monday of the week holding `ms`. */
export function weekStart(ms: number): number {
  const midnight = Math.floor(ms / dayMs) * dayMs;
  const weekday = (new Date(midnight).getUTCDay() + 6) % 7;
  return midnight - weekday * dayMs;
}

export function periodAt(period: Period, ms: number): PeriodWindow {
  if (period === 'all') return { period, start: '1970-01-01', resetsAt: null };
  if (period === 'week') {
    const start = weekStart(ms);
    return { period, start: isoDay(start), resetsAt: new Date(start + 7 * dayMs) };
  }
  const d = new Date(ms);
  return {
    period,
    start: isoDay(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)),
    resetsAt: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)),
  };
}
