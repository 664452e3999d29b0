/** `pongctl notify broadcast <title> <body>`: a system notification to every user (admin; audited). */
import type { Command } from 'commander';
import type { CommandRunner } from '../command-runner.ts';

export function registerNotify(program: Command, run: CommandRunner): void {
  const notify = program.command('notify').description('notifications to users (admin)');
  notify
    .command('broadcast <title> <body>')
    .description(
      'send a system notification to every user; stored for all, pushed to those online (audited)',
    )
    .action(
      run(async (ctx, title: string, body: string) => {
        const { withSession } = await import('../session.ts');
        const result = await withSession(ctx, (client) =>
          client.call('admin.notificationsBroadcast', { body: { title, body } }),
        );
        if (ctx.io.format !== 'table') return ctx.io.print(result.data, []);
        const { recipients, batches, broadcastId } = result.data;
        ctx.io.success(
          `broadcast ${broadcastId} sent to ${recipients} users in ${batches} batches`,
        );
      }),
    );
}
