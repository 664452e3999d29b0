/** `pongctl serve`: runs the API in this process until SIGTERM or SIGINT. */
import type { Command } from 'commander';
import type { CommandRunner } from '../command-runner.ts';

interface ServeOptions {
  port?: string;
  host?: string;
  migrate?: boolean;
}

export function registerServe(program: Command, run: CommandRunner): void {
  program
    .command('serve')
    .description('run the API server (embedded database unless DATABASE_URL is set)')
    .option('--port <port>', 'port to listen on (env PORT, default 3000)')
    .option('--host <host>', 'address to bind (env HOST, default 127.0.0.1)')
    .option(
      '--migrate',
      'apply pending migrations to PostgreSQL first (the embedded database always migrates)',
    )
    .action(
      run(async (ctx, options: ServeOptions) => {
        const { loadConfig } = await import('../../api/core/config.ts');
        const { startServer } = await import('../../api/server.ts');
        const config = loadConfig({
          ...ctx.env,
          PORT: options.port ?? ctx.env.PORT,
          HOST: options.host ?? ctx.env.HOST,
        });
        const server = await startServer({ config, migrate: options.migrate });
        ctx.io.info(`pongctl API listening on ${server.url}`);
        ctx.io.info(`metrics on ${server.metricsUrl}/metrics`);
        await new Promise<void>((resolve) => {
          const stop = (signal: string) => {
            ctx.io.info(`${signal} received, finishing in-flight requests`);
            server.shutdown().then(resolve, resolve);
          };
          process.once('SIGTERM', () => stop('SIGTERM'));
          process.once('SIGINT', () => stop('SIGINT'));
        });
        return 0;
      }),
    );
}
