/**
 * `logs archive`, `logs search` and `logs setup-security` against the fake
 * Elasticsearch: the exact snapshot, SLM, search, role and API key requests,
 * newest-last output, --follow polling without duplicates, keys shown once or
 * written to 0600 files, and the error answers (missing snapshot, no repository).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type AppError } from '../../api/contract/errors.ts';
import { listSnapshots, restoreArchive, runArchive } from '../../ops/elasticsearch/archive.ts';
import { connectElasticsearch, type EsSession } from '../../ops/elasticsearch/connect.ts';
import { applyRetention } from '../../ops/elasticsearch/retention.ts';
import { cursorFrom, pollLogs, searchBody, searchLogs } from '../../ops/elasticsearch/search.ts';
import { mintKey, putRoles, roles } from '../../ops/elasticsearch/security.ts';
import { loadRetentionSpec } from '../../ops/elasticsearch/spec.ts';
import { FakeElasticsearch } from '../support/fake-elasticsearch.ts';
import { runCli } from '../support/cli.ts';

const apiKey = Buffer.from('ops-id:ops-secret').toString('base64');

function doc(
  id: string,
  ts: string,
  level: string,
  message: string,
  extra: Record<string, unknown> = {},
) {
  return {
    _index: '.ds-logs-pong.api-default-000001',
    _id: id,
    _source: {
      '@timestamp': ts,
      'log.level': level,
      'event.dataset': 'pong.api',
      message,
      ...extra,
    },
  };
}

describe('logs archive, search and setup-security against a fake Elasticsearch', function () {
  this.timeout(30_000);
  let fake: FakeElasticsearch;
  let session: EsSession;
  const spec = loadRetentionSpec();
  const env = () => ({ PONGCTL_ES_URL: fake.url, PONGCTL_ES_API_KEY: apiKey });

  beforeEach(async () => {
    fake = await new FakeElasticsearch().start();
    session = await connectElasticsearch({ url: fake.url, apiKey });
  });
  afterEach(async () => {
    await session.close();
    await fake.stop();
  });

  it('runs the SLM policy, lists snapshots oldest first, and restores beside the live streams', async () => {
    await assert.rejects(
      listSnapshots(session.client, spec),
      (e: AppError) => e.code === 'NOT_FOUND' && /pong-logs-archive/.test(e.message),
    );
    await applyRetention(session.client, spec, session.version, { confirm: false });
    fake.requests.length = 0;
    const name = await runArchive(session.client, spec);
    assert.equal(name, 'pong-logs-2026.11.21-1');
    assert.deepEqual(
      fake.calls(),
      ['PUT /_slm/policy/pong-logs-nightly/_execute'],
      'the documented method of the execute API',
    );
    const rows = await listSnapshots(session.client, spec);
    assert.deepEqual(
      rows.map((r) => [r.snapshot, r.state, r.policy]),
      [['pong-logs-2026.11.21-1', 'SUCCESS', 'pong-logs-nightly']],
    );
    assert.equal(fake.calls().at(-1), 'GET /_snapshot/pong-logs-archive/_all');
    const body = await restoreArchive(session.client, spec, {
      snapshot: name,
      indices: ['logs-pong.audit-default'],
      renamePrefix: 'restored-',
    });
    const restore = fake.requests.at(-1)!;
    assert.equal(
      `${restore.method} ${restore.path}`,
      'POST /_snapshot/pong-logs-archive/pong-logs-2026.11.21-1/_restore',
    );
    assert.deepEqual(restore.json, {
      indices: 'logs-pong.audit-default',
      include_global_state: false,
      include_aliases: false,
      rename_pattern: '(.+)',
      rename_replacement: 'restored-$1',
    });
    assert.deepEqual(body, restore.json);
    await assert.rejects(
      restoreArchive(session.client, spec, { snapshot: 'nope', renamePrefix: '' }),
      (e: AppError) => e.code === 'NOT_FOUND',
    );
    await assert.rejects(
      restoreArchive(session.client, spec, { snapshot: 'a/b', renamePrefix: '' }),
      (e: AppError) => e.code === 'VALIDATION',
    );
  });

  it('builds the search: time window, minimum level, dataset and free text', () => {
    assert.deepEqual(
      searchBody({
        query: 'timeout AND user.id:42',
        since: '1h',
        level: 'warn',
        dataset: 'pong.api',
        size: 50,
      }),
      {
        size: 50,
        sort: [{ '@timestamp': 'desc' }],
        track_total_hits: false,
        query: {
          bool: {
            filter: [
              { range: { '@timestamp': { gte: 'now-1h' } } },
              { terms: { 'log.level': ['warn', 'error', 'fatal'] } },
              { term: { 'event.dataset': 'pong.api' } },
            ],
            must: [
              {
                query_string: {
                  query: 'timeout AND user.id:42',
                  default_field: 'message',
                  lenient: true,
                },
              },
            ],
          },
        },
      },
    );
    assert.throws(() => searchBody({ query: '*', since: 'yesterday', size: 1 }), /--since/);
  });

  it('returns the newest lines newest last, then --follow polls without duplicates', async () => {
    fake.state.documents.push(
      doc('a', '2026-11-21T08:00:00.000Z', 'info', 'first'),
      doc('b', '2026-11-21T08:00:01.000Z', 'error', 'second'),
      doc('c', '2026-11-21T08:00:02.000Z', 'info', 'third'),
    );
    const options = { query: '*', since: '1h', size: 2 };
    const rows = await searchLogs(session.client, options);
    assert.deepEqual(
      rows.map((r) => r.message),
      ['second', 'third'],
      'the newest two, oldest first',
    );
    const search = fake.requests.at(-1)!;
    assert.equal(search.path, '/logs-pong.*/_search');
    assert.equal(search.query.ignore_unavailable, 'true');
    let cursor = cursorFrom(rows, '');
    let poll = await pollLogs(session.client, options, cursor);
    assert.deepEqual(poll.rows, [], 'nothing new');
    assert.deepEqual((fake.requests.at(-1)!.json as any).query.bool.filter[0], {
      range: { '@timestamp': { gte: '2026-11-21T08:00:02.000Z' } },
    });
    fake.state.documents.push(
      doc('d', '2026-11-21T08:00:02.000Z', 'warn', 'same millisecond'),
      doc('e', '2026-11-21T08:00:03.000Z', 'info', 'fourth'),
    );
    poll = await pollLogs(session.client, options, poll.cursor);
    assert.deepEqual(
      poll.rows.map((r) => r.message),
      ['same millisecond', 'fourth'],
    );
    cursor = poll.cursor;
    poll = await pollLogs(session.client, options, cursor);
    assert.deepEqual(poll.rows, []);
  });

  it('through pongctl: search prints newest last (text) or JSON', async () => {
    fake.state.documents.push(
      doc('a', '2026-11-21T08:00:00.000Z', 'info', 'hello', { 'trace.id': 't-1' }),
      doc('b', '2026-11-21T08:00:01.000Z', 'error', 'boom'),
    );
    const text = await runCli(['logs', 'search', 'boom OR hello', '--since', '2h', '-o', 'table'], {
      env: env(),
    });
    assert.equal(text.code, 0, text.stderr);
    assert.deepEqual(text.stdout.trim().split('\n'), [
      '2026-11-21T08:00:00.000Z INFO  pong.api hello trace.id=t-1',
      '2026-11-21T08:00:01.000Z ERROR pong.api boom',
    ]);
    const json = await runCli(['logs', 'search', '--level', 'error', '-o', 'json'], { env: env() });
    assert.equal(json.code, 0, json.stderr);
    assert.equal(JSON.parse(json.stdout).length, 2);
    assert.deepEqual((fake.requests.at(-1)!.json as any).query.bool.filter[1], {
      terms: { 'log.level': ['error', 'fatal'] },
    });
  });

  it('creates the three least-privilege roles and mints keys limited to one role each', async () => {
    const created = await putRoles(session.client);
    assert.deepEqual(
      created.map((r) => r.role),
      ['pong_logs_writer', 'pong_logs_admin', 'pong_logs_reader'],
    );
    const writer = fake.requests.find((r) => r.path === '/_security/role/pong_logs_writer')!;
    assert.equal(writer.method, 'PUT');
    assert.deepEqual((writer.json as any).indices, [
      { names: ['logs-pong.*'], privileges: ['create_doc', 'auto_configure'] },
    ]);
    assert.deepEqual((writer.json as any).cluster, ['monitor']);
    assert.ok(
      (
        fake.requests.find((r) => r.path === '/_security/role/pong_logs_admin')!.json as any
      ).cluster.includes('manage_slm'),
    );
    const key = await mintKey(session.client, 'shipper');
    const request = fake.requests.at(-1)!;
    assert.equal(request.path, '/_security/api_key');
    assert.ok(['PUT', 'POST'].includes(request.method));
    const { description: _d, metadata: _m, ...descriptor } = roles.pong_logs_writer!;
    assert.deepEqual(request.json, {
      name: 'pong-logs-shipper',
      role_descriptors: { pong_logs_writer: descriptor },
      metadata: { managed_by: 'pongctl', kind: 'shipper' },
    });
    assert.equal(Buffer.from(key.encoded, 'base64').toString(), 'key-1:secret-1');
  });

  it('through pongctl: setup-security prints each key once, or writes 0600 files and keeps existing ones', async () => {
    const printed = await runCli(
      ['logs', 'setup-security', '--keys', 'shipper,ops', '-o', 'json'],
      { env: env() },
    );
    assert.equal(printed.code, 0, printed.stderr);
    const keys = JSON.parse(printed.stdout) as { kind: string; encoded: string }[];
    assert.deepEqual(
      keys.map((k) => k.kind),
      ['shipper', 'ops'],
    );
    assert.match(printed.stderr, /shown once/);
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'pong-keys-')), 'keys');
    const first = await runCli(
      ['logs', 'setup-security', '--keys', 'logstash', '--write-keys', dir],
      { env: env() },
    );
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, '', 'nothing on stdout when keys go to files');
    const file = path.join(dir, 'logstash.key');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const minted = fake.state.apiKeys.length;
    const second = await runCli(
      ['logs', 'setup-security', '--keys', 'logstash', '--write-keys', dir],
      { env: env() },
    );
    assert.equal(second.code, 0, second.stderr);
    assert.equal(
      fake.state.apiKeys.length,
      minted,
      'an existing key file is kept, no new key minted',
    );
    assert.ok(readFileSync(file, 'utf8').trim().length > 8);
    const bad = await runCli(['logs', 'setup-security', '--keys', 'root'], { env: env() });
    assert.equal(bad.code, 2);
  });
});
