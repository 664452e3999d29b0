/** `pongctl chat purge|tail`: chat moderation through the API (purge) and a live view of a channel over the WebSocket (tail). */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import type { CommandRunner } from '../command-runner.ts';

async function purge(
  ctx: CliContext,
  username: string,
  o: { yes?: boolean },
): Promise<number | void> {
  const { confirmed } = await import('../prompt.ts');
  const question = `Delete every message ${username} wrote? This cannot be undone.`;
  if (!(await confirmed(ctx.io, o, question))) return 1;
  const { withSession } = await import('../session.ts');
  const result = await withSession(ctx, (client) =>
    client.call('admin.chatPurge', { params: { username } }),
  );
  if (ctx.io.format !== 'table') return ctx.io.print(result.data, []);
  ctx.io.success(
    `purged ${result.data.purged} messages of ${result.data.username} in ${result.data.batches} batches`,
  );
}

export function registerChat(program: Command, run: CommandRunner): void {
  const chat = program
    .command('chat')
    .description('chat moderation: purge a user’s messages, follow a channel live');
  chat
    .command('purge <user>')
    .description('delete every message a user wrote (moderator; needs --yes when not interactive)')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(run((ctx, u: string, o: { yes?: boolean }) => purge(ctx, u, o)));
  chat
    .command('tail')
    .description(
      'follow a channel live over the WebSocket ("time user: body" lines; -o json: one JSON object per line); Ctrl-C stops',
    )
    .option('--channel <name>', 'channel to follow', 'world')
    .action(
      run(async (ctx, o: { channel: string }) => {
        const { tail } = await import('./chat/tail.ts');
        return tail(ctx, o.channel);
      }),
    );
}
