/** `pongctl stats match <id>`: players, statistics and the score timeline of one match. */
import { AppError } from '../../../api/contract/errors.ts';
import type { CliContext } from '../../context.ts';
import { withSession } from '../../session.ts';
import { modeOf, printRows, printSeries, printSummary } from './present.ts';

export async function statsMatch(
  ctx: CliContext,
  id: string,
  o: { chart?: string },
): Promise<void> {
  if (o.chart !== undefined && o.chart !== 'score')
    throw new AppError('VALIDATION', '--chart must be score');
  const match = (await withSession(ctx, (client) => client.call('games.get', { params: { id } })))
    .data;
  const name = (p: (typeof match.players)[number]) => p.username ?? `bot (${p.bot})`;
  const timeline = (match.timeline ?? []).map((t, i) => ({
    point: i + 1,
    second: Math.round(t.tick / 6) / 10,
    left: t.score[0],
    right: t.score[1],
  }));
  if (modeOf(ctx) === 'data' && !o.chart) return ctx.io.print(match, []);
  if (modeOf(ctx) !== 'data') {
    await printSummary(ctx, {
      match: match.id,
      state: `${match.state}${match.reason ? ` (${match.reason})` : ''}`,
      kind: `${match.kind}${match.ranked ? ', ranked' : ''}, ${match.visibility}`,
      score: `${match.score[0]} : ${match.score[1]}`,
      winner: match.winner ?? '-',
      duration: match.stats ? `${match.stats.durationSec} s` : '-',
      rallies: match.stats
        ? `${match.stats.averageRally} average, ${match.stats.longestRally} longest`
        : '-',
      'top ball speed': match.stats?.maxBallSpeed ?? '-',
      ended: match.endedAt ?? '-',
    });
    await printRows(ctx, 'Players', match.players, [
      { header: 'SIDE', value: (p) => (p.side === 0 ? 'left' : 'right') },
      { header: 'PLAYER', value: name },
      { header: 'POINTS', value: (p) => p.points },
      { header: 'HITS', value: (p) => p.hits },
      {
        header: 'RATING',
        value: (p) =>
          p.ratingBefore === null || p.ratingAfter === null
            ? ''
            : `${p.ratingBefore.toFixed(1)} → ${p.ratingAfter.toFixed(1)}`,
      },
    ]);
    if (o.chart) ctx.io.out('');
  }
  if (o.chart === 'score') {
    const [left, right] = match.players.map(name) as [string, string];
    return printSeries(ctx, {
      title: 'Score',
      yLabel: 'points',
      xLabel: 'seconds into the match',
      rows: timeline,
      x: (r) => String(r.second),
      lines: [
        { name: left, value: (r) => r.left },
        { name: right, value: (r) => r.right },
      ],
    });
  }
}
