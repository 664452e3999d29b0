// The grafana_reader role: created idempotently, reads the reporting views, and
// cannot read the tables behind them (emails, password hashes, TOTP secrets).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '../../api/core/db.ts';
import { testDatabaseUrl } from '../support/env.ts';

describe('grafana_reader role and reporting views', () => {
  let db: Db;
  let dataDir: string;

  before(async function () {
    this.timeout(60_000);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'pongctl-gr-'));
    db = createDb({ databaseUrl: testDatabaseUrl, dataDir, poolMax: 1 });
    await db.migrate.latest();
  });
  after(async () => {
    await db.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('may read the reporting views and nothing in public', async () => {
    const { rows } = (await db.raw(`select
      has_table_privilege('grafana_reader', 'reporting.users', 'select') as views,
      has_table_privilege('grafana_reader', 'reporting.sessions', 'select') as sessions,
      has_table_privilege('grafana_reader', 'public.users', 'select') as users_table,
      has_table_privilege('grafana_reader', 'public.sessions', 'select') as sessions_table`)) as {
      rows: Record<string, boolean>[];
    };
    assert.deepEqual(rows[0], {
      views: true,
      sessions: true,
      users_table: false,
      sessions_table: false,
    });
  });

  it('exposes no secret or personal-contact columns', async () => {
    const { rows } = (await db.raw(
      `select column_name from information_schema.columns where table_schema = 'reporting' order by table_name, column_name`,
    )) as {
      rows: { column_name: string }[];
    };
    const columns = rows.map((r) => r.column_name);
    for (const secret of [
      'email',
      'email_key',
      'password_hash',
      'totp_secret',
      'totp_pending_secret',
      'ip',
      'user_agent',
    ])
      assert.ok(!columns.includes(secret), secret);
    assert.ok(columns.includes('created_at'));
  });

  it('reads as the role, and is refused on the tables', async () => {
    await db.transaction(async (trx) => {
      await trx.raw('set local role grafana_reader');
      await trx.raw('select count(*) from reporting.users');
      await assert.rejects(trx.raw('select password_hash from public.users'), /permission denied/);
    });
  });

  it('migrates down and up again (the role survives, grants come back)', async () => {
    await db.migrate.down({ name: '20261121000700_grafana_reader.ts' });
    await db.migrate.up({ name: '20261121000700_grafana_reader.ts' });
    const { rows } = (await db.raw(
      `select has_table_privilege('grafana_reader', 'reporting.users', 'select') as ok`,
    )) as { rows: { ok: boolean }[] };
    assert.equal(rows[0]!.ok, true);
  });
});
