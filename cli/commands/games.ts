/**
 * `pongctl games list|show|abort`: matches through the API. `list` is the
 * admin view of every match (private ones too; --live for the running ones,
 * --state for one state), `show` one match with its statistics, `abort` ends
 * a running match without a result (audited; --yes when not interactive).
 */
import type { Command } from 'commander';
import type { MatchView } from '../../api/contract/games.ts';
import type { CliContext } from '../context.ts';
import type { Runner } from '../runner.ts';

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

const states = [
  'live',
  'pending',
  'ready',
  'countdown',
  'playing',
  'finished',
  'aborted',
  'forfeited',
] as const;

interface ListOptions {
  live?: boolean;
  state?: string;
  limit?: string;
  all?: boolean;
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
  const state = (o.live ? 'live' : o.state) as (typeof states)[number] | undefined;
  const { collect, pageSize } = await import('../pages.ts');
  const { withSession } = await import('../session.ts');
  const rows = await withSession(ctx, (client) =>
    collect(
      (cursor) =>
        client.call('admin.matchesList', { query: { state, limit: pageSize(o.limit), cursor } }),
      Boolean(o.all),
    ),
  );
  await ctx.io.print(rows, columns);
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
  if (!o.yes) {
    ctx.io.requireInteractive('aborting needs --yes');
    const { confirm } = await import('@inquirer/prompts');
    if (
      !(await confirm({ message: `Abort match ${id}? It ends without a result.`, default: false }))
    ) {
      ctx.io.info('not aborted');
      return 1;
    }
  }
  const { withSession } = await import('../session.ts');
  const result = await withSession(ctx, (client) =>
    client.call('admin.matchAbort', { params: { id }, body: { reason: o.reason } }),
  );
  if (ctx.io.format !== 'table') return ctx.io.print(result.data, []);
  ctx.io.success(`aborted ${id} (${result.data.reason ?? 'admin'})`);
}

export function registerGames(program: Command, run: Runner): void {
  const games = program
    .command('games')
    .description('matches: list (admin), show one, abort a running one (admin)');
  games
    .command('list')
    .description('every match, newest first (admin; private ones too)')
    .option('--live', 'only running matches (ready, countdown, playing)')
    .option('--state <state>', `only this state: ${states.join(', ')}`)
    .option('--limit <n>', 'page size (1-100)')
    .option('--all', 'follow every page')
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
