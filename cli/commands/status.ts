/** `pongctl status`: is the API up, ready, and which version does it serve. */
import type { Command } from 'commander';
import type { CommandRunner } from '../command-runner.ts';

export function registerStatus(program: Command, run: CommandRunner): void {
  program
    .command('status')
    .description("show the API's readiness, version and database")
    .action(
      run(async (ctx) => {
        const { clientFor } = await import('../client.ts');
        const client = clientFor(ctx);
        const started = performance.now();
        const ready = await client.call('system.readyz');
        const latencyMs = Math.round(performance.now() - started);
        const openapi = await client.call('system.openapi');
        const doc = openapi.data as {
          info?: { version?: string };
          paths?: Record<string, Record<string, unknown>>;
        };
        const operations = Object.values(doc.paths ?? {}).reduce(
          (n, methods) => n + Object.keys(methods).length,
          0,
        );
        await ctx.io.printRecord({
          api: ctx.apiUrl,
          status: ready.data.status,
          version: ready.data.version,
          apiVersion: doc.info?.version ?? 'unknown',
          engine: ready.data.engine,
          database: `${ready.data.checks.database.status} (${ready.data.checks.database.latencyMs} ms)`,
          operations,
          latencyMs,
        });
      }),
    );
}
