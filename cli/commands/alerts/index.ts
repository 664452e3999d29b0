/**
 * `pongctl alerts ...`: Prometheus alert rules and Alertmanager as code.
 * Registration only; every verb imports its module (and yaml, zod, fetch
 * clients) inside its action.
 */
import { Option, type Command } from 'commander';
import type { CommandRunner } from '../../command-runner.ts';

const prometheusOption = () =>
  new Option('--prometheus <url>', 'Prometheus base URL (env PONGCTL_PROMETHEUS_URL)');
const rulesDirOption = () =>
  new Option(
    '--rules-dir <dir>',
    "Prometheus's rules directory to write (env PONGCTL_PROMETHEUS_RULES_DIR)",
  );
const sourceOption = () =>
  new Option('--rules <dir>', 'desired rule files (default ops/prometheus/rules)');
const testsOption = () =>
  new Option('--tests <dir>', 'promtool test files (default ops/prometheus/tests)');

export function registerAlerts(program: Command, run: CommandRunner): void {
  const alerts = program
    .command('alerts')
    .description(
      'Prometheus alert rules and Alertmanager: list, lint, test, add, diff, apply, silence',
    );

  alerts
    .command('list')
    .description(
      'alert rules from the files, or with --live their state in Prometheus (firing first)',
    )
    .option('--live', 'ask Prometheus (/api/v1/rules and /api/v1/alerts)')
    .addOption(prometheusOption())
    .addOption(sourceOption())
    .action(run(async (ctx, opts) => (await import('./list.ts')).listAlerts(ctx, opts)));

  alerts
    .command('lint')
    .description(
      'promtool check rules plus policy: labels, annotations, for, no personal data, known metrics, runbook, tests',
    )
    .addOption(sourceOption())
    .addOption(testsOption())
    .action(run(async (ctx, opts) => (await import('./check.ts')).lint(ctx, opts)));

  alerts
    .command('test')
    .description('promtool unit tests, amtool check-config and Alertmanager routing tests')
    .addOption(testsOption())
    .action(run(async (ctx, opts) => (await import('./check.ts')).test(ctx, opts)));

  alerts
    .command('add')
    .description(
      'append an alert rule and a test skeleton (a wizard on a terminal, flags otherwise)',
    )
    .option('--name <Name>', 'alert name, UpperCamelCase')
    .option('--expr <promql>', 'PromQL expression')
    .option('--for <duration>', 'hold time, e.g. 5m')
    .addOption(new Option('--severity <level>').choices(['critical', 'warning', 'info']))
    .option('--component <name>', 'component label, e.g. api')
    .option('--summary <text>')
    .option('--description <text>')
    .option('--file <name.yml>', 'rule file inside the rules directory')
    .option('--group <name>', 'rule group inside the file')
    .addOption(sourceOption())
    .addOption(testsOption())
    .action(run(async (ctx, opts) => (await import('./add.ts')).add(ctx, opts)));

  alerts
    .command('diff')
    .description(
      'compare the desired rules with --rules-dir and with what Prometheus loaded (exit 0 same, 1 different)',
    )
    .addOption(prometheusOption())
    .addOption(rulesDirOption())
    .option('--prune', 'also count files that are not desired')
    .addOption(sourceOption())
    .action(run(async (ctx, opts) => (await import('./apply.ts')).diff(ctx, opts)));

  alerts
    .command('apply')
    .description('write the rule files, reload Prometheus and verify it loaded them')
    .addOption(prometheusOption())
    .addOption(rulesDirOption())
    .option('--prune', 'delete rule files that are not desired')
    .option('--dry-run', 'print the plan, change nothing')
    .addOption(sourceOption())
    .action(run(async (ctx, opts) => (await import('./apply.ts')).apply(ctx, opts)));

  alerts
    .command('render')
    .description(
      'write the Alertmanager config with receivers from ALERTMANAGER_* variables (mode 0600)',
    )
    .requiredOption('--out <file>', 'where to write alertmanager.yml')
    .action(run(async (ctx, opts) => (await import('./apply.ts')).render(ctx, opts)));

  const silence = alerts.command('silence').description('Alertmanager silences (API v2)');
  const amOption = () =>
    new Option('--alertmanager <url>', 'Alertmanager base URL (env PONGCTL_ALERTMANAGER_URL)');
  silence
    .command('create')
    .description('silence alerts matching every --matcher for --duration')
    .addOption(amOption())
    .option('-m, --matcher <matcher...>', 'label matcher, e.g. alertname=ApiDown (repeatable)')
    .option('-d, --duration <duration>', 'how long, e.g. 2h', '1h')
    .option('-c, --comment <text>', 'why (required)')
    .option('--author <name>', 'who (default $USER)')
    .action(run(async (ctx, opts) => (await import('./silence.ts')).create(ctx, opts)));
  silence
    .command('list')
    .description('active and pending silences (--all adds expired ones)')
    .addOption(amOption())
    .option('--all', 'include expired silences')
    .action(run(async (ctx, opts) => (await import('./silence.ts')).list(ctx, opts)));
  silence
    .command('expire <id...>')
    .description('end silences now')
    .addOption(amOption())
    .action(
      run(async (ctx, ids: string[], opts) =>
        (await import('./silence.ts')).expire(ctx, ids, opts),
      ),
    );
}
