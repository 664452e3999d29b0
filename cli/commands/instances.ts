/** `pongctl instances`: the API instances of a deployment, with the matches each steps (admin). */
import type { Command } from 'commander';
import type { InstanceView } from '../../api/contract/instances.ts';
import type { CommandRunner } from '../command-runner.ts';

export function registerInstances(program: Command, run: CommandRunner): void {
  program
    .command('instances')
    .description('list the live API instances with their matches, sockets and lease age (admin)')
    .action(
      run(async (ctx) => {
        const { withSession } = await import('../session.ts');
        const { data } = await withSession(ctx, (client) => client.call('admin.instances', {}));
        if (ctx.io.format === 'table')
          ctx.io.info(
            `${data.length} instance${data.length === 1 ? '' : 's'}, ${data.reduce((n, i) => n + i.matches.length, 0)} live matches`,
          );
        await ctx.io.print<InstanceView>(data, [
          { header: 'INSTANCE', value: (i) => (i.self ? `${i.id} *` : i.id) },
          { header: 'MATCHES', value: (i) => i.matches.length },
          { header: 'SOCKETS', value: (i) => i.sockets },
          { header: 'LEASE AGE', value: (i) => `${(i.leaseAgeMs / 1000).toFixed(1)}s` },
          { header: 'STARTED', value: (i) => i.startedAt },
        ]);
      }),
    );
}
