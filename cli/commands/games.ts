/**
 * `pongctl games list|show|abort`: matches through the API. `list` shows a
 * player their own matches (open invites, live, ended; --user: another
 * player's ended public ones) and an admin every match (private ones too;
 * --user for one player's, --mine for their own); --live for the running
 * ones, --state for one state. `show` one match with its statistics, `abort`
 * ends a running match without a result (audited; --yes when not interactive).
 */
import type { Command } from 'commander';
import type { MatchView } from '../../api/contract/games.ts';
import { matchStateFilterValues } from '../../api/contract/match-states.ts';
import type { CliContext } from '../context.ts';
import type { CommandRunner } from '../command-runner.ts';

const nameOf = (p: MatchView['players'][number]) =>
  p.username ?? (p.bot ? `bot:${p.bot}` : '(deleted)');

const columns = [
  { header: 'ID', value: (m: MatchView) => m.id },
  { header: 'STATE', value: (m: MatchView) => m.state },
  { header: 'KIND', value: (m: MatchView) => (m.ranked ? `${m.kind} (ranked)` : m.kind) },
  {
    header: 'PLAYERS',
    value: (m: MatchView) => `${nameOf(m.players[0])} vs ${nameOf(m.players[1])}`,
  },
  { header: 'SCORE', value: (m: MatchView) => `${m.score[0]}:${m.score[1]}` },
  { header: 'WINNER', value: (m: MatchView) => m.winner ?? '' },
  { header: 'CREATED', value: (m: MatchView) => m.createdAt.slice(0, 19).replace('T', ' ') },
];

const states = matchStateFilterValues;

interface ListOptions {
  live?: boolean;
  state?: string;
  user?: string;
  mine?: boolean;
  limit?: string;
  all?: boolean;
  cursor?: string;
}

async function list(ctx: CliContext, o: ListOptions): Promise<void> {
  const { AppError } = await import('../../api/contract/errors.ts');
  if (o.state !== undefined && !(states as readonly string[]).includes(o.state))
    throw new AppError(
      'VALIDATION',
      `--state must be one of ${states.join(', ')} (got "${o.state}")`,
    );
  if (o.live && o.state !== undefined && o.state !== 'live')
    throw new AppError('VALIDATION', '--live and --state disagree');
  if (o.mine && o.user !== undefined)
    throw new AppError('VALIDATION', '--mine and --user disagree');
  const state = (o.live ? 'live' : o.state) as (typeof states)[number] | undefined;
  const { collect, pageSize, tellWhatIsLeft } = await import('../pages.ts');
  const limit = pageSize(o.limit, { fallback: 20 });
  const { withSession } = await import('../session.ts');
  const list = await withSession(ctx, async (client) => {
    const me = (await client.call('me.get')).data;
    const other =
      o.user !== undefined && o.user.toLowerCase() !== me.username.toLowerCase() ? o.user : null;
    if (me.role === 'admin' && !o.mine)
      return collect(
        (cursor) =>
          client.call('admin.matchesList', {
            query: { state, user: o.user, limit, cursor },
          }),
        o,
      );
    if (other === null)
      return collect((cursor) => client.call('games.mine', { query: { state, limit, cursor } }), o);
    if (state !== undefined && state !== 'ended')
      throw new AppError(
        'VALIDATION',
        `another player's list holds their ended public matches only (--state ${state} needs the admin role)`,
      );
    return collect(
      (cursor) =>
        client.call('games.history', { params: { username: other }, query: { limit, cursor } }),
      o,
    );
  });
  await ctx.io.print(list.rows, columns);
  tellWhatIsLeft(ctx.io, list);
}

function record(m: MatchView): Record<string, unknown> {
  return {
    id: m.id,
    kind: m.kind,
    ranked: m.ranked,
    visibility: m.visibility,
    state: m.state,
    reason: m.reason ?? '',
    left: `${nameOf(m.players[0])} (${m.players[0].points} pts, ${m.players[0].hits} hits${m.players[0].ratingAfter === null ? '' : `, rating ${Math.round(m.players[0].ratingBefore ?? 0)} → ${Math.round(m.players[0].ratingAfter)}`})`,
    right: `${nameOf(m.players[1])} (${m.players[1].points} pts, ${m.players[1].hits} hits${m.players[1].ratingAfter === null ? '' : `, rating ${Math.round(m.players[1].ratingBefore ?? 0)} → ${Math.round(m.players[1].ratingAfter)}`})`,
    score: `${m.score[0]}:${m.score[1]}`,
    winner: m.winner ?? '',
    settings: `first to ${m.settings.pointsToWin}, ball ${m.settings.ballSpeed}→${m.settings.ballMaxSpeed}, paddle ${m.settings.paddleHeight}`,
    created: m.createdAt,
    started: m.startedAt ?? '',
    ended: m.endedAt ?? '',
    ...(m.stats
      ? {
          duration: `${m.stats.durationSec.toFixed(1)} s`,
          'longest rally': m.stats.longestRally,
          'average rally': m.stats.averageRally.toFixed(1),
          'top ball speed': m.stats.maxBallSpeed,
        }
      : {}),
    ...(m.timeline && m.timeline.length > 0
      ? { timeline: m.timeline.map((t) => `${t.score[0]}:${t.score[1]}`).join(' ') }
      : {}),
  };
}

async function show(ctx: CliContext, id: string): Promise<void> {
  const { withSession } = await import('../session.ts');
  const result = await withSession(ctx, (client) => client.call('games.get', { params: { id } }));
  if (ctx.io.format !== 'table') return ctx.io.print(result.data, []);
  await ctx.io.printRecord(record(result.data));
}

async function abort(
  ctx: CliContext,
  id: string,
  o: { reason: string; yes?: boolean },
): Promise<number | void> {
  const { confirmed } = await import('../prompt.ts');
  if (!(await confirmed(ctx.io, o, `Abort match ${id}? It ends without a result.`))) return 1;
  const { withSession } = await import('../session.ts');
  const result = await withSession(ctx, (client) =>
    client.call('admin.matchAbort', { params: { id }, body: { reason: o.reason } }),
  );
  if (ctx.io.format !== 'table') return ctx.io.print(result.data, []);
  ctx.io.success(`aborted ${id} (${result.data.reason ?? 'admin'})`);
}

export function registerGames(program: Command, run: CommandRunner): void {
  const games = program
    .command('games')
    .description('matches: list yours (admin: every one), show one, abort a running one (admin)');
  games
    .command('list')
    .description(
      'your matches, newest first: open invites, live and ended (admin: every match, private ones too)',
    )
    .option('--live', 'only running matches (ready, countdown, playing)')
    .option('--state <state>', `only this state: ${states.join(', ')}`)
    .option('--user <name>', "a player's matches (players: their ended public ones)")
    .option('--mine', 'only your own matches (the default for players)')
    .option('--limit <n>', 'page size (1-100)', '20')
    .option('--all', 'follow every page')
    .option('--cursor <cursor>', 'start after this cursor (printed when a list is cut short)')
    .action(run((ctx, o: ListOptions) => list(ctx, o)));
  games
    .command('show <id>')
    .description(
      'one match: players, score, settings, and statistics and the score timeline once ended',
    )
    .action(run((ctx, id: string) => show(ctx, id)));
  games
    .command('abort <id>')
    .description('end a running match or open invite without a result (admin, audited)')
    .requiredOption('--reason <text>', 'why (stored with the match and in the audit log)')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(run((ctx, id: string, o: { reason: string; yes?: boolean }) => abort(ctx, id, o)));
}
