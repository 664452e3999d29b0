/**
 * `logs retention diff|apply|show|status` against the fake Elasticsearch:
 * exact requests in dependency order, idempotence, verification, --confirm
 * for shorter retention, refusal of unsupported actions before any write, a
 * 409 on a template, an 8.x cluster, ILM errors and retry — through the ops
 * functions and, for exit codes and output, the real `pongctl` binary.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { AppError } from '../../api/contract/errors.ts';
import { connectElasticsearch, type EsSession } from '../../ops/elasticsearch/connect.ts';
import { renderDesiredState } from '../../ops/elasticsearch/render.ts';
import {
  applyRetention,
  diffRetention,
  shortenedRetentions,
} from '../../ops/elasticsearch/retention.ts';
import {
  loadRetentionSpec,
  parseRetentionSpec,
  type RetentionSpec,
} from '../../ops/elasticsearch/spec.ts';
import { ilmStatus, retryFailed, showRetention } from '../../ops/elasticsearch/status.ts';
import { FakeElasticsearch, esError } from '../support/fake-elasticsearch.ts';
import { runCli } from '../support/cli.ts';

const apiKey = Buffer.from('ops-id:ops-secret').toString('base64');
const specPath = new URL('../../ops/elasticsearch/retention.yaml', import.meta.url).pathname;

function specWith(mutate: (raw: any) => void): { spec: RetentionSpec; file: string } {
  const raw = parse(readFileSync(specPath, 'utf8'));
  mutate(raw);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'pong-spec-')), 'retention.yaml');
  writeFileSync(file, stringify(raw));
  return { spec: parseRetentionSpec(stringify(raw)), file };
}

async function rejects(
  promise: Promise<unknown>,
  code: string,
  pattern: RegExp,
): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, code, err.message);
    assert.match(`${err.message} ${JSON.stringify(err.details ?? '')}`, pattern);
    return err;
  }
  assert.fail('expected a rejection');
}

describe('logs retention against a fake Elasticsearch', function () {
  this.timeout(30_000);
  let fake: FakeElasticsearch;
  let session: EsSession;
  const spec = loadRetentionSpec();
  const cliEnv = () => ({ PONGCTL_ES_URL: fake.url, PONGCTL_ES_API_KEY: apiKey });

  beforeEach(async () => {
    fake = await new FakeElasticsearch({ version: '9.1.0' }).start();
    fake.state.validCredentials.add(`ApiKey ${apiKey}`);
    session = await connectElasticsearch({ url: fake.url, apiKey });
  });
  afterEach(async () => {
    await session.close();
    await fake.stop();
  });

  it('applies to an empty cluster in dependency order with the exact rendered bodies, then verifies', async () => {
    fake.requests.length = 0;
    const outcome = await applyRetention(session.client, spec, session.version, { confirm: false });
    const desired = renderDesiredState(spec);
    const writes = fake.requests.filter((r) => r.method === 'PUT');
    const ids = [
      'logs-pong.api',
      'logs-pong.audit',
      'logs-pong.game',
      'logs-pong.nginx',
      'logs-pong.postgres',
    ];
    assert.deepEqual(
      writes.map((r) => `${r.method} ${r.path}`),
      [
        'PUT /_snapshot/pong-logs-archive',
        ...ids.map((id) => `PUT /_ilm/policy/${id}`),
        ...ids.map((id) => `PUT /_index_template/${id}`),
        'PUT /_slm/policy/pong-logs-nightly',
      ],
    );
    assert.deepEqual(writes[0]!.json, desired.repositories.get('pong-logs-archive'));
    assert.deepEqual(writes[1]!.json, desired.ilmPolicies.get('logs-pong.api'));
    assert.deepEqual(writes[6]!.json, desired.templates.get('logs-pong.api'));
    assert.deepEqual(writes[11]!.json, desired.slmPolicies.get('pong-logs-nightly'));
    assert.ok(writes.every((r) => r.headers.authorization === `ApiKey ${apiKey}`));
    assert.equal(outcome.result.applied.length, 12);
    const reads = fake.requests.slice(fake.requests.indexOf(writes.at(-1)!) + 1);
    assert.ok(
      reads.length >= 12 && reads.every((r) => r.method === 'GET'),
      'verification re-reads every object',
    );
  });

  it('is idempotent: a second apply only reads, and diff then shows no differences', async () => {
    await applyRetention(session.client, spec, session.version, { confirm: false });
    fake.requests.length = 0;
    const again = await applyRetention(session.client, spec, session.version, { confirm: false });
    assert.equal(again.result.applied.length, 0);
    assert.deepEqual(
      fake.requests.filter((r) => r.method !== 'GET'),
      [],
    );
    const diff = await diffRetention(session.client, spec, session.version);
    assert.ok(diff.changes.every((c) => c.action === 'unchanged'));
  });

  it('needs --confirm to shorten a retention, but not to lengthen one', async () => {
    await applyRetention(session.client, spec, session.version, { confirm: false });
    const shorter = specWith((raw) => (raw.streams['pong.audit'].delete.after = '180d')).spec;
    fake.requests.length = 0;
    await rejects(
      applyRetention(session.client, shorter, session.version, { confirm: false }),
      'VALIDATION',
      /--confirm.*ilm-policy logs-pong\.audit: 365d → 180d/s,
    );
    assert.deepEqual(
      fake.requests.filter((r) => r.method === 'PUT'),
      [],
      'nothing written without confirmation',
    );
    const plan = await diffRetention(session.client, shorter, session.version);
    assert.deepEqual(
      shortenedRetentions(plan.changes).map((s) => s.id),
      ['logs-pong.audit'],
    );
    await applyRetention(session.client, shorter, session.version, { confirm: true });
    assert.equal(
      (fake.state.ilm.get('logs-pong.audit')!.policy as any).phases.delete.min_age,
      '180d',
    );
    const longer = specWith((raw) => (raw.streams['pong.audit'].delete.after = '400d')).spec;
    await applyRetention(session.client, longer, session.version, { confirm: false });
  });

  it('refuses freeze on Elasticsearch 9 before writing anything', async () => {
    const frozen = specWith(
      (raw) => (raw.streams['pong.game'].cold = { after: '30d', freeze: true }),
    ).spec;
    fake.requests.length = 0;
    await rejects(
      applyRetention(session.client, frozen, session.version, { confirm: true }),
      'VALIDATION',
      /freeze.{0,4} \(cold phase\) was removed in Elasticsearch 8\.0/,
    );
    assert.deepEqual(
      fake.requests.filter((r) => r.method !== 'GET'),
      [],
    );
  });

  it('stops at a 409 on a template with a CONFLICT, after the objects before it', async () => {
    fake.override('PUT', '/_index_template/logs-pong.audit', () =>
      esError(
        409,
        'version_conflict_engine_exception',
        'index template [logs-pong.audit] was modified concurrently',
      ),
    );
    await rejects(
      applyRetention(session.client, spec, session.version, { confirm: false }),
      'CONFLICT',
      /logs-pong\.audit.*409/,
    );
    assert.ok(fake.state.templates.has('logs-pong.api'));
    assert.equal(fake.state.templates.has('logs-pong.game'), false, 'nothing after the failure');
    assert.equal(fake.state.slm.size, 0);
  });

  it('refuses an 8.x cluster with a clear message (the 9.x client is rejected by its media type)', async () => {
    const old = await new FakeElasticsearch({ version: '8.17.0' }).start();
    try {
      await rejects(
        connectElasticsearch({ url: old.url, apiKey }),
        'CONFIG',
        /not Elasticsearch 9\.x.*8\.x cluster/,
      );
      assert.match(String(old.requests[0]!.headers.accept), /compatible-with=9/);
    } finally {
      await old.stop();
    }
  });

  it('maps bad credentials to UNAUTHENTICATED', async () => {
    await rejects(
      connectElasticsearch({ url: fake.url, apiKey: Buffer.from('x:y').toString('base64') }),
      'UNAUTHENTICATED',
      /401/,
    );
  });

  it('shows desired vs live per stream with indices and sizes', async () => {
    await applyRetention(session.client, spec, session.version, { confirm: false });
    fake.state.dataStreams.set('logs-pong.api-default', {
      name: 'logs-pong.api-default',
      indices: [
        '.ds-logs-pong.api-default-2026.11.20-000001',
        '.ds-logs-pong.api-default-2026.11.21-000002',
      ],
      template: 'logs-pong.api',
      ilmPolicy: 'logs-pong.api',
      storeBytes: 3 * 1024 * 1024,
    });
    const rows = await showRetention(session.client, spec);
    const api = rows.find((r) => r.dataset === 'pong.api')!;
    assert.deepEqual(
      {
        live: api.livePhases,
        desired: api.desiredPhases,
        retention: api.liveRetention,
        indices: api.indices,
        size: api.sizeBytes,
      },
      {
        live: 'hot@0ms → warm@3d → delete@30d',
        desired: 'hot@0ms → warm@3d → delete@30d',
        retention: '31d',
        indices: 2,
        size: 3 * 1024 * 1024,
      },
    );
    assert.ok(fake.calls().includes('GET /_data_stream/logs-pong.api-*/_stats'));
  });

  it('reports indices in ILM error or stuck, and retries the failed ones', async () => {
    const now = Date.parse('2026-11-21T08:00:00Z');
    fake.state.explain.set('.ds-logs-pong.api-default-000001', {
      index: '.ds-logs-pong.api-default-000001',
      managed: true,
      policy: 'logs-pong.api',
      phase: 'warm',
      action: 'shrink',
      step: 'ERROR',
      failed_step: 'shrink',
      step_time_millis: now - 1000,
      step_info: { type: 'illegal_argument_exception', reason: 'index has no replicas allocated' },
    });
    fake.state.explain.set('.ds-logs-pong.game-default-000001', {
      index: '.ds-logs-pong.game-default-000001',
      managed: true,
      policy: 'logs-pong.game',
      phase: 'warm',
      action: 'forcemerge',
      step: 'segment-count',
      step_time_millis: now - 3 * 86_400_000,
    });
    fake.state.explain.set('.ds-logs-pong.audit-default-000001', {
      index: '.ds-logs-pong.audit-default-000001',
      managed: true,
      policy: 'logs-pong.audit',
      phase: 'hot',
      action: 'rollover',
      step: 'check-rollover-ready',
      step_time_millis: now - 1000,
    });
    const rows = await ilmStatus(session.client, { now, stuckAfterMs: 86_400_000 });
    assert.deepEqual(
      rows.map((r) => [r.index, r.problem]),
      [
        ['.ds-logs-pong.api-default-000001', 'error'],
        ['.ds-logs-pong.audit-default-000001', null],
        ['.ds-logs-pong.game-default-000001', 'stuck'],
      ],
    );
    assert.match(rows[0]!.reason, /index has no replicas/);
    const explain = fake.requests.find((r) => r.path.endsWith('/_ilm/explain'))!;
    assert.equal(explain.path, '/logs-pong.*/_ilm/explain');
    assert.equal(explain.query.only_managed, 'true');
    assert.deepEqual(await retryFailed(session.client, rows), ['.ds-logs-pong.api-default-000001']);
    assert.deepEqual(
      fake.calls().filter((c) => c.startsWith('POST')),
      ['POST /.ds-logs-pong.api-default-000001/_ilm/retry'],
    );
    await rejects(
      retryFailed(session.client, [{ ...rows[1]!, problem: 'error' }]),
      'VALIDATION',
      /has not encountered an error/,
    );
  });

  it('through pongctl: diff exits 1 then 0, apply refuses a shorter retention with exit 2, status exits 1 on errors', async () => {
    const before = await runCli(['logs', 'retention', 'diff', '-o', 'table'], { env: cliEnv() });
    assert.equal(before.code, 1, before.stderr);
    assert.match(before.stdout, /\+ ilm-policy logs-pong\.audit \(create\)/);
    assert.match(before.stdout, /12 to create, 0 to update, 0 to delete, 0 unchanged/);
    const applied = await runCli(['logs', 'retention', 'apply'], { env: cliEnv() });
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stderr, /applied 12 change\(s\); the cluster now matches the spec/);
    const after = await runCli(['logs', 'retention', 'diff', '-o', 'json'], { env: cliEnv() });
    assert.equal(after.code, 0, after.stderr);
    assert.deepEqual(JSON.parse(after.stdout).summary, {
      create: 0,
      update: 0,
      delete: 0,
      unchanged: 12,
    });
    const { file } = specWith((raw) => (raw.streams['pong.api'].delete.after = '7d'));
    const refused = await runCli(['logs', 'retention', 'apply', '--spec', file], { env: cliEnv() });
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /--confirm/);
    assert.match(refused.stderr, /logs-pong\.api: 30d → 7d/);
    fake.state.explain.set('.ds-logs-pong.api-default-000001', {
      index: '.ds-logs-pong.api-default-000001',
      managed: true,
      policy: 'logs-pong.api',
      phase: 'warm',
      action: 'shrink',
      step: 'ERROR',
      failed_step: 'shrink',
      step_info: { type: 'x', reason: 'boom' },
    });
    const status = await runCli(['logs', 'retention', 'status', '-o', 'json'], { env: cliEnv() });
    assert.equal(status.code, 1, status.stderr);
    assert.equal(JSON.parse(status.stdout)[0].problem, 'error');
  });

  it('through pongctl: an 8.x cluster exits 78, an unreachable one 6, a missing URL 2', async () => {
    const old = await new FakeElasticsearch({ version: '8.15.0' }).start();
    try {
      const res = await runCli(['logs', 'retention', 'diff'], {
        env: { PONGCTL_ES_URL: old.url, PONGCTL_ES_API_KEY: apiKey },
      });
      assert.equal(res.code, 78, res.stderr);
      assert.match(res.stderr, /Using an 8\.x cluster/);
    } finally {
      await old.stop();
    }
    const down = await runCli(['logs', 'retention', 'diff'], {
      env: { PONGCTL_ES_URL: 'http://127.0.0.1:9', PONGCTL_ES_API_KEY: apiKey },
    });
    assert.equal(down.code, 6, down.stderr);
    const missing = await runCli(['logs', 'retention', 'diff'], { env: {} });
    assert.equal(missing.code, 2, missing.stderr);
  });
});
