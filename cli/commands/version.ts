/** `pongctl version`: the CLI's version, Node's, and the API's when it answers. */
import type { Command } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import type { CommandRunner } from '../command-runner.ts';

export function registerVersion(program: Command, run: CommandRunner): void {
  program
    .command('version')
    .description('print the CLI, Node.js and API versions')
    .action(
      run(async (ctx) => {
        const { clientFor } = await import('../client.ts');
        let api: string | null = null;
        try {
          const ready = await clientFor(ctx).call('system.readyz');
          api = ready.data.version;
        } catch (err) {
          ctx.io.debug(`API not reachable: ${(err as Error).message}`);
        }
        await ctx.io.printRecord({
          pongctl: pkg.version,
          node: process.versions.node,
          api: api ?? 'unreachable',
          apiUrl: ctx.apiUrl,
        });
      }),
    );
}
