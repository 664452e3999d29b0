/**
 * A database of the test's own, for tests whose subject is the whole table
 * (for example "at least one admin remains"): on PostgreSQL a fresh database
 * beside the run's one, dropped afterwards; on PGlite the in-memory default,
 * which is private to each server already.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { onPostgres, testDatabaseUrl } from './env.ts';

export interface PrivateDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function privateDatabase(): Promise<PrivateDatabase> {
  if (!onPostgres) return { url: testDatabaseUrl, drop: async () => undefined };
  const name = `test_private_${randomUUID().replace(/-/g, '')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
