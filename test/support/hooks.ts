/**
 * Mocha root hooks: on PostgreSQL, start from an empty public schema so runs
 * do not see each other's rows (each PGlite server gets a fresh memory
 * database); after each test, fail it if an in-process server answered a
 * status its contract does not declare, whether or not the test looked.
 */
import knexFactory from 'knex';
import { takeContractViolations } from '../../api/http/middleware/declared-statuses.ts';
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
  afterEach(): void {
    const violations = takeContractViolations();
    if (violations.length > 0) throw new Error(violations.join('\n'));
  },
};
