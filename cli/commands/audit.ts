/** `pongctl audit list`: the admin audit log, newest first. */
import type { Command } from 'commander';
import type { CommandRunner } from '../command-runner.ts';

interface AuditOptions {
  actor?: string;
  action?: string;
  since?: string;
  limit?: string;
  all?: boolean;
  cursor?: string;
}

type Entry = {
  id: string;
  actor: string;
  action: string;
  target: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  createdAt: string;
};

export function registerAudit(program: Command, run: CommandRunner): void {
  const audit = program.command('audit').description('the admin audit log (admin)');
  audit
    .command('list')
    .description('list audit entries, newest first')
    .option('--actor <username>', 'only this actor (or "system")')
    .option('--action <action>', 'only this action, e.g. user.ban')
    .option('--since <when>', 'a duration back from now (24h, 7d) or a date')
    .option('--limit <n>', 'page size (1-100)', '50')
    .option('--all', 'follow every page')
    .option('--cursor <cursor>', 'start after this cursor (printed when a list is cut short)')
    .action(
      run(async (ctx, o: AuditOptions) => {
        const { withSession } = await import('../session.ts');
        const { collect, pageSize, tellWhatIsLeft } = await import('../pages.ts');
        const { parseSince } = await import('../duration.ts');
        const since = o.since ? parseSince(o.since) : undefined;
        const limit = pageSize(o.limit, { fallback: 50 });
        const list = await withSession(ctx, (client) =>
          collect(
            (cursor) =>
              client.call('admin.auditList', {
                query: { actor: o.actor, action: o.action, since, limit, cursor },
              }),
            o,
          ),
        );
        await ctx.io.print<Entry>(list.rows, [
          { header: 'TIME', value: (e) => e.createdAt },
          { header: 'ACTOR', value: (e) => e.actor },
          { header: 'ACTION', value: (e) => e.action },
          { header: 'TARGET', value: (e) => e.target ?? '' },
          { header: 'DETAILS', value: (e) => e.details },
        ]);
        tellWhatIsLeft(ctx.io, list);
      }),
    );
}
