/** `pongctl nginx render`: the nginx configuration for several API instances (ops/nginx/render.ts). */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../../api/contract/errors.ts';
import type { CommandRunner } from '../command-runner.ts';

interface RenderOptions {
  upstream: string[];
  listen: string;
  accessLog: string;
  out?: string;
}

const flagOf: Record<string, string> = {
  upstreams: '--upstream',
  listen: '--listen',
  accessLog: '--access-log',
};

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerNginx(program: Command, run: CommandRunner): void {
  const nginx = program
    .command('nginx')
    .description('nginx in front of several API instances: render its configuration');
  nginx
    .command('render')
    .description('write a complete nginx configuration (stdout, or --out FILE)')
    .option('--upstream <host:port>', 'an API instance (repeat for each)', collect, [])
    .option('--listen <addr:port>', 'where nginx listens', '0.0.0.0:8080')
    .option('--access-log <file>', 'where nginx writes its access log', '/var/log/nginx/access.log')
    .option('--out <file>', 'write the configuration to this file instead of stdout')
    .action(
      run(async (ctx, opts: RenderOptions) => {
        const { renderNginxConfig, nginxRenderSchema } = await import('../../ops/nginx/render.ts');
        const input = nginxRenderSchema.safeParse({
          upstreams: opts.upstream,
          listen: opts.listen,
          accessLog: opts.accessLog,
        });
        if (!input.success)
          throw new AppError(
            'VALIDATION',
            'The nginx options are not valid',
            input.error.issues.map((i) => ({
              path: flagOf[String(i.path[0])] ?? '--upstream',
              message: i.message,
            })),
          );
        const text = renderNginxConfig(input.data);
        if (!opts.out) return void ctx.io.out(text.trimEnd());
        writeFileSync(opts.out, text);
        ctx.io.info(`wrote ${opts.out} (${input.data.upstreams.length} upstreams)`);
      }),
    );
}
