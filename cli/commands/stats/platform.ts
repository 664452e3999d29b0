/** `pongctl stats platform`: totals and a daily chart of matches, active users or registrations (admin). */
import { AppError } from '../../../api/contract/errors.ts';
import type { CliContext } from '../../context.ts';
import { withSession } from '../../session.ts';
import { modeOf, parseDays, printSeries, printSummary } from './present.ts';

const charts = {
  matches: 'matches',
  active: 'activeUsers',
  registrations: 'registrations',
} as const;

export async function statsPlatform(
  ctx: CliContext,
  o: { days?: string; chart?: string },
): Promise<void> {
  const days = parseDays(o.days);
  if (o.chart !== undefined && !(o.chart in charts))
    throw new AppError('VALIDATION', `--chart must be one of ${Object.keys(charts).join(', ')}`);
  const p = (
    await withSession(ctx, (client) => client.call('admin.statsPlatform', { query: { days } }))
  ).data;
  if (modeOf(ctx) === 'data' && !o.chart) return ctx.io.print(p, []);
  if (modeOf(ctx) !== 'data') {
    const t = p.totals;
    await printSummary(ctx, {
      window: `${p.from} → ${p.to}`,
      registrations: t.registrations,
      matches: t.matches,
      'average match': `${t.averageDurationSec} s`,
      'queue wait p50/p95':
        t.queueWait.samples === 0
          ? '-'
          : `${t.queueWait.p50} s / ${t.queueWait.p95} s (${t.queueWait.samples} waits)`,
      'peak players in matches': t.peakConcurrentPlayers,
      'active users (latest day/week/month)': `${p.daily.at(-1)?.activeUsers ?? 0} / ${p.weekly.at(-1)?.activeUsers ?? 0} / ${p.monthly.at(-1)?.activeUsers ?? 0}`,
    });
    if (o.chart) ctx.io.out('');
  }
  if (!o.chart) return;
  const key = charts[o.chart as keyof typeof charts];
  const label = {
    matches: 'matches per day',
    activeUsers: 'active users per day',
    registrations: 'registrations per day',
  }[key];
  return printSeries(ctx, {
    title: 'Platform',
    yLabel: label,
    xLabel: 'day (UTC)',
    rows: p.daily,
    x: (r) => r.day,
    lines: [{ name: o.chart, value: (r) => r[key] }],
  });
}
