/**
 * `pongctl notifications [list|read]`: what reached you (invites, friend
 * requests, tournament calls, system messages), newest first, and marking
 * it read.
 */
import type { Command } from 'commander';
import type { NotificationView } from '../../api/contract/notifications.ts';
import type { CliContext } from '../context.ts';
import type { CommandRunner } from '../command-runner.ts';

/** One line a person reads, from the type's payload. */
function summary(n: NotificationView): string {
  const p = n.payload as Record<string, unknown>;
  const s = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : '');
  switch (n.type) {
    case 'game_invite':
      return `${s('from')} invites you to a match: pongctl play --accept ${s('from')}`;
    case 'friend_request':
      return `${s('from')} asks to be your friend: pongctl friends accept ${s('from')}`;
    case 'friend_accept':
      return `${s('from')} accepted your friend request`;
    case 'tournament_match_ready':
      return `${s('title')}: you play ${s('opponentAlias')} (${s('opponent')}) before ${s('joinBy').slice(0, 19)}: pongctl play --tournament ${s('tournamentId')}`;
    case 'message': {
      const from = p.from as { username?: string } | undefined;
      return `a message from ${from?.username ?? 'someone'} while you were away`;
    }
    default:
      return [s('title'), s('body')].filter(Boolean).join(': ');
  }
}

const columns = [
  { header: 'ID', value: (n: NotificationView) => n.id },
  { header: 'WHEN', value: (n: NotificationView) => n.createdAt.slice(0, 19).replace('T', ' ') },
  { header: 'TYPE', value: (n: NotificationView) => n.type },
  { header: '', value: (n: NotificationView) => (n.readAt ? '' : 'new') },
  { header: 'WHAT', value: summary },
];

interface ListOptions {
  unread?: boolean;
  limit?: string;
  all?: boolean;
}

async function list(ctx: CliContext, o: ListOptions): Promise<void> {
  const { collect, pageSize, tellWhatIsLeft } = await import('../pages.ts');
  const { withSession } = await import('../session.ts');
  let unread = 0;
  const list = await withSession(ctx, (client) =>
    collect(async (cursor) => {
      const page = await client.call('notifications.list', {
        query: { unread: Boolean(o.unread), limit: pageSize(o.limit, { fallback: 20 }), cursor },
      });
      unread = page.meta.unreadCount;
      return page;
    }, o),
  );
  await ctx.io.print(list.rows, columns);
  tellWhatIsLeft(ctx.io, list);
  if (ctx.io.format === 'table') ctx.io.info(`${unread} unread`);
}

async function read(ctx: CliContext, ids: string[], o: { all?: boolean }): Promise<void> {
  const { AppError } = await import('../../api/contract/errors.ts');
  if (ids.length > 0 === Boolean(o.all))
    throw new AppError('VALIDATION', 'give notification ids or --all (one of them)');
  const { withSession } = await import('../session.ts');
  const { data } = await withSession(ctx, (client) =>
    client.call('notifications.read', { body: o.all ? { all: true } : { ids } }),
  );
  if (ctx.io.format !== 'table') return ctx.io.print(data, []);
  ctx.io.success(`${data.updated} marked read; ${data.unreadCount} unread`);
}

export function registerNotifications(program: Command, run: CommandRunner): void {
  const n = program
    .command('notifications')
    .description('your notifications: invites, friend requests, tournament calls; mark them read');
  n.command('list', { isDefault: true })
    .description('newest first, with the command that answers each')
    .option('--unread', 'only unread ones')
    .option('--limit <n>', 'page size (1-100)')
    .option('--all', 'follow every page')
    .action(run((ctx, o: ListOptions) => list(ctx, o)));
  n.command('read [ids...]')
    .description('mark notifications read: by id, or --all')
    .option('--all', 'every notification')
    .action(run((ctx, ids: string[], o: { all?: boolean }) => read(ctx, ids, o)));
}
