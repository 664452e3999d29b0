/** `pongctl db migrate|rollback|status`: schema migrations on either engine. */
import type { Command } from 'commander';
import type { Knex } from 'knex';
import type { CliContext } from '../context.ts';
import type { CommandRunner } from '../command-runner.ts';

async function withDb<T>(ctx: CliContext, fn: (db: Knex) => Promise<T>): Promise<T> {
  const { loadConfig } = await import('../../api/core/config.ts');
  const { createDb } = await import('../../api/core/db.ts');
  const config = loadConfig(ctx.env);
  const db = createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: 2 });
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

function names(list: unknown[]): string[] {
  return list.map((m) =>
    typeof m === 'string'
      ? m
      : ((m as { file?: string; name?: string }).file ?? (m as { name: string }).name),
  );
}

export function registerDb(program: Command, run: CommandRunner): void {
  const db = program
    .command('db')
    .description('manage the database schema (DATABASE_URL, or the embedded database)');

  db.command('migrate')
    .description('apply all pending migrations')
    .action(
      run(async (ctx) => {
        const [, applied] = (await withDb(ctx, (k) => k.migrate.latest())) as [number, string[]];
        if (ctx.io.format !== 'table') return ctx.io.print({ applied }, []);
        ctx.io.success(
          applied.length ? `applied ${applied.length} migration(s)` : 'already up to date',
        );
        for (const name of applied) ctx.io.out(name);
      }),
    );

  db.command('rollback')
    .description('undo the last batch of migrations')
    .option('--all', 'undo every migration')
    .action(
      run(async (ctx, options: { all?: boolean }) => {
        const [, reverted] = (await withDb(ctx, (k) =>
          k.migrate.rollback(undefined, Boolean(options.all)),
        )) as [number, string[]];
        if (ctx.io.format !== 'table') return ctx.io.print({ reverted }, []);
        ctx.io.success(
          reverted.length ? `rolled back ${reverted.length} migration(s)` : 'nothing to roll back',
        );
        for (const name of reverted) ctx.io.out(name);
      }),
    );

  db.command('status')
    .description('list migrations and whether each is applied')
    .action(
      run(async (ctx) => {
        const [done, pending] = (await withDb(ctx, (k) => k.migrate.list())) as [
          unknown[],
          unknown[],
        ];
        const rows = [
          ...names(done).map((name) => ({ name, state: 'applied' })),
          ...names(pending).map((name) => ({ name, state: 'pending' })),
        ];
        await ctx.io.print(rows, [
          { header: 'MIGRATION', value: (r) => r.name },
          { header: 'STATE', value: (r) => r.state },
        ]);
      }),
    );
}
