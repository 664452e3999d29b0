/**
 * `pongctl grafana ...`: dashboards and data sources as code. Registration
 * only; every verb imports its module inside the action.
 */
import { Option, type Command } from 'commander';
import type { CommandRunner } from '../../command-runner.ts';

const urlOption = () => new Option('--url <url>', 'Grafana base URL (env PONGCTL_GRAFANA_URL)');
const tokenOptions = (cmd: Command) =>
  cmd
    .addOption(urlOption())
    .option(
      '--token-stdin',
      'read the service-account token from stdin (else env PONGCTL_GRAFANA_TOKEN)',
    )
    .option('--token-file <file>', 'read the service-account token from a file');

export function registerGrafana(program: Command, run: CommandRunner): void {
  const grafana = program
    .command('grafana')
    .description('Grafana dashboards and data sources as code: render, lint, diff, apply, export');

  grafana
    .command('render')
    .description(
      'write ops/grafana/dashboards/*.json and the provisioning files from the TypeScript sources',
    )
    .option('--check', 'write nothing; exit 1 when the committed files are stale')
    .action(run(async (ctx, opts) => (await import('./files.ts')).render(ctx, opts)));

  grafana
    .command('lint')
    .description(
      'JSON Schema and semantic checks of the dashboards (uids, refIds, grid, data sources, metrics, SQL)',
    )
    .action(run(async (ctx) => (await import('./files.ts')).lint(ctx)));

  tokenOptions(
    grafana
      .command('diff')
      .description(
        'compare desired folder, data sources and dashboards with Grafana (exit 0 same, 1 different)',
      ),
  )
    .option('--prune', 'also show managed objects Grafana has that are not desired')
    .action(run(async (ctx, opts) => (await import('./live.ts')).diff(ctx, opts)));

  tokenOptions(
    grafana
      .command('apply')
      .description('upsert the folder, data sources and dashboards by uid, then verify'),
  )
    .option('--prune', 'delete managed objects that are not desired')
    .option('--dry-run', 'print the plan, change nothing')
    .option('--force', 'overwrite dashboards changed in Grafana since they were read')
    .action(run(async (ctx, opts) => (await import('./live.ts')).apply(ctx, opts)));

  tokenOptions(
    grafana
      .command('export <uid>')
      .description('print a live dashboard as the JSON pongctl would commit (no id, no version)'),
  ).action(
    run(async (ctx, uid: string, opts) =>
      (await import('./live.ts')).exportDashboard(ctx, uid, opts),
    ),
  );

  const token = grafana.command('token').description('service-account tokens for automation');
  token
    .command('create')
    .description(
      'create (or reuse) a service account with the Admin role and print a new token; the admin password comes from stdin or GF_SECURITY_ADMIN_PASSWORD',
    )
    .addOption(urlOption())
    .option('--admin-user <name>', 'Grafana admin user', 'admin')
    .option('--password-stdin', 'read the admin password from stdin')
    .option('--account <name>', 'service account name', 'pongctl')
    .option('--token-name <name>', 'token name (unique per account)')
    .option('--expires-in <seconds>', 'token lifetime in seconds (0: never)', '0')
    .action(run(async (ctx, opts) => (await import('./live.ts')).createToken(ctx, opts)));
}
