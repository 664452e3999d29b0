/**
 * Platform stats for admins, all from daily rows kept by triggers:
 * registrations, active users (a user who played a match or sent analytics
 * events that day; calendar weeks and months for WAU/MAU), matches and their
 * average duration, queue-wait percentiles and the peak of players in
 * matches at once.
 */
import { type z } from 'zod';
import type { platformStatsSchema } from '../../contract/stats.ts';
import { type Actor, requireAdminOrSystem } from '../actors.ts';
import { isoDay, periodAt } from '../leaderboards/periods.ts';
import type { StatsReadDeps } from './deps.ts';
import { quantile } from './queue-waits.ts';
import * as repo from './repo.ts';
import { windowOf } from './user.ts';

type PlatformStats = z.infer<typeof platformStatsSchema>;
const dayMs = 86_400_000;
const avg = (sum: number, n: number) => (n === 0 ? 0 : Math.round((sum / n) * 100) / 100);

function dailySeries(
  range: { from: string; to: string },
  rows: repo.PlatformRow[],
  dau: Map<string, number>,
): PlatformStats['daily'] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const out: PlatformStats['daily'] = [];
  for (let t = Date.parse(range.from); t <= Date.parse(range.to); t += dayMs) {
    const day = isoDay(t);
    const r = byDay.get(day);
    out.push({
      day,
      registrations: r?.registrations ?? 0,
      activeUsers: dau.get(day) ?? 0,
      matches: r?.matches ?? 0,
      averageDurationSec: r ? avg(r.duration_sum, r.timed) : 0,
      peakPlayers: r?.peak_players ?? 0,
    });
  }
  return out;
}

export async function platformStats(
  deps: StatsReadDeps,
  actor: Actor,
  input: { days: number },
): Promise<PlatformStats> {
  requireAdminOrSystem(actor);
  const range = windowOf(deps.clock.now(), input.days);
  const fromMs = Date.parse(range.from);
  const [rows, dau, wau, mau, waits] = await Promise.all([
    repo.platformDaily(deps.db, range),
    repo.activeCounts(deps.db, 'day', range),
    repo.activeCounts(deps.db, 'week', { from: periodAt('week', fromMs).start, to: range.to }),
    repo.activeCounts(deps.db, 'month', { from: periodAt('month', fromMs).start, to: range.to }),
    repo.queueWaitBuckets(deps.db, range),
  ]);
  const sum = (k: keyof repo.PlatformRow) => rows.reduce((n, r) => n + Number(r[k]), 0);
  return {
    from: range.from,
    to: range.to,
    totals: {
      registrations: sum('registrations'),
      matches: sum('matches'),
      averageDurationSec: avg(sum('duration_sum'), sum('timed')),
      queueWait: {
        samples: waits.reduce((n, w) => n + w.n, 0),
        p50: quantile(waits, 0.5),
        p95: quantile(waits, 0.95),
      },
      peakConcurrentPlayers: rows.reduce((n, r) => Math.max(n, r.peak_players), 0),
    },
    daily: dailySeries(range, rows, new Map(dau.map((d) => [d.period_start, d.users]))),
    weekly: wau.map((w) => ({ start: w.period_start, activeUsers: w.users })),
    monthly: mau.map((m) => ({ start: m.period_start, activeUsers: m.users })),
  };
}
