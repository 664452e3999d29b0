/** `pongctl tokens create|list|revoke`: personal access tokens for scripts and CI (use them as PONGCTL_TOKEN). */
import type { Command } from 'commander';
import type { CommandRunner } from '../command-runner.ts';

type Token = {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
};

export function registerTokens(program: Command, run: CommandRunner): void {
  const tokens = program.command('tokens').description('personal access tokens for scripts and CI');
  tokens
    .command('create <name>')
    .description('create a token; it is printed once')
    .option('--expires-in-days <days>', 'lifetime in days (default: no expiry)')
    .action(
      run(async (ctx, name: string, o: { expiresInDays?: string }) => {
        const { withSession } = await import('../session.ts');
        const expiresInDays = o.expiresInDays === undefined ? undefined : Number(o.expiresInDays);
        const result = await withSession(ctx, (client) =>
          client.call('me.tokensCreate', { body: { name, expiresInDays } }),
        );
        // Only an explicit -o gets the object: `tokens create x > token.txt` must hold just the token.
        if (ctx.io.options.format && ctx.io.options.format !== 'table')
          return ctx.io.print(result.data, []);
        ctx.io.info(
          `Token ${name} created${result.data.expiresAt ? `, expires ${result.data.expiresAt}` : ''}. Store it now: it is not shown again.`,
        );
        ctx.io.out(result.data.token);
      }),
    );
  tokens
    .command('list')
    .description('list your tokens')
    .action(
      run(async (ctx) => {
        const { withSession } = await import('../session.ts');
        const { collect } = await import('../pages.ts');
        const { rows } = await withSession(ctx, (client) =>
          collect((cursor) => client.call('me.tokensList', { query: { limit: 100, cursor } }), {
            all: true,
          }),
        );
        await ctx.io.print<Token>(rows, [
          { header: 'ID', value: (t) => t.id },
          { header: 'NAME', value: (t) => t.name },
          { header: 'PREFIX', value: (t) => `${t.prefix}…` },
          { header: 'EXPIRES', value: (t) => t.expiresAt ?? 'never' },
          { header: 'LAST USED', value: (t) => t.lastUsedAt ?? 'never' },
        ]);
      }),
    );
  tokens
    .command('revoke <id>')
    .description('revoke a token by id')
    .action(
      run(async (ctx, id: string) => {
        const { withSession } = await import('../session.ts');
        await withSession(ctx, (client) => client.call('me.tokensRevoke', { params: { id } }));
        ctx.io.success(`revoked ${id}`);
      }),
    );
}
