/** `pongctl digest weekly`: notify opted-in players whose weekly stats got better or worse; safe to re-run (once per week). */
import type { Command } from 'commander';
import type { CommandRunner } from '../command-runner.ts';

export function registerDigest(program: Command, run: CommandRunner): void {
  const digest = program
    .command('digest')
    .description('stats digests for players who opted in (admin)');
  digest
    .command('weekly')
    .description(
      'compare the last full week (Mon-Sun, UTC) with the one before and notify; idempotent per week, cron-safe',
    )
    .option('--dry-run', 'only report what would be sent')
    .action(
      run(async (ctx, o: { dryRun?: boolean }) => {
        const { withSession } = await import('../session.ts');
        const result = (
          await withSession(ctx, (client) =>
            client.call('admin.digestWeekly', { body: { dryRun: Boolean(o.dryRun) } }),
          )
        ).data;
        ctx.io.info(
          `Week of ${result.weekStart}: ${result.optedIn} opted in, ${result.sent} sent, ${result.alreadySent} already sent, ${result.unchanged} unchanged${result.dryRun ? ' (dry run)' : ''}`,
        );
        await ctx.io.print(result.items, [
          { header: 'PLAYER', value: (i) => i.username },
          { header: 'TREND', value: (i) => i.trend },
          {
            header: 'LAST WEEK',
            value: (i) => `${i.thisWeek.matches} matches, ${Math.round(i.thisWeek.winRate * 100)}%`,
          },
          {
            header: 'WEEK BEFORE',
            value: (i) => `${i.lastWeek.matches} matches, ${Math.round(i.lastWeek.winRate * 100)}%`,
          },
          { header: 'SENT', value: (i) => (i.sent ? 'yes' : 'no') },
        ]);
      }),
    );
}
