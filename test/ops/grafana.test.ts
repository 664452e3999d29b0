// Grafana as code: the committed JSON is fresh and valid (JSON Schema from the
// Foundation SDK + semantic lint, which fails on broken dashboards), and
// `pongctl grafana apply/diff/export` against a fake of the HTTP API that
// checks the exact requests and answers 404/409/412 as Grafana does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { dataSources, fromEnv } from '../../ops/grafana/datasources.ts';
import { lintDashboards, schemaValidator } from '../../ops/grafana/lint.ts';
import { grafanaDir, renderFiles, staleFiles } from '../../ops/grafana/render.ts';
import { dashboardSpecs, renderDashboards } from '../../ops/grafana/dashboard-builders/index.ts';
import { opsPaths } from '../../ops/prometheus/paths.ts';
import { runCli } from '../support/cli.ts';
import { startFakeGrafana, type FakeGrafana } from './fake-grafana.ts';

const rendered = renderDashboards();

describe('grafana dashboards as code', () => {
  it('committed JSON and provisioning files equal a fresh render', () => {
    assert.deepEqual(staleFiles(), [], 'run `pongctl grafana render` and commit the result');
    for (const [relative, text] of renderFiles())
      assert.equal(readFileSync(path.join(grafanaDir, relative), 'utf8'), text);
  });

  it('has the dashboards operators rely on, with stable uids', () => {
    assert.deepEqual(dashboardSpecs.map((d) => d.uid).sort(), [
      'pongctl-api',
      'pongctl-business',
      'pongctl-match-stats',
      'pongctl-matchmaking',
      'pongctl-postgres',
      'pongctl-realtime',
      'pongctl-user-stats',
    ]);
    const user = rendered.get('pongctl-user-stats') as { templating: { list: { name: string }[] } };
    assert.equal(user.templating.list[0]!.name, 'user');
    const types = [...rendered.values()].flatMap((d) =>
      (d.panels as { type: string; datasource?: { type: string } }[]).map(
        (p) => p.datasource?.type,
      ),
    );
    for (const type of ['prometheus', 'grafana-postgresql-datasource', 'elasticsearch'])
      assert.ok(types.includes(type), `a panel on ${type}`);
  });

  it('every dashboard validates against the JSON Schema, and the schema rejects a broken one', async () => {
    const validate = await schemaValidator();
    for (const [uid, d] of rendered) assert.deepEqual(validate(d), [], uid);
    const broken = structuredClone(rendered.get('pongctl-api')!) as Record<string, any>;
    delete broken.templating;
    broken.panels[1].gridPos.w = 30;
    broken.surprise = true;
    const errors = validate(broken).join('\n');
    assert.match(errors, /templating/);
    assert.match(errors, /gridPos\/w must be <= 24/);
    assert.match(errors, /additional properties/);
  });

  it('semantic lint passes the real dashboards and names every problem of a broken one', async () => {
    const sources = dataSources(fromEnv({}));
    assert.deepEqual(await lintDashboards(rendered, sources, opsPaths.rulesDir), []);
    const broken = structuredClone(rendered.get('pongctl-api')!) as Record<string, any>;
    const [, first, second] = broken.panels;
    second.id = first.id;
    second.gridPos = { ...first.gridPos, x: 20 };
    first.targets.push({ ...first.targets[0] });
    first.targets[0].expr = 'sum by (email) (rate(http_requests_totl[5m]))';
    broken.panels[3].datasource = { type: 'prometheus', uid: 'nope' };
    broken.panels[4].gridPos = { ...first.gridPos };
    const bad = new Map([['pongctl-api', broken]]);
    const business = structuredClone(rendered.get('pongctl-business')!) as Record<string, any>;
    business.panels[0].targets[0].rawSql = 'SELECT password_hash FROM users';
    bad.set('pongctl-business', business);
    const messages = (await lintDashboards(bad, sources, opsPaths.rulesDir))
      .map((p) => p.message)
      .join('\n');
    for (const expected of [
      /panel id \d+ is used twice/,
      /24 columns/,
      /overlaps/,
      /refIds must be unique/,
      /metric http_requests_totl/,
      /grouping by email/,
      /data source nope/,
      /SQL reads users/,
    ]) {
      assert.match(messages, expected);
    }
  });

  it('pongctl grafana lint and render --check pass on the committed files', async () => {
    assert.equal((await runCli(['grafana', 'lint'])).code, 0);
    assert.equal((await runCli(['grafana', 'render', '--check'])).code, 0);
  });
});

describe('pongctl grafana apply/diff/export against a fake Grafana', function () {
  this.timeout(30_000);
  let fake: FakeGrafana;
  const env = () => ({
    PONGCTL_GRAFANA_URL: fake.url,
    PONGCTL_GRAFANA_TOKEN: fake.token,
    PONGCTL_GIT_COMMIT: 'abc123',
    GRAFANA_DB_PASSWORD: 'pg-secret',
  });
  const cli = (args: string[], extra: Record<string, string> = {}) =>
    runCli(['grafana', ...args, '-o', 'json'], { env: { ...env(), ...extra } });

  beforeEach(async () => {
    fake = await startFakeGrafana();
  });
  afterEach(async () => fake.close());

  it('creates the folder, data sources and dashboards with exact requests, then a second apply changes nothing', async () => {
    const first = await cli(['apply']);
    assert.equal(first.code, 0, first.stderr);
    assert.ok(fake.requests.every((r) => r.auth === `Bearer ${fake.token}`));
    const mutations = fake.mutations();
    assert.deepEqual(
      mutations.map((r) => `${r.method} ${r.path}`),
      [
        'POST /api/folders',
        'POST /api/datasources',
        'POST /api/datasources',
        'POST /api/datasources',
        ...[...rendered.keys()].sort().map(() => 'POST /api/dashboards/db'),
      ],
    );
    assert.deepEqual(mutations[0]!.body, { uid: 'pongctl', title: 'pongctl' });
    const pg = mutations.slice(1, 4).find((r) => r.body.uid === 'pongctl-postgres')!;
    assert.deepEqual(pg.body.secureJsonData, { password: 'pg-secret' });
    assert.equal(pg.body.user, 'grafana_reader');
    for (const save of mutations.slice(4)) {
      const uid = save.body.dashboard.uid as string;
      const committed = JSON.parse(
        readFileSync(path.join(grafanaDir, 'dashboards', `${uid}.json`), 'utf8'),
      ) as object;
      assert.deepEqual(save.body, {
        dashboard: { ...committed, id: null },
        folderUid: 'pongctl',
        message: 'pongctl grafana apply (git abc123)',
        overwrite: false,
      });
    }
    fake.requests.length = 0;
    const second = await cli(['apply']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /no changes/);
    assert.deepEqual(fake.mutations(), []);
    const diff = await cli(['diff']);
    assert.equal(diff.code, 0, diff.stdout);
  });

  it('diff exits 1 on a dashboard edited in the UI; apply sends the live version and restores it', async () => {
    assert.equal((await cli(['apply'])).code, 0);
    const stored = fake.dashboards.get('pongctl-api')!;
    stored.dashboard.title = 'edited by hand';
    stored.version++;
    stored.dashboard.version = stored.version;
    const diff = await runCli(['grafana', 'diff', '-o', 'table'], { env: env() });
    assert.equal(diff.code, 1);
    assert.match(diff.stdout, /~ dashboard pongctl-api \(update\)/);
    assert.match(diff.stdout, /-.*edited by hand/);
    assert.match(diff.stdout, /0 to create, 1 to update, 0 to delete/);
    fake.requests.length = 0;
    assert.equal((await cli(['apply'])).code, 0);
    const [save] = fake.mutations();
    assert.equal(
      save!.body.dashboard.version,
      stored.version,
      'the version Grafana reported, so a concurrent edit would 412',
    );
    assert.equal(save!.body.overwrite, false);
    assert.equal((await cli(['diff'])).code, 0);
  });

  it('a concurrent edit answers 412 version-mismatch: exit 5 with advice; --force overwrites', async () => {
    assert.equal((await cli(['apply'])).code, 0);
    fake.dashboards.get('pongctl-api')!.dashboard.title = 'changed';
    fake.beforeSave = (uid) => {
      const d = fake.dashboards.get(uid)!;
      d.version++;
    };
    const conflict = await cli(['apply']);
    assert.equal(conflict.code, 5);
    assert.match(conflict.stderr, /changed in Grafana after pongctl read it/);
    fake.beforeSave = undefined;
    const forced = await cli(['apply', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(fake.mutations().at(-1)!.body.overwrite, true);
  });

  it('a data source name taken by another uid answers 409: exit 5', async () => {
    fake.dataSources.set('someone-else', {
      id: 9,
      uid: 'someone-else',
      name: 'Prometheus',
      type: 'prometheus',
      access: 'proxy',
      url: 'http://x',
      isDefault: false,
      jsonData: {},
    });
    const res = await cli(['apply']);
    assert.equal(res.code, 5);
    assert.match(res.stderr, /same name already exists/);
  });

  it('--prune deletes managed objects that are not desired, and only with --prune', async () => {
    assert.equal((await cli(['apply'])).code, 0);
    fake.dashboards.set('old-board', {
      id: 1,
      folderUid: 'pongctl',
      version: 1,
      dashboard: { uid: 'old-board', title: 'Old', id: 1, version: 1 },
    });
    fake.dashboards.set('elsewhere', {
      id: 2,
      folderUid: 'other',
      version: 1,
      dashboard: { uid: 'elsewhere', title: 'Elsewhere', id: 2, version: 1 },
    });
    assert.equal(
      (await cli(['diff'])).code,
      0,
      'without --prune extra objects are not differences',
    );
    assert.equal((await cli(['diff', '--prune'])).code, 1);
    fake.requests.length = 0;
    assert.equal((await cli(['apply', '--prune', '--dry-run'])).code, 0);
    assert.deepEqual(fake.mutations(), [], 'dry run changes nothing');
    assert.equal((await cli(['apply', '--prune'])).code, 0);
    assert.deepEqual(
      fake.mutations().map((r) => `${r.method} ${r.path}`),
      ['DELETE /api/dashboards/uid/old-board'],
    );
    assert.ok(fake.dashboards.has('elsewhere'), 'other folders are never pruned');
  });

  it('export prints a live dashboard as committed JSON; errors map to exit codes', async () => {
    assert.equal((await cli(['apply'])).code, 0);
    const exported = await runCli(['grafana', 'export', 'pongctl-realtime'], { env: env() });
    assert.equal(exported.code, 0, exported.stderr);
    assert.deepEqual(
      JSON.parse(exported.stdout),
      JSON.parse(
        readFileSync(path.join(grafanaDir, 'dashboards', 'pongctl-realtime.json'), 'utf8'),
      ),
    );
    assert.equal((await runCli(['grafana', 'export', 'missing'], { env: env() })).code, 3);
    assert.equal((await cli(['diff'], { PONGCTL_GRAFANA_TOKEN: 'wrong' })).code, 4);
    assert.equal(
      (await runCli(['grafana', 'diff'], { env: { PONGCTL_GRAFANA_URL: fake.url } })).code,
      4,
      'no token',
    );
  });
});
