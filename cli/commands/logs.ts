/**
 * `pongctl logs`: retention (show, diff, apply, status, render, lint), archive
 * (list, run, restore), search, and setup-security for the Elasticsearch that
 * stores the platform's logs. Verbs live in cli/commands/logs/<verb>.ts and are
 * imported inside their action, with the Elasticsearch client they load.
 */
import { Option, type Command } from 'commander';
import type { CommandRunner } from '../command-runner.ts';

export const esConnectionHelp = `
Connection (flag, then environment, then profile):
  --es-url         PONGCTL_ES_URL        Elasticsearch URL
  (API key)        PONGCTL_ES_API_KEY    encoded API key (preferred)
  --es-user        PONGCTL_ES_USER       user for basic auth, with PONGCTL_ES_PASSWORD
                                         or --es-password-stdin (never a flag)
  --es-ca          PONGCTL_ES_CA         CA certificate file (PEM)`;

function withConnection(command: Command): Command {
  return command
    .option('--es-url <url>', 'Elasticsearch URL (env PONGCTL_ES_URL)')
    .option(
      '--es-user <name>',
      'basic-auth user (env PONGCTL_ES_USER; password from PONGCTL_ES_PASSWORD or stdin)',
    )
    .option('--es-password-stdin', 'read the basic-auth password from stdin')
    .option('--es-ca <file>', 'CA certificate file (env PONGCTL_ES_CA)')
    .addHelpText('after', esConnectionHelp);
}

function registerRetention(logs: Command, run: CommandRunner): void {
  const retention = logs
    .command('retention')
    .description(
      'log retention: index templates, ILM and SLM policies from ops/elasticsearch/retention.yaml',
    );
  const spec = (c: Command) =>
    c.option('--spec <file>', 'retention spec (default ops/elasticsearch/retention.yaml)');
  const verbs = () => import('./logs/retention.ts');
  spec(
    retention
      .command('show')
      .description(
        'desired vs live per stream: policy, phases, effective retention, indices and sizes',
      ),
  ).action(run(async (ctx, o) => (await verbs()).show(ctx, o)));
  spec(
    retention
      .command('diff')
      .description('compare desired with live (exit 0 same, 1 different, >1 error)'),
  ).action(run(async (ctx, o) => (await verbs()).diff(ctx, o)));
  spec(
    retention
      .command('apply')
      .description('make the cluster match the spec, idempotently, and verify'),
  )
    .option('--confirm', 'allow changes that shorten a retention (data is deleted sooner)')
    .option('--dry-run', 'print the plan, change nothing')
    .action(run(async (ctx, o) => (await verbs()).apply(ctx, o)));
  retention
    .command('status')
    .description('ILM explain for logs-pong.*: indices in error or stuck on a step')
    .option('--retry', 'retry the failed step of indices in error')
    .addOption(
      new Option('--stuck-after <hours>', 'flag an index on one step for longer than this').default(
        '24',
      ),
    )
    .action(run(async (ctx, o) => (await verbs()).status(ctx, o)));
  spec(retention.command('render').description('write the rendered templates and policies as JSON'))
    .option('--out <dir>', 'directory to write into (default: print to stdout)')
    .action(run(async (ctx, o) => (await verbs()).render(ctx, o)));
  spec(
    retention
      .command('lint')
      .description('validate the spec offline against a target Elasticsearch version'),
  )
    .option('--target <version>', 'Elasticsearch version to check against', '9.1.0')
    .action(run(async (ctx, o) => (await verbs()).lint(ctx, o)));
}

function registerArchive(logs: Command, run: CommandRunner): void {
  const archive = logs.command('archive').description('snapshots of the log data streams (SLM)');
  const verbs = () => import('./logs/archive.ts');
  archive
    .command('list')
    .description('snapshots in the archive repository')
    .option('--spec <file>', 'retention spec')
    .action(run(async (ctx, o) => (await verbs()).list(ctx, o)));
  archive
    .command('run')
    .description('take a snapshot now with the SLM policy')
    .option('--spec <file>', 'retention spec')
    .action(run(async (ctx, o) => (await verbs()).runNow(ctx, o)));
  archive
    .command('restore <snapshot>')
    .description('restore a snapshot beside the live streams (prefixed restored-)')
    .option('--indices <list>', 'comma-separated data streams or indices (default logs-pong.*)')
    .option(
      '--rename-prefix <prefix>',
      'prefix for restored names; "" restores in place',
      'restored-',
    )
    .option('--spec <file>', 'retention spec')
    .action(run(async (ctx, snapshot: string, o) => (await verbs()).restore(ctx, snapshot, o)));
}

export function registerLogs(program: Command, run: CommandRunner): void {
  const logs = withConnection(
    program
      .command('logs')
      .description('search, retain, archive and secure the platform logs in Elasticsearch'),
  );
  registerRetention(logs, run);
  registerArchive(logs, run);
  logs
    .command('search [query]')
    .description('query logs from the terminal, newest last')
    .option('--since <age>', 'how far back: 15m, 1h, 7d', '1h')
    .addOption(
      new Option('--level <level>', 'minimum level').choices([
        'trace',
        'debug',
        'info',
        'warn',
        'error',
        'fatal',
      ]),
    )
    .option('--dataset <name>', 'only this dataset, e.g. pong.api, pong.audit, pong.game')
    .option('-n, --limit <n>', 'lines to show', '100')
    .option('-f, --follow', 'keep polling for new lines, like tail -f')
    .option('--interval <seconds>', 'poll interval for --follow', '2')
    .action(
      run(async (ctx, query: string | undefined, o) =>
        (await import('./logs/search.ts')).search(ctx, query ?? '*', o),
      ),
    );
  logs
    .command('setup-security')
    .description(
      'create the least-privilege roles and mint API keys (shipper, logstash, ops, reader); each key is printed once',
    )
    .option(
      '--keys <list>',
      'which keys to mint: shipper,logstash,ops,reader',
      'shipper,logstash,ops,reader',
    )
    .option(
      '--write-keys <dir>',
      'write each key to <dir>/<kind>.key (mode 0600) instead of printing; existing files are kept',
    )
    .action(run(async (ctx, o) => (await import('./logs/security.ts')).setupSecurity(ctx, o)));
}
