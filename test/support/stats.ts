/**
 * Stats test helpers: users written straight into the database (for boards
 * with hundreds of players), a seeded random source, and finished matches
 * recorded through the audited admin import endpoint.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { api } from './accounts.ts';

export interface PlainUser {
  id: string;
  username: string;
}

/** `n` active users named `<prefix><i>`, inserted in one statement. */
export async function insertUsers(db: Knex, prefix: string, n: number): Promise<PlainUser[]> {
  const users = Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    username: `${prefix}${i}`,
  }));
  for (let i = 0; i < users.length; i += 500) {
    await db('users').insert(
      users.slice(i, i + 500).map((u) => ({
        id: u.id,
        username: u.username,
        username_key: u.username.toLowerCase(),
        display_name: u.username,
      })),
    );
  }
  return users;
}

/** The simulator's seeded generator (mulberry32), for reproducible random test data. */
export { random as seeded } from '../../cli/commands/simulate/plan.ts';

export interface ImportInput {
  left: string;
  right: string;
  score: [number, number];
  startedAt: Date;
  seconds?: number;
  ranked?: boolean;
  visibility?: 'public' | 'private';
  stats?: { longestRally: number; averageRally: number; maxBallSpeed: number };
  queueWaitSec?: [number, number];
}

export function importBody(m: ImportInput) {
  return {
    left: m.left,
    right: m.right,
    score: m.score,
    ranked: m.ranked ?? true,
    visibility: m.visibility ?? 'public',
    startedAt: m.startedAt.toISOString(),
    endedAt: new Date(m.startedAt.getTime() + (m.seconds ?? 60) * 1000).toISOString(),
    ...(m.stats ? { stats: m.stats } : {}),
    ...(m.queueWaitSec ? { queueWaitSec: m.queueWaitSec } : {}),
  };
}

/** Imports finished matches (in order) as the admin; returns their ids. */
export async function importMatches(
  base: string,
  adminToken: string,
  matches: ImportInput[],
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < matches.length; i += 100) {
    const res = await api(base, 'POST', '/api/v1/admin/matches/import', {
      token: adminToken,
      body: { matches: matches.slice(i, i + 100).map(importBody) },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    ids.push(...res.body.data.imported.map((m: { id: string }) => m.id));
  }
  return ids;
}
