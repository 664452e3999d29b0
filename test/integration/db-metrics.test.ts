// Database metrics on the real engine: pool gauges, the per-operation query
// histogram from knex queryContext, failures counted, and SQL never a label.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '../../api/core/db.ts';
import { createMetrics, type Metrics } from '../../api/core/metrics.ts';
import { operationOf } from '../../api/core/db-metrics.ts';
import { testDatabaseUrl } from '../support/env.ts';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('database metrics', () => {
  let db: Db;
  let metrics: Metrics;
  let dataDir: string;

  before(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'pongctl-dbm-'));
    db = createDb({ databaseUrl: testDatabaseUrl, dataDir, poolMax: 3 });
    metrics = createMetrics({ version: 'test', db });
  });
  after(async () => {
    await db.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('times queries by the repo operation named in queryContext', async () => {
    await db.raw('select 1 as one').queryContext({ op: 'test.ping' });
    await db.raw('select 2 as two').queryContext({ op: 'test.ping' });
    await db.raw('select 3 as three');
    const text = await metrics.registry.metrics();
    assert.equal(sample(text, 'db_query_duration_seconds_count{operation="test.ping"}'), 2);
    assert.equal(sample(text, 'db_queries_total{operation="test.ping"}'), 2);
    assert.ok((sample(text, 'db_query_duration_seconds_count{operation="unlabelled"}') ?? 0) >= 1);
    assert.ok(
      (sample(text, 'db_query_duration_seconds_bucket{operation="test.ping",le="+Inf"}') ?? 0) ===
        2,
    );
    assert.doesNotMatch(text, /select 1/i, 'SQL text must never become a label');
  });

  it('counts failed queries per operation', async () => {
    await assert.rejects(
      db.raw('select * from no_such_table_here').queryContext({ op: 'test.broken' }),
    );
    const text = await metrics.registry.metrics();
    assert.equal(sample(text, 'db_query_errors_total{operation="test.broken"}'), 1);
    assert.equal(sample(text, 'db_query_duration_seconds_count{operation="test.broken"}'), 1);
  });

  it('reports pool size, use and waiters at scrape time', async () => {
    let text = await metrics.registry.metrics();
    assert.equal(sample(text, 'db_pool_used'), 0);
    assert.equal(sample(text, 'db_pool_waiting'), 0);
    assert.ok((sample(text, 'db_pool_max') ?? 0) >= 1);
    // Hold a connection in a transaction and look while it is checked out.
    await db.transaction(async (trx) => {
      await trx.raw('select 1').queryContext({ op: 'test.inTransaction' });
      text = await metrics.registry.metrics();
      assert.equal(sample(text, 'db_pool_used'), 1);
    });
  });

  it('labels only well-formed operation names', () => {
    assert.equal(operationOf({ op: 'accounts.findByUsername' }), 'accounts.findByUsername');
    assert.equal(operationOf({ op: 'alice@example.com' }), 'unlabelled');
    assert.equal(operationOf({ op: 'select * from users' }), 'unlabelled');
    assert.equal(operationOf(undefined), 'unlabelled');
    assert.equal(operationOf({ op: 42 }), 'unlabelled');
  });
});
