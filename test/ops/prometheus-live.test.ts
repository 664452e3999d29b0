// A real Prometheus (Debian's binary) scrapes a real API on 127.0.0.1 with 1 s
// intervals; stopping the API takes ApiDown through pending to firing; then
// `pongctl alerts apply` installs the committed rules and `alerts diff` is empty.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { prometheusClient } from '../../ops/prometheus/live.ts';
import { opsPaths } from '../../ops/prometheus/paths.ts';
import type { RuleFile } from '../../ops/prometheus/rule-files.ts';
import { runCli } from '../support/cli.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { until } from '../support/poll.ts';
import { freePort, startDaemon, type Daemon } from './processes.ts';
import { requireTools } from './tools.ts';

/**
 * The committed api.yml with ApiDown's hold shortened from 1m to 2s, so the test
 * sees pending then firing within seconds. Expression, labels and annotations are
 * the real ones; `alerts apply` later replaces the file with the committed version.
 */
function fastApiRules(): string {
  const rules = parse(readFileSync(path.join(opsPaths.rulesDir, 'api.yml'), 'utf8')) as RuleFile;
  for (const group of rules.groups)
    for (const rule of group.rules)
      if ('alert' in rule && rule.alert === 'ApiDown') rule.for = '2s';
  return stringify(rules);
}

describe('real Prometheus against a real API', function () {
  // Generous for a loaded CI machine; the test itself takes 10-20 s.
  this.timeout(120_000);
  let tools: Record<string, string>;
  let api: TestServer | undefined;
  let prometheus: Daemon | undefined;
  let dir: string;

  before(async function () {
    tools = requireTools(this, ['prometheus', 'promtool']);
    dir = mkdtempSync(path.join(os.tmpdir(), 'pongctl-prom-'));
    api = await startTestServer();
    mkdirSync(path.join(dir, 'rules'));
    writeFileSync(path.join(dir, 'rules', 'api.yml'), fastApiRules());
    writeFileSync(
      path.join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '900ms' },
        rule_files: [path.join(dir, 'rules', '*.yml')],
        scrape_configs: [
          {
            job_name: 'pongctl-api',
            static_configs: [{ targets: [new URL(api.metricsUrl).host] }],
          },
        ],
      }),
    );
    const port = await freePort();
    prometheus = await startDaemon(
      tools.prometheus!,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-lifecycle',
      ],
      `http://127.0.0.1:${port}`,
      '/-/ready',
    );
  });

  after(async () => {
    await prometheus?.stop();
    await api?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function query(
    expr: string,
  ): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const res = await fetch(`${prometheus!.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (
      (await res.json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      }
    ).data.result;
  }

  it('scrapes the API, sees ApiDown pending then firing when it stops, and applies the committed rules', async () => {
    const client = prometheusClient(prometheus!.url);
    await until('a successful scrape of the API', async () =>
      (await query('up{job="pongctl-api"} == 1')).length === 1 ? true : undefined,
    );
    await until('contract metrics in Prometheus', async () =>
      (await query('pongctl_build_info')).length > 0 ? true : undefined,
    );
    assert.equal((await query('pongctl_build_info')).length, 1);
    // promtool's exposition lint: our metrics pass; prom-client's own nodejs_*_total gauges are its naming, not ours.
    const exposition = await (await fetch(`${api!.metricsUrl}/metrics`)).text();
    const lint = await new Promise<string>((resolve, reject) => {
      const child = spawn(tools.promtool!, ['check', 'metrics'], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', () => resolve(out));
      child.stdin.end(exposition);
    });
    assert.deepEqual(
      lint.split('\n').filter((l) => l.trim() && !l.startsWith('nodejs_')),
      [],
    );
    // Pending is allowed: one slow scrape on a busy machine makes ApiDown pending for a moment.
    const firing = (await client.alerts())
      .filter((a) => a.state === 'firing')
      .map((a) => a.labels.alertname);
    assert.deepEqual(firing, [], 'nothing fires while the API is up');

    await api!.stop();
    api = undefined;
    const states: string[] = [];
    await until(
      'ApiDown firing',
      async () => {
        const alert = (await client.alerts()).find((a) => a.labels.alertname === 'ApiDown');
        if (alert && states.at(-1) !== alert.state) states.push(alert.state);
        return alert?.state === 'firing' ? alert : undefined;
      },
      20_000,
      100,
    );
    assert.deepEqual(states, ['pending', 'firing']);

    const live = await runCli([
      'alerts',
      'list',
      '--live',
      '--prometheus',
      prometheus!.url,
      '-o',
      'json',
    ]);
    assert.equal(live.code, 0, live.stderr);
    const rows = JSON.parse(live.stdout) as { alert: string; state: string }[];
    assert.deepEqual(
      rows[0],
      { ...rows[0], alert: 'ApiDown', state: 'firing' },
      'firing alerts come first',
    );

    const rulesDir = path.join(dir, 'rules');
    const before = await runCli([
      'alerts',
      'diff',
      '--prometheus',
      prometheus!.url,
      '--rules-dir',
      rulesDir,
    ]);
    assert.equal(before.code, 1, 'the shortened ApiDown and the missing files are differences');
    const applied = await runCli(
      ['alerts', 'apply', '--prometheus', prometheus!.url, '--rules-dir', rulesDir],
      { timeoutMs: 30_000 },
    );
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stderr, /Prometheus reloaded and reports the desired rules/);
    const loaded = await client.rules();
    assert.equal(
      loaded.find((g) => g.name === 'api')!.rules.find((r) => r.name === 'ApiDown')!.duration,
      60,
    );
    assert.ok(loaded.some((g) => g.name === 'slo-alerts'));

    const after = await runCli([
      'alerts',
      'diff',
      '--prometheus',
      prometheus!.url,
      '--rules-dir',
      rulesDir,
    ]);
    assert.equal(after.code, 0, after.stdout);
    const plan = JSON.parse(after.stdout) as { summary: Record<string, number> };
    assert.deepEqual(
      { ...plan.summary, unchanged: 0 },
      { create: 0, update: 0, delete: 0, unchanged: 0 },
    );
    assert.ok(plan.summary.unchanged! >= 8, 'rule files and loaded groups were compared');
    const human = await runCli([
      'alerts',
      'diff',
      '--prometheus',
      prometheus!.url,
      '--rules-dir',
      rulesDir,
      '-o',
      'table',
    ]);
    assert.match(human.stdout, /0 to create, 0 to update, 0 to delete/);
    const again = await runCli([
      'alerts',
      'apply',
      '--prometheus',
      prometheus!.url,
      '--rules-dir',
      rulesDir,
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /no changes/);
  });
});
