/**
 * `pongctl kibana render|lint|diff|apply [--space]`: the data view, saved
 * searches and dashboards built in ops/kibana/objects.ts, rendered to the
 * committed ops/kibana/saved-objects.ndjson and provisioned through the saved
 * objects API. Verbs live in cli/commands/kibana/saved-objects.ts, imported lazily.
 */
import type { Command } from 'commander';
import type { CommandRunner } from '../command-runner.ts';

const connectionHelp = `
Connection (flag, then environment, then profile; falls back to the Elasticsearch credentials):
  --kibana-url     PONGCTL_KIBANA_URL       Kibana URL
  (API key)        PONGCTL_KIBANA_API_KEY   encoded Elasticsearch API key
  --kibana-user    PONGCTL_KIBANA_USER      user, with PONGCTL_KIBANA_PASSWORD or --kibana-password-stdin
  --kibana-ca      PONGCTL_KIBANA_CA        CA certificate file (PEM)
  --space          PONGCTL_KIBANA_SPACE     Kibana space (default: the default space)`;

export function registerKibana(program: Command, run: CommandRunner): void {
  const kibana = program
    .command('kibana')
    .description('provision Kibana data views, saved searches and dashboards for the logs')
    .option('--kibana-url <url>', 'Kibana URL (env PONGCTL_KIBANA_URL)')
    .option('--kibana-user <name>', 'basic-auth user (env PONGCTL_KIBANA_USER)')
    .option('--kibana-password-stdin', 'read the basic-auth password from stdin')
    .option('--kibana-ca <file>', 'CA certificate file (env PONGCTL_KIBANA_CA)')
    .addHelpText('after', connectionHelp);
  const verbs = () => import('./kibana/saved-objects.ts');
  kibana
    .command('render')
    .description('write ops/kibana/saved-objects.ndjson from the TypeScript definitions')
    .option('--out <file>', 'write here instead ("-" for stdout)')
    .option('--check', 'exit 1 when the committed file is stale instead of writing')
    .action(run(async (ctx, o) => (await verbs()).render(ctx, o)));
  kibana
    .command('lint')
    .description('check the saved objects offline (references, fields, KQL, layout)')
    .action(run(async (ctx) => (await verbs()).lint(ctx)));
  kibana
    .command('diff')
    .description('compare with an export of the live objects (exit 0 same, 1 different, >1 error)')
    .option('--space <id>', 'Kibana space (env PONGCTL_KIBANA_SPACE)')
    .action(run(async (ctx, o) => (await verbs()).diff(ctx, o)));
  kibana
    .command('apply')
    .description('import what differs with overwrite; fails when Kibana refuses any object')
    .option('--space <id>', 'Kibana space (env PONGCTL_KIBANA_SPACE)')
    .action(run(async (ctx, o) => (await verbs()).apply(ctx, o)));
}
