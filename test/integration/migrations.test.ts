import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { createDb, migrationsDirectory, type Db } from '../../api/core/db.ts';
import { toAppError } from '../../api/core/errors.ts';
import { testDatabaseUrl } from '../support/env.ts';

async function tables(db: Db): Promise<string[]> {
  const rows = await db('information_schema.tables')
    .where({ table_schema: 'public', table_type: 'BASE TABLE' })
    .whereNot('table_name', 'like', 'knex_migrations%')
    .orderBy('table_name')
    .pluck('table_name');
  return rows as string[];
}

describe(`migrations on ${testDatabaseUrl.startsWith('postgres') ? 'PostgreSQL' : 'PGlite'}`, () => {
  let db: Db;
  before(async () => {
    db = createDb({ databaseUrl: testDatabaseUrl, dataDir: '.data-unused' });
    // Each test stands alone: the schema is there whichever test runs first.
    await db.migrate.latest();
  });
  after(() => db.destroy());

  it('every migration file has up and down', async () => {
    for (const file of readdirSync(migrationsDirectory).filter((f) => f.endsWith('.ts'))) {
      const mod = (await import(`${migrationsDirectory}/${file}`)) as Record<string, unknown>;
      assert.equal(typeof mod.up, 'function', `${file} up`);
      assert.equal(typeof mod.down, 'function', `${file} down`);
    }
  });

  it('migrates up, all the way down, and up again to the same schema', async () => {
    await db.migrate.latest();
    const first = await tables(db);
    assert.ok(first.includes('audit_log'), 'audit_log exists after up');
    const [, pendingBefore] = (await db.migrate.list()) as [unknown[], unknown[]];
    assert.equal(pendingBefore.length, 0);

    await db.migrate.rollback(undefined, true);
    assert.deepEqual(await tables(db), [], 'down removes every table');

    await db.migrate.latest();
    assert.deepEqual(await tables(db), first);
  });

  it('returns counts as numbers on this engine', async () => {
    const [row] = await db('audit_log').count({ n: '*' });
    assert.equal(typeof row!.n, 'number');
  });

  it('maps a value of the wrong type (22P02) to VALIDATION', async () => {
    const err = await db.raw("select 'not-a-number'::int").catch((e: unknown) => e);
    assert.equal(toAppError(err).code, 'VALIDATION');
  });

  it('maps a unique violation (23505) to CONFLICT', async () => {
    const err = await db
      .transaction(async (trx) => {
        await trx.raw('create temporary table migrations_probe (k int unique) on commit drop');
        await trx.raw('insert into migrations_probe values (1)');
        await trx.raw('insert into migrations_probe values (1)');
      })
      .catch((e: unknown) => e);
    assert.equal(toAppError(err).code, 'CONFLICT');
  });
});
