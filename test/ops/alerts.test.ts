// Alert rules as code, offline: promtool check and unit tests, amtool config
// and routing tests, our policy (failing on bad rules), rendering receivers
// from the environment, and `alerts add` producing files promtool accepts.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { renderAlertmanagerConfig } from '../../ops/alertmanager/render.ts';
import { lintAlerts, testAlerts } from '../../ops/prometheus/check.ts';
import { opsPaths } from '../../ops/prometheus/paths.ts';
import { runTool } from '../../ops/prometheus/promtool.ts';
import { flattenAlerts, loadRuleFiles } from '../../ops/prometheus/rule-files.ts';
import { runbookAnchors } from '../../ops/prometheus/policy.ts';
import { runCli } from '../support/cli.ts';
import { requireTools } from './tools.ts';

function copyOps(): { root: string; paths: typeof opsPaths } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pongctl-rules-'));
  cpSync(opsPaths.rulesDir, path.join(root, 'rules'), { recursive: true });
  cpSync(opsPaths.testsDir, path.join(root, 'tests'), { recursive: true });
  return {
    root,
    paths: { ...opsPaths, rulesDir: path.join(root, 'rules'), testsDir: path.join(root, 'tests') },
  };
}

const badRule = `groups:
  - name: bad
    rules:
      - alert: users_by_email
        expr: sum by (email) (rate(http_requests_totl[5m])) > 1
        labels:
          severity: page
          user_id: "{{ $labels.user_id }}"
        annotations:
          summary: no runbook here
`;

describe('alert rules (promtool, amtool, policy)', function () {
  this.timeout(60_000);
  let tools: Record<string, string>;
  before(function () {
    tools = requireTools(this, ['promtool', 'amtool']);
  });

  it('pass promtool check rules --lint-fatal and our policy', async () => {
    const report = await lintAlerts(opsPaths, process.env.PATH);
    assert.deepEqual(report.problems, []);
    assert.equal(report.promtool.code, 0, report.promtool.stderr);
  });

  it('pass their promtool unit tests, amtool check-config and every routing test', async () => {
    const report = await testAlerts(opsPaths, process.env.PATH);
    assert.equal(report.promtool.code, 0, report.promtool.stdout + report.promtool.stderr);
    assert.equal(report.amtoolCheck.code, 0, report.amtoolCheck.stdout + report.amtoolCheck.stderr);
    assert.ok(report.routes.length >= 5);
    for (const r of report.routes) assert.ok(r.ok, `${JSON.stringify(r.labels)}: ${r.output}`);
  });

  it('every alert the runbook promises exists, has a runbook section and a firing test', () => {
    const names = new Set(flattenAlerts(loadRuleFiles(opsPaths.rulesDir)).map((a) => a.alert));
    for (const name of [
      'ApiDown',
      'ApiErrorBudgetBurnFast',
      'ApiErrorBudgetBurnMedium',
      'ApiErrorBudgetBurnSlow',
      'ApiLatencyP95High',
      'GameTickLate',
      'GameResultsPending',
      'MatchTakeover',
      'InstanceLeaseLost',
      'MatchesServerLost',
      'GameRelaySlow',
      'MatchmakingQueueTooOld',
      'TournamentRoundStalled',
      'WebSocketDisconnectSpike',
      'AuthFailureSpike',
      'PostgresDown',
      'PostgresConnectionsNearLimit',
      'PostgresDeadlocks',
      'PostgresLongTransaction',
      'PostgresReplicationLag',
      'ApiMemoryHigh',
      'ApiEventLoopLagHigh',
      'LogShippingFailing',
    ]) {
      assert.ok(names.has(name), `missing alert ${name}`);
    }
    const anchors = runbookAnchors(readFileSync(opsPaths.runbook, 'utf8'));
    for (const name of names)
      assert.ok(anchors.has(name.toLowerCase()), `no runbook section for ${name}`);
  });

  it('a routing test fails when the receiver is wrong (amtool exits 1)', async () => {
    const run = await runTool(tools.amtool!, [
      'config',
      'routes',
      'test',
      `--config.file=${opsPaths.alertmanagerConfig}`,
      '--verify.receivers=info',
      'severity=critical',
    ]);
    assert.equal(run.code, 1);
  });

  it('a broken unit test fails promtool test rules', async () => {
    const { root, paths } = copyOps();
    try {
      const file = path.join(paths.testsDir, 'api.test.yml');
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace("values: '1 1 0 0 0 0 0'", "values: '1 1 1 1 1 1 1'"),
      );
      const report = await testAlerts(paths, process.env.PATH);
      assert.equal(report.ok, false);
      assert.match(report.promtool.stdout + report.promtool.stderr, /ApiDown/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('policy lint names every problem of a bad rule file', async () => {
    const { root, paths } = copyOps();
    try {
      writeFileSync(path.join(paths.rulesDir, 'bad.yml'), badRule);
      const report = await lintAlerts(paths, process.env.PATH);
      assert.equal(report.ok, false);
      const messages = report.problems
        .filter((p) => p.rule === 'users_by_email')
        .map((p) => p.message)
        .join('\n');
      for (const expected of [
        /UpperCamelCase/,
        /needs a `for`/,
        /severity must be one of/,
        /annotations.description is required/,
        /annotations.runbook_url is required/,
        /label user_id could carry personal data/,
        /grouping by email could carry personal data/,
        /metric http_requests_totl is not in the metric contract/,
        /no promtool test/,
      ]) {
        assert.match(messages, expected);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('pongctl alerts lint exits 1 on a bad rule file and 0 on the committed ones', async () => {
    const { root, paths } = copyOps();
    try {
      const good = await runCli([
        'alerts',
        'lint',
        '--rules',
        paths.rulesDir,
        '--tests',
        paths.testsDir,
        '-o',
        'json',
      ]);
      assert.equal(good.code, 0, good.stderr);
      writeFileSync(path.join(paths.rulesDir, 'bad.yml'), badRule);
      const bad = await runCli([
        'alerts',
        'lint',
        '--rules',
        paths.rulesDir,
        '--tests',
        paths.testsDir,
        '-o',
        'json',
      ]);
      assert.equal(bad.code, 1);
      assert.ok((JSON.parse(bad.stdout) as { problems: unknown[] }).problems.length >= 9);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('alerts add appends a rule and a test skeleton that promtool accepts, and lint then asks for a firing test', async () => {
    const { root, paths } = copyOps();
    try {
      const args = [
        'alerts',
        'add',
        '--rules',
        paths.rulesDir,
        '--tests',
        paths.testsDir,
        '--name',
        'ChatFloodHigh',
        '--expr',
        'sum(rate(ws_messages_total{direction="in"}[5m])) > 1000',
        '--for',
        '5m',
        '--severity',
        'warning',
        '--component',
        'realtime',
        '--summary',
        'Chat flood',
        '--description',
        'Too many messages',
        '--file',
        'realtime.yml',
        '--group',
        'realtime',
      ];
      const added = await runCli(args);
      assert.equal(added.code, 0, added.stderr);
      const text = readFileSync(path.join(paths.rulesDir, 'realtime.yml'), 'utf8');
      assert.match(text, /# A spike: abnormal closes/, 'comments of the file are kept');
      const rule = flattenAlerts(loadRuleFiles(paths.rulesDir)).find(
        (a) => a.alert === 'ChatFloodHigh',
      );
      assert.equal(rule?.for, '5m');
      assert.equal(rule?.labels?.severity, 'warning');
      const promtool = await runTool(tools.promtool!, ['test', 'rules', 'realtime.test.yml'], {
        cwd: paths.testsDir,
      });
      assert.equal(promtool.code, 0, promtool.stdout);
      const lint = await lintAlerts(paths, process.env.PATH);
      assert.deepEqual(
        lint.problems
          .filter((p) => p.rule === 'ChatFloodHigh')
          .map((p) => p.message)
          .sort(),
        [
          'no promtool test expects this alert to fire',
          'runbook_url anchor #chatfloodhigh has no section in ops/RUNBOOK.md',
        ],
      );
      const again = await runCli(args);
      assert.equal(again.code, 5, 'adding the same alert twice is a conflict');
      const missing = await runCli(['alerts', 'add', '--rules', paths.rulesDir, '--name', 'X']);
      assert.equal(missing.code, 2, 'without a terminal, missing flags are a usage error');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('alertmanager config rendering', () => {
  const committed = readFileSync(opsPaths.alertmanagerConfig, 'utf8');

  it('keeps secrets out of the committed file and adds integrations from the environment', () => {
    assert.doesNotMatch(committed, /hooks\.slack|smtp_auth_password|url:/);
    const rendered = parse(
      renderAlertmanagerConfig(committed, {
        ALERTMANAGER_WEBHOOK_URL: 'http://hook.example:9000/alerts',
        ALERTMANAGER_SLACK_API_URL: 'https://hooks.slack.example/T/B/secret',
        PATH: '/usr/bin',
      }),
    ) as { receivers: Record<string, unknown>[]; route: unknown };
    const byName = Object.fromEntries(rendered.receivers.map((r) => [r.name, r]));
    assert.deepEqual(byName.critical!.webhook_configs, [
      { url: 'http://hook.example:9000/alerts', send_resolved: true },
    ]);
    assert.equal(
      (byName.critical!.slack_configs as { api_url: string }[])[0]!.api_url,
      'https://hooks.slack.example/T/B/secret',
    );
    assert.equal(byName.info!.slack_configs, undefined, 'info does not go to Slack');
    assert.equal(
      byName.critical!.email_configs,
      undefined,
      'no email without ALERTMANAGER_EMAIL_TO',
    );
    assert.deepEqual(rendered.route, (parse(committed) as { route: unknown }).route);
  });

  it('refuses incomplete or malformed settings, naming the variable', () => {
    assert.throws(
      () => renderAlertmanagerConfig(committed, { ALERTMANAGER_EMAIL_TO: 'a@b.c' }),
      (err: { details: { variable: string }[] }) =>
        err.details[0]!.variable === 'ALERTMANAGER_SMTP_SMARTHOST',
    );
    assert.throws(
      () => renderAlertmanagerConfig(committed, { ALERTMANAGER_WEBHOOK_URL: 'not a url' }),
      /Invalid Alertmanager settings/,
    );
  });

  it('pongctl alerts render writes the file mode 0600', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pongctl-amr-'));
    try {
      const out = path.join(dir, 'alertmanager.yml');
      const res = await runCli(['alerts', 'render', '--out', out], {
        env: { ALERTMANAGER_WEBHOOK_URL: 'http://127.0.0.1:9/x' },
      });
      assert.equal(res.code, 0, res.stderr);
      assert.equal(statSync(out).mode & 0o777, 0o600);
      assert.match(readFileSync(out, 'utf8'), /http:\/\/127\.0\.0\.1:9\/x/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
