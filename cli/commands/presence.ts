/** `pongctl presence`: who is online across every API instance, and the counts (admin). */
import type { Command } from 'commander';
import type { CommandRunner } from '../command-runner.ts';

interface PresenceOptions {
  limit?: string;
  all?: boolean;
}

type Online = { username: string; status: 'online' | 'in_game'; sockets: number };

export function registerPresence(program: Command, run: CommandRunner): void {
  program
    .command('presence')
    .description('who is online (and in a game) across every API instance, with counts (admin)')
    .option('--limit <n>', 'users per page (1-1000)', '100')
    .option('--all', 'follow every page')
    .action(
      run(async (ctx, o: PresenceOptions) => {
        const { withSession } = await import('../session.ts');
        const limit = Number(o.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
          const { AppError } = await import('../../api/contract/errors.ts');
          throw new AppError('VALIDATION', '--limit must be an integer from 1 to 1000');
        }
        const result = await withSession(ctx, async (client) => {
          const first = await client.call('admin.presence', { query: { limit } });
          const users = [...first.data.users];
          let cursor = first.meta.nextCursor;
          while (o.all && cursor) {
            const page = await client.call('admin.presence', { query: { limit, cursor } });
            users.push(...page.data.users);
            cursor = page.meta.nextCursor;
          }
          return { counts: first.data.counts, users, more: cursor !== null };
        });
        if (ctx.io.format !== 'table')
          return ctx.io.print({ counts: result.counts, users: result.users }, []);
        const { online, inGame, sockets } = result.counts;
        ctx.io.info(
          `${online} online (${inGame} in a game), ${sockets} sockets${result.more ? ' — more with --all' : ''}`,
        );
        await ctx.io.print<Online>(result.users, [
          { header: 'USER', value: (u) => u.username },
          { header: 'STATUS', value: (u) => u.status },
          { header: 'SOCKETS', value: (u) => u.sockets },
        ]);
      }),
    );
}
