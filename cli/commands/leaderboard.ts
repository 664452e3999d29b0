/** `pongctl leaderboard [rating|wins]`: the rating board, the wins boards per period, or the window around a player. */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import type { Runner } from '../runner.ts';

interface Options {
  period?: string;
  around?: string;
  limit?: string;
  radius?: string;
}

type Entry = {
  rank: number;
  username: string;
  value: number;
  matches: number | null;
  wins: number;
  losses: number | null;
};

async function show(ctx: CliContext, board: string, o: Options): Promise<void> {
  const { AppError } = await import('../../api/contract/errors.ts');
  if (board !== 'rating' && board !== 'wins')
    throw new AppError('VALIDATION', `the board is rating or wins (got "${board}")`);
  const period = (o.period ?? 'week') as 'week' | 'month' | 'all';
  if (!['week', 'month', 'all'].includes(period))
    throw new AppError('VALIDATION', '--period must be week, month or all');
  const { withSession } = await import('../session.ts');
  const { pageSize } = await import('../pages.ts');
  type Page = {
    data: Entry[];
    meta: { players: number; periodStart: string | null; resetsAt: string | null };
  };
  const page: Page = await withSession(ctx, async (client): Promise<Page> => {
    if (o.around)
      return client.call('leaderboards.around', {
        params: { board, username: o.around },
        query: { radius: pageSize(o.radius, 5), period },
      });
    if (board === 'wins')
      return client.call('leaderboards.wins', { query: { period, limit: pageSize(o.limit, 20) } });
    return client.call('leaderboards.rating', { query: { limit: pageSize(o.limit, 20) } });
  });
  const m = page.meta;
  ctx.io.info(
    board === 'rating'
      ? `Rating board: ${m.players} ranked players`
      : `Wins ${period === 'all' ? 'of all time' : `this ${period} (from ${m.periodStart}, resets ${m.resetsAt})`}: ${m.players} players`,
  );
  const mark = (e: Entry) =>
    o.around && e.username.toLowerCase() === o.around.toLowerCase()
      ? ctx.io.paint('bold', `${e.username} ◀`)
      : e.username;
  await ctx.io.print<Entry>(page.data, [
    { header: 'RANK', value: (e) => e.rank },
    { header: 'PLAYER', value: mark },
    {
      header: board === 'rating' ? 'RATING' : 'WINS',
      value: (e) => (board === 'rating' ? e.value.toFixed(1) : e.value),
    },
    ...(board === 'rating'
      ? [
          { header: 'MATCHES', value: (e: Entry) => e.matches },
          { header: 'W-L', value: (e: Entry) => `${e.wins}-${e.losses}` },
        ]
      : []),
  ]);
}

export function registerLeaderboard(program: Command, run: Runner): void {
  program
    .command('leaderboard')
    .description('the rating board, or wins this week/month/all time')
    .argument('[board]', 'rating or wins', 'rating')
    .option('--period <period>', 'wins board period: week, month or all', 'week')
    .option('--around <username>', 'the player and the players just above and below')
    .option('--radius <n>', 'players above and below with --around (1-25)', '5')
    .option('--limit <n>', 'rows (1-100)', '20')
    .action(run(async (ctx, board: string, o: Options) => show(ctx, board, o)));
}
