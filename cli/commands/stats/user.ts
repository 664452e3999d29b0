/** `pongctl stats user <name>`: summary, opponents and an optional rating, activity or win-rate chart. */
import { AppError } from '../../../api/contract/errors.ts';
import type { CliContext } from '../../context.ts';
import { withSession } from '../../session.ts';
import { modeOf, parseDays, printRows, printSeries, printSummary } from './present.ts';

const charts = ['rating', 'activity', 'winrate'] as const;

export async function statsUser(
  ctx: CliContext,
  name: string,
  o: { days?: string; chart?: string },
): Promise<void> {
  const days = parseDays(o.days);
  if (o.chart !== undefined && !charts.includes(o.chart as (typeof charts)[number]))
    throw new AppError('VALIDATION', `--chart must be one of ${charts.join(', ')}`);
  const { stats, history } = await withSession(ctx, async (client) => ({
    stats: (await client.call('stats.user', { params: { username: name }, query: { days } })).data,
    history:
      o.chart === 'rating'
        ? (
            await client.call('stats.ratingHistory', {
              params: { username: name },
              query: { limit: 1000 },
            })
          ).data.reverse()
        : [],
  }));
  if (modeOf(ctx) === 'data' && !o.chart) return ctx.io.print(stats, []);
  if (modeOf(ctx) !== 'data') {
    await printSummary(ctx, {
      player: stats.username,
      window: `${stats.from} → ${stats.to}${stats.includesPrivate ? ' (with private matches)' : ''}`,
      matches: stats.matches,
      'won/lost/drawn': `${stats.wins}/${stats.losses}/${stats.draws}`,
      'win rate': `${Math.round(stats.winRate * 100)}%`,
      streak: `${stats.streak.current > 0 ? `${stats.streak.current} won` : stats.streak.current < 0 ? `${-stats.streak.current} lost` : '-'} (best ${stats.streak.best})`,
      points: `${stats.points.for} for, ${stats.points.against} against`,
      rallies: `${stats.rally.average} average, ${stats.rally.longest} longest`,
      'average match': `${stats.averageDurationSec} s`,
      rating: stats.rating
        ? `${stats.rating.rating} ±${stats.rating.deviation}${stats.rating.rank ? ` (#${stats.rating.rank})` : ' (unranked)'}`
        : '-',
    });
    if (stats.opponents.length > 0)
      await printRows(ctx, 'Most played', stats.opponents, [
        { header: 'OPPONENT', value: (r) => r.username },
        { header: 'MATCHES', value: (r) => r.matches },
        { header: 'WON', value: (r) => r.wins },
        { header: 'LOST', value: (r) => r.losses },
      ]);
    if (o.chart) ctx.io.out('');
  }
  if (o.chart === 'rating') {
    return printSeries(ctx, {
      title: `Rating of ${stats.username}`,
      yLabel: 'Glicko-2',
      xLabel: 'rated matches, oldest to newest (date)',
      rows: history,
      x: (r) => r.at.slice(0, 10),
      lines: [{ name: 'rating', value: (r) => r.rating }],
    });
  }
  if (o.chart === 'activity') {
    return printSeries(ctx, {
      title: `Matches of ${stats.username}`,
      yLabel: 'per day',
      xLabel: 'day',
      rows: stats.activity,
      x: (r) => r.day,
      lines: [
        { name: 'matches', value: (r) => r.matches },
        { name: 'won', value: (r) => r.wins },
      ],
    });
  }
  if (o.chart === 'winrate') {
    let [played, won] = [0, 0];
    const rows = stats.activity.map((d) => {
      [played, won] = [played + d.matches, won + d.wins];
      return { day: d.day, winRate: played === 0 ? 0 : Math.round((won / played) * 1000) / 10 };
    });
    return printSeries(ctx, {
      title: `Win rate of ${stats.username} (cumulative)`,
      yLabel: '%',
      xLabel: 'day',
      rows,
      x: (r) => r.day,
      lines: [{ name: 'win rate', value: (r) => r.winRate }],
    });
  }
}
