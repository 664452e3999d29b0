/**
 * Kibana as code: the committed NDJSON is what the TypeScript renders (a stale
 * file fails), lint catches broken objects, and `kibana apply|diff` against
 * the fake Kibana send the exact import (multipart `file`, kbn-xsrf, overwrite,
 * spaces), read per-object failures from a 200 answer and exit non-zero on them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type AppError } from '../../api/contract/errors.ts';
import { KibanaClient } from '../../ops/kibana/client.ts';
import { lintSavedObjects } from '../../ops/kibana/lint.ts';
import { committedNdjsonPath, parseNdjson, renderNdjson } from '../../ops/kibana/ndjson.ts';
import { buildSavedObjects, dataViewId } from '../../ops/kibana/objects.ts';
import { applyKibana, diffKibana, kibanaVersion } from '../../ops/kibana/sync.ts';
import { FakeKibana } from '../support/fake-kibana.ts';
import { runCli } from '../support/cli.ts';

const apiKey = Buffer.from('ops-id:ops-secret').toString('base64');

describe('Kibana saved objects', function () {
  this.timeout(30_000);
  const objects = buildSavedObjects();

  it('the committed ops/kibana/saved-objects.ndjson is what the TypeScript renders (run pongctl kibana render)', () => {
    assert.equal(readFileSync(committedNdjsonPath, 'utf8'), renderNdjson(objects));
  });

  it('has stable ids, a logs-pong.* data view and every promised search and dashboard panel', () => {
    const byId = new Map(objects.map((o) => [o.id, o]));
    assert.equal(byId.get(dataViewId)?.attributes.title, 'logs-pong.*');
    for (const id of [
      'pong-errors',
      'pong-auth-failures',
      'pong-slow-requests',
      'pong-admin-actions',
    ])
      assert.equal(byId.get(id)?.type, 'search', id);
    const panels = objects
      .filter((o) => o.type === 'dashboard')
      .flatMap((d) => d.references.map((r) => byId.get(r.id)!.attributes.title));
    for (const title of [
      'Log volume by level',
      'Log volume by dataset',
      'Top error messages',
      '5xx over time',
      'Auth failures and lockouts',
      'Game events',
      'Admin actions',
    ]) {
      assert.ok(panels.includes(title), `a dashboard shows ${title}`);
    }
    assert.deepEqual(lintSavedObjects(objects), []);
    assert.deepEqual(parseNdjson(renderNdjson(objects)).length, objects.length);
  });

  it('lint catches dangling references, unmapped fields, bad KQL and panels off the grid', () => {
    const broken = structuredClone(objects);
    const vis = broken.find((o) => o.id === 'pong-top-errors')!;
    vis.attributes.visState = String(vis.attributes.visState).replace(
      'error.message.keyword',
      'error.message',
    );
    vis.references[0]!.id = 'no-such-view';
    const search = broken.find((o) => o.id === 'pong-errors')!;
    search.attributes.kibanaSavedObjectMeta = {
      searchSourceJSON: JSON.stringify({
        query: { query: 'log.level:(error', language: 'kuery' },
        indexRefName: 'kibanaSavedObjectMeta.searchSourceJSON.index',
      }),
    };
    const dash = broken.find((o) => o.id === 'pong-logs-game')!;
    dash.attributes.panelsJSON = JSON.stringify([
      { panelRefName: 'panel_0', gridData: { x: 40, y: 0, w: 24, h: 10 } },
    ]);
    const problems = lintSavedObjects(broken);
    assert.ok(
      problems.includes(
        'visualization pong-top-errors references index-pattern no-such-view, which is not in the set',
      ),
      problems.join('\n'),
    );
    assert.ok(
      problems.includes(
        'visualization pong-top-errors: terms on error.message, which the templates do not map as an aggregatable field',
      ),
      problems.join('\n'),
    );
    assert.ok(
      problems.includes('search pong-errors: query has unbalanced parentheses'),
      problems.join('\n'),
    );
    assert.ok(
      problems.includes('dashboard pong-logs-game: panel panel_0 does not fit the 48-column grid'),
      problems.join('\n'),
    );
  });

  describe('against a fake Kibana', () => {
    let kibana: FakeKibana;
    let client: KibanaClient;
    const env = () => ({ PONGCTL_KIBANA_URL: kibana.url, PONGCTL_ES_API_KEY: apiKey });

    beforeEach(async () => {
      kibana = await new FakeKibana().start();
      client = new KibanaClient({ url: kibana.url, apiKey });
    });
    afterEach(async () => kibana.stop());

    it('imports everything once with overwrite as multipart `file` with kbn-xsrf, verifies, and is idempotent', async () => {
      const first = await applyKibana(client, objects);
      assert.equal(first.imported, objects.length);
      const imports = kibana.requests.filter((r) => r.path.endsWith('/_import'));
      assert.equal(imports.length, 1);
      const req = imports[0]!;
      assert.equal(req.method, 'POST');
      assert.deepEqual(req.query, { overwrite: 'true' });
      assert.equal(req.headers['kbn-xsrf'], 'pongctl');
      assert.equal(req.headers.authorization, `ApiKey ${apiKey}`);
      assert.match(String(req.headers['content-type']), /^multipart\/form-data; boundary=/);
      assert.match(
        req.body,
        /Content-Disposition: form-data; name="file"; filename="pongctl.ndjson"/,
      );
      assert.ok(req.body.includes(renderNdjson(objects)), 'the part is the rendered NDJSON');
      kibana.requests.length = 0;
      const second = await applyKibana(client, objects);
      assert.equal(second.imported, 0);
      assert.deepEqual(
        kibana.requests.map((r) => `${r.method} ${r.path}`),
        ['POST /api/saved_objects/_export'],
        'only an export: nothing to import',
      );
      assert.ok(
        (await diffKibana(client, objects)).every((c) => c.action === 'unchanged'),
        'Kibana defaults and migration fields are not drift',
      );
    });

    it('imports only what drifted, into the chosen space', async () => {
      const spaced = new KibanaClient({ url: kibana.url, apiKey, space: 'ops' });
      await applyKibana(spaced, objects);
      const stored = kibana.space('ops').get('dashboard:pong-logs-game')!;
      stored.attributes.title = 'edited in the UI';
      kibana.requests.length = 0;
      const changes = await diffKibana(spaced, objects);
      assert.deepEqual(
        changes.filter((c) => c.action !== 'unchanged').map((c) => [c.id, c.action]),
        [['dashboard:pong-logs-game', 'update']],
      );
      const { imported } = await applyKibana(spaced, objects);
      assert.equal(imported, 1);
      const imp = kibana.requests.find((r) => r.path.endsWith('/_import'))!;
      assert.equal(imp.path, '/s/ops/api/saved_objects/_import');
      assert.equal(
        kibana.space('ops').get('dashboard:pong-logs-game')!.attributes.title,
        'pong: game events',
      );
      assert.equal(kibana.space('default').size, 0);
    });

    it('fails when Kibana answers 200 with per-object errors, naming each object', async () => {
      kibana.refuse.set('visualization:pong-top-errors', 'unknown');
      await assert.rejects(applyKibana(client, objects), (err: AppError) => {
        assert.equal(err.code, 'VALIDATION');
        assert.match(err.message, /failed/);
        assert.ok(
          (err.details as string[]).includes('visualization pong-top-errors: unknown'),
          String(err.details),
        );
        return true;
      });
      kibana.refuse.clear();
      const onlyDashboard = objects.filter((o) => o.id === 'pong-logs-game');
      const fresh = new KibanaClient({ url: kibana.url, apiKey, space: 'fresh' });
      await assert.rejects(applyKibana(fresh, onlyDashboard), (err: AppError) => {
        assert.match(
          (err.details as string[])[0]!,
          /dashboard pong-logs-game: missing_references \(visualization pong-game-events\)/,
        );
        return true;
      });
      kibana.refuse.set('dashboard:pong-logs-game', 'conflict');
      await assert.rejects(
        applyKibana(fresh, onlyDashboard),
        (err: AppError) => err.code === 'CONFLICT',
      );
    });

    it('refuses a Kibana older than 8', async () => {
      const old = await new FakeKibana({ version: '7.17.0' }).start();
      try {
        await assert.rejects(
          kibanaVersion(new KibanaClient({ url: old.url, apiKey })),
          (e: AppError) => e.code === 'CONFIG' && /7\.17\.0 is too old/.test(e.message),
        );
      } finally {
        await old.stop();
      }
    });

    it('through pongctl: diff exits 1, apply exits 0, diff then 0; a per-object failure exits non-zero', async () => {
      const before = await runCli(['kibana', 'diff', '-o', 'json'], { env: env() });
      assert.equal(before.code, 1, before.stderr);
      assert.equal(JSON.parse(before.stdout).summary.create, objects.length);
      const apply = await runCli(['kibana', 'apply'], { env: env() });
      assert.equal(apply.code, 0, apply.stderr);
      assert.match(apply.stderr, new RegExp(`imported ${objects.length} saved object`));
      const after = await runCli(['kibana', 'diff'], { env: env() });
      assert.equal(after.code, 0, after.stderr);
      kibana.space().get('search:pong-errors')!.attributes.columns = ['message'];
      kibana.refuse.set('search:pong-errors', 'unknown');
      const failed = await runCli(['kibana', 'apply'], { env: env() });
      assert.equal(failed.code, 2, failed.stderr);
      assert.match(failed.stderr, /search pong-errors: unknown/);
      const noUrl = await runCli(['kibana', 'diff'], { env: { PONGCTL_ES_API_KEY: apiKey } });
      assert.equal(noUrl.code, 2);
    });

    it('through pongctl: render --check fails on a stale file and lint passes on the committed one', async () => {
      const lint = await runCli(['kibana', 'lint']);
      assert.equal(lint.code, 0, lint.stderr);
      const check = await runCli(['kibana', 'render', '--check']);
      assert.equal(check.code, 0, check.stderr);
    });
  });
});
