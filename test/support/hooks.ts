/**
 * Mocha root hooks: on PostgreSQL, start from an empty public schema so runs
 * do not see each other's rows. (Each PGlite server gets a fresh memory database.)
 */
import knexFactory from 'knex';
import { onPostgres, testDatabaseUrl } from './env.ts';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    if (!onPostgres) return;
    this.timeout(30_000);
    const db = knexFactory({ client: 'pg', connection: testDatabaseUrl, pool: { min: 0, max: 1 } });
    try {
      await db.raw('drop schema if exists public cascade');
      await db.raw('create schema public');
    } finally {
      await db.destroy();
    }
  },
};
