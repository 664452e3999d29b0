/**
 * Queries of the admin import of finished matches and of backdated
 * registrations. The rows written are the same the live match-end
 * transaction writes (api/domain/games/results.ts), so the stats triggers and
 * every read path treat imported matches like played ones.
 */
import type { Knex } from 'knex';
import { operations } from '../../core/query.ts';

const op = operations('imports');

export interface UserRef {
  id: string;
  username: string;
  status: string;
}

export async function usersByName(
  trx: Knex.Transaction,
  usernames: readonly string[],
): Promise<Map<string, UserRef>> {
  const rows = (await trx('users')
    .queryContext(op('usersByName'))
    .whereIn(
      'username_key',
      usernames.map((u) => u.toLowerCase()),
    )
    .select('id', 'username', 'username_key', 'status')) as (UserRef & { username_key: string })[];
  return new Map(rows.map((r) => [r.username_key, r]));
}

/** The latest end of any played match of these users (imports must come after it). */
export async function latestEnd(
  trx: Knex.Transaction,
  userIds: readonly string[],
): Promise<Date | null> {
  const row = await trx('match_players')
    .queryContext(op('latestEnd'))
    .whereIn('user_id', userIds)
    .max({ at: 'ended_at' })
    .first<{ at: Date | string | null }>();
  return row?.at ? new Date(row.at) : null;
}

export async function insertFinishedMatch(
  trx: Knex.Transaction,
  match: Record<string, unknown>,
  players: Record<string, unknown>[],
): Promise<void> {
  await trx('matches').queryContext(op('insertFinishedMatch')).insert(match);
  await trx('match_players').queryContext(op('insertFinishedMatch')).insert(players);
}

export async function addQueueWait(
  trx: Knex.Transaction,
  day: string,
  bucket: number,
): Promise<void> {
  await trx
    .raw(
      'insert into stats_queue_waits as w (day, bucket, n) values (?, ?, 1) on conflict (day, bucket) do update set n = w.n + 1',
      [day, bucket],
    )
    .queryContext(op('addQueueWait'));
}

export async function setRegisteredAt(
  trx: Knex.Transaction,
  userId: string,
  at: Date,
): Promise<void> {
  await trx('users')
    .queryContext(op('setRegisteredAt'))
    .where({ id: userId })
    .update({ created_at: at });
}
