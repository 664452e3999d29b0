/** `pongctl leaderboard [rating|wins]`: the rating board, the wins boards per period, or the window around a player. */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import type { CommandRunner } from '../command-runner.ts';

interface Options {
  period?: string;
  around?: string;
  limit?: string;
  radius?: string;
  all?: boolean;
  cursor?: string;
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
  const { collect, pageSize, tellWhatIsLeft } = await import('../pages.ts');
  const radius = pageSize(o.radius, { fallback: 5, max: 25, flag: '--radius' });
  const limit = pageSize(o.limit, { fallback: 20 });
  type Meta = { players: number; periodStart: string | null; resetsAt: string | null };
  type Board = { rows: Entry[]; nextCursor: string | null; meta: Meta };
  const list = await withSession(ctx, async (client): Promise<Board> => {
    if (o.around) {
      const page = await client.call('leaderboards.around', {
        params: { board, username: o.around },
        query: { radius, period },
      });
      return { rows: page.data, nextCursor: null, meta: page.meta };
    }
    let meta: Meta | undefined;
    const pages = await collect(async (cursor) => {
      const page =
        board === 'wins'
          ? await client.call('leaderboards.wins', { query: { period, limit, cursor } })
          : await client.call('leaderboards.rating', { query: { limit, cursor } });
      meta ??= page.meta;
      return page;
    }, o);
    return { ...pages, meta: meta! };
  });
  const m = list.meta;
  ctx.io.info(
    board === 'rating'
      ? `Rating board: ${m.players} ranked players`
      : `Wins ${period === 'all' ? 'of all time' : `this ${period} (from ${m.periodStart}, resets ${m.resetsAt})`}: ${m.players} players`,
  );
  const mark = (e: Entry) =>
    o.around && e.username.toLowerCase() === o.around.toLowerCase()
      ? ctx.io.paint('bold', `${e.username} ◀`)
      : e.username;
  await ctx.io.print<Entry>(list.rows, [
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
  tellWhatIsLeft(ctx.io, list);
}

export function registerLeaderboard(program: Command, run: CommandRunner): void {
  program
    .command('leaderboard')
    .description('the rating board, or wins this week/month/all time')
    .argument('[board]', 'rating or wins', 'rating')
    .option('--period <period>', 'wins board period: week, month or all', 'week')
    .option('--around <username>', 'the player and the players just above and below')
    .option('--radius <n>', 'players above and below with --around (1-25)', '5')
    .option('--limit <n>', 'rows (1-100)', '20')
    .option('--all', 'every row (not with --around)')
    .option('--cursor <cursor>', 'start after this cursor (printed when a list is cut short)')
    .action(run(async (ctx, board: string, o: Options) => show(ctx, board, o)));
}
