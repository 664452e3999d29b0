/**
 * Keyset-paged match lists: public live and ended matches, a user's history,
 * a player's own matches and the admin list, newest first.
 */
import { operations, type Q } from '../../core/query.ts';
import type { Knex } from 'knex';
import { endedStates, liveStates, type MatchRow } from './repo.ts';

const op = operations('games');
export interface Page {
  limit: number;
  /** Sort key of the last row seen: [timestamp ISO, id]. */
  after?: [string, string];
}

function before(
  query: Knex.QueryBuilder,
  column: string,
  idColumn: string,
  after?: [string, string],
): void {
  if (after) query.whereRaw(`(${column}, ${idColumn}) < (?, ?)`, [new Date(after[0]), after[1]]);
}

/** Public matches that are live (newest first) or have ended after play began (latest end first). */
export function listPublic(q: Q, which: 'live' | 'ended', page: Page): Promise<MatchRow[]> {
  const query = q<MatchRow>('matches')
    .where({ visibility: 'public' })
    .limit(page.limit + 1);
  if (which === 'live') {
    query.whereIn('state', liveStates).orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
    before(query, 'created_at', 'id', page.after);
  } else {
    query
      .whereIn('state', endedStates)
      .whereNotNull('started_at')
      .orderBy([
        { column: 'ended_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    before(query, 'ended_at', 'id', page.after);
  }
  return query;
}

/**
 * A user's ended matches that were played, newest first, walking the
 * (user_id, ended_at, match_id) index. Private ones only when `viewerId`
 * played in them (null: an admin, who sees everything).
 */
export function listHistory(
  q: Q,
  userId: string,
  viewerId: string | null,
  page: Page,
): Promise<MatchRow[]> {
  const query = q('match_players as mp')
    .queryContext(op('listHistory'))
    .join('matches as m', 'm.id', 'mp.match_id')
    .where('mp.user_id', userId)
    .whereNotNull('mp.ended_at')
    .whereNotNull('m.started_at')
    .select<MatchRow[]>('m.*')
    .orderBy([
      { column: 'mp.ended_at', order: 'desc' },
      { column: 'mp.match_id', order: 'desc' },
    ])
    .limit(page.limit + 1);
  if (viewerId !== null) {
    query.where((w) => {
      w.where('m.visibility', 'public').orWhereExists(
        q('match_players as o')
          .queryContext(op('listHistory'))
          .whereRaw('o.match_id = m.id')
          .where('o.user_id', viewerId),
      );
    });
  }
  before(query, 'mp.ended_at', 'mp.match_id', page.after);
  return query;
}

/**
 * The matches a user plays in, newest first: open invites (sent and
 * received), live ones and ended ones, or all of them; private ones too.
 */
export function listOfUser(
  q: Q,
  userId: string,
  states: readonly string[] | undefined,
  page: Page,
): Promise<MatchRow[]> {
  const query = q('matches as m')
    .queryContext(op('listOfUser'))
    .whereExists(
      q('match_players as mp')
        .queryContext(op('listOfUser'))
        .whereRaw('mp.match_id = m.id')
        .where('mp.user_id', userId),
    )
    .select<MatchRow[]>('m.*')
    .orderBy([
      { column: 'm.created_at', order: 'desc' },
      { column: 'm.id', order: 'desc' },
    ])
    .limit(page.limit + 1);
  if (states) query.whereIn('m.state', states);
  before(query, 'm.created_at', 'm.id', page.after);
  return query;
}

export function listAll(
  q: Q,
  states: readonly string[] | undefined,
  page: Page,
): Promise<MatchRow[]> {
  const query = q<MatchRow>('matches')
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(page.limit + 1);
  if (states) query.whereIn('state', states);
  before(query, 'created_at', 'id', page.after);
  return query;
}
