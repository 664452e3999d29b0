// First start on an empty database: the admin account with a random password shown once and kept in a 0600 file.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import knexFactory from 'knex';
import { onPostgres, testDatabaseUrl } from '../support/env.ts';
import { api, startAuthServer } from '../support/accounts.ts';

describe('accounts: bootstrap admin', () => {
  // On PostgreSQL the run's database already has users, so this test gets an empty schema of its own.
  const schema = `acc_boot_${process.pid}`;
  let databaseUrl = testDatabaseUrl;
  before(async function () {
    // The embedded database starts slowly on a busy machine.
    this.timeout(60_000);
    if (!onPostgres) return;
    const db = knexFactory({ client: 'pg', connection: testDatabaseUrl, pool: { min: 0, max: 1 } });
    await db.raw(`drop schema if exists ${schema} cascade; create schema ${schema}`);
    await db.destroy();
    databaseUrl = `${testDatabaseUrl}${testDatabaseUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  });
  after(async () => {
    if (!onPostgres) return;
    const db = knexFactory({ client: 'pg', connection: testDatabaseUrl, pool: { min: 0, max: 1 } });
    await db.raw(`drop schema if exists ${schema} cascade`);
    await db.destroy();
  });

  it('creates admin with a random password, prints it once and writes it to a 0600 file', async function () {
    this.timeout(60_000);
    const s = await startAuthServer({ PONG_ADMIN_PASSWORD: '', DATABASE_URL: databaseUrl });
    try {
      const file = path.join(s.dataDir, 'initial-admin-password');
      const password = readFileSync(file, 'utf8').trim();
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.ok(password.length >= 20);
      assert.ok(s.stderrText().includes(password));
      assert.ok(!s.logText().includes(password));
      const login = await api(s.url, 'POST', '/api/v1/auth/login', {
        body: { login: 'admin', password },
      });
      assert.equal(login.body.data.user.role, 'admin');
      const audit = await api(s.url, 'GET', '/api/v1/admin/audit?action=user.bootstrap', {
        token: login.body.data.accessToken,
      });
      assert.equal(audit.body.data[0].actor, 'system');
    } finally {
      await s.stop();
    }
  });

  it('refuses a PONG_ADMIN_PASSWORD that breaks the password policy', async function () {
    this.timeout(60_000);
    if (onPostgres) {
      const db = knexFactory({
        client: 'pg',
        connection: testDatabaseUrl,
        pool: { min: 0, max: 1 },
      });
      await db.raw(`drop schema if exists ${schema} cascade; create schema ${schema}`);
      await db.destroy();
    }
    await assert.rejects(
      startAuthServer({ PONG_ADMIN_PASSWORD: 'password1', DATABASE_URL: databaseUrl }),
      (err: Error & { code?: string }) => err.code === 'CONFIG',
    );
  });
});
