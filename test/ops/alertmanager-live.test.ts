// A real Alertmanager (Debian's binary) with the committed routing: ApiDown
// inhibits its job's symptoms, PostgresDown the database alerts, and
// `pongctl alerts silence create|list|expire` work against its API v2.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alertmanagerClient } from '../../ops/alertmanager/client.ts';
import { opsPaths } from '../../ops/prometheus/paths.ts';
import { runCli } from '../support/cli.ts';
import { until } from '../support/poll.ts';
import { freePort, startDaemon, type Daemon } from './processes.ts';
import { requireTools } from './tools.ts';

describe('real Alertmanager with the committed routing', function () {
  this.timeout(30_000);
  let am: Daemon | undefined;
  let dir: string;

  before(async function () {
    const tools = requireTools(this, ['alertmanager']);
    dir = mkdtempSync(path.join(os.tmpdir(), 'pongctl-am-'));
    const port = await freePort();
    am = await startDaemon(
      tools.alertmanager!,
      [
        `--config.file=${opsPaths.alertmanagerConfig}`,
        `--storage.path=${dir}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ],
      `http://127.0.0.1:${port}`,
      '/-/ready',
    );
  });

  after(async () => {
    await am?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('inhibits the symptoms of ApiDown and PostgresDown, not other jobs', async () => {
    const client = alertmanagerClient(am!.url);
    await client.postAlerts([
      {
        labels: {
          alertname: 'ApiDown',
          severity: 'critical',
          component: 'api',
          job: 'pongctl-api',
          instance: 'api-1:3000',
        },
      },
      {
        labels: {
          alertname: 'ApiLatencyP95High',
          severity: 'warning',
          component: 'api',
          job: 'pongctl-api',
          route: '/x',
        },
      },
      {
        labels: {
          alertname: 'ApiLatencyP95High',
          severity: 'warning',
          component: 'api',
          job: 'other-api',
          route: '/x',
        },
      },
      {
        labels: {
          alertname: 'PostgresDown',
          severity: 'critical',
          component: 'database',
          job: 'postgres',
          instance: 'pg',
        },
      },
      {
        labels: {
          alertname: 'PostgresLongTransaction',
          severity: 'warning',
          component: 'database',
          job: 'postgres',
          instance: 'pg',
          datname: 'pong',
        },
      },
    ]);
    const alerts = await until('five alerts', async () => {
      const list = await client.alerts();
      return list.length === 5 ? list : undefined;
    });
    const inhibited = (name: string, job: string) =>
      alerts.find((a) => a.labels.alertname === name && a.labels.job === job)!.status.inhibitedBy
        .length > 0;
    assert.equal(inhibited('ApiLatencyP95High', 'pongctl-api'), true);
    assert.equal(inhibited('ApiLatencyP95High', 'other-api'), false);
    assert.equal(inhibited('ApiDown', 'pongctl-api'), false);
    assert.equal(inhibited('PostgresLongTransaction', 'postgres'), true);
    assert.equal(inhibited('PostgresDown', 'postgres'), false);
  });

  it('creates, lists and expires a silence through pongctl', async () => {
    const env = { PONGCTL_ALERTMANAGER_URL: am!.url };
    const created = await runCli(
      [
        'alerts',
        'silence',
        'create',
        '-m',
        'alertname=ApiDown',
        '-m',
        'job=~pongctl-.*',
        '-d',
        '2h',
        '-c',
        'deploying',
        '--author',
        'ci',
        '-o',
        'json',
      ],
      { env },
    );
    assert.equal(created.code, 0, created.stderr);
    const { id } = JSON.parse(created.stdout) as { id: string };
    const listed = await runCli(['alerts', 'silence', 'list', '-o', 'json'], { env });
    const silences = JSON.parse(listed.stdout) as {
      id: string;
      status: { state: string };
      matchers: { name: string; isRegex: boolean }[];
      createdBy: string;
    }[];
    const mine = silences.find((s) => s.id === id)!;
    assert.equal(mine.status.state, 'active');
    assert.equal(mine.createdBy, 'ci');
    assert.deepEqual(
      mine.matchers.map((m) => [m.name, m.isRegex]),
      [
        ['alertname', false],
        ['job', true],
      ],
    );
    await until('ApiDown silenced', async () => {
      const down = (await alertmanagerClient(am!.url).alerts()).find(
        (a) => a.labels.alertname === 'ApiDown',
      );
      return down?.status.silencedBy.includes(id) ? true : undefined;
    });
    const expired = await runCli(['alerts', 'silence', 'expire', id], { env });
    assert.equal(expired.code, 0, expired.stderr);
    const after = JSON.parse(
      (await runCli(['alerts', 'silence', 'list', '-o', 'json'], { env })).stdout,
    ) as { id: string }[];
    assert.equal(
      after.some((s) => s.id === id),
      false,
      'expired silences are hidden without --all',
    );
    const all = JSON.parse(
      (await runCli(['alerts', 'silence', 'list', '--all', '-o', 'json'], { env })).stdout,
    ) as { id: string; status: { state: string } }[];
    assert.equal(all.find((s) => s.id === id)!.status.state, 'expired');
  });

  it('refuses a silence without a comment or with a bad matcher (exit 2)', async () => {
    const env = { PONGCTL_ALERTMANAGER_URL: am!.url };
    assert.equal(
      (await runCli(['alerts', 'silence', 'create', '-m', 'alertname=ApiDown'], { env })).code,
      2,
    );
    assert.equal(
      (await runCli(['alerts', 'silence', 'create', '-m', 'no matcher', '-c', 'x'], { env })).code,
      2,
    );
    assert.equal(
      (
        await runCli(['alerts', 'silence', 'expire', '00000000-0000-0000-0000-000000000000'], {
          env,
        })
      ).code,
      3,
    );
  });
});
