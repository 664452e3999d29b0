/**
 * The social area's queries: friend edges (one row per side of a pair),
 * blocks, and the users' last-seen time. The only file of the area that talks
 * to knex; services open the transactions.
 */
import { operations, type Q } from '../../core/query.ts';

const op = operations('social');

type Time = Date | string;

/** The viewer's side of a pair, in Nakama's terms: FRIEND, INVITE_SENT, INVITE_RECEIVED. */
export type EdgeState = 'friend' | 'invite_sent' | 'invite_received';

export interface EdgeRow {
  user_id: string;
  other_id: string;
  state: EdgeState;
  created_at: Time;
  updated_at: Time;
}

/** An edge joined with the other user's public columns, for lists. */
export interface EdgeWithUser extends EdgeRow {
  username: string;
  display_name: string;
  avatar_etag: string | null;
  last_seen_at: Time | null;
}

// ---- blocks

/** True when either user blocks the other. */
export async function isBlockedEitherWay(q: Q, userA: string, userB: string): Promise<boolean> {
  const row = await q('user_blocks')
    .queryContext(op('isBlockedEitherWay'))
    .select(q.raw('1 as hit'))
    .where({ blocker_id: userA, blocked_id: userB })
    .orWhere({ blocker_id: userB, blocked_id: userA })
    .first();
  return row !== undefined;
}

/** Users this one blocked, and users who blocked this one (each id once). */
export async function blockedUserIds(q: Q, userId: string): Promise<string[]> {
  const rows = (await q
    .select('blocked_id as id')
    .from('user_blocks')
    .where({ blocker_id: userId })
    .union((u) => {
      void u.select('blocker_id as id').from('user_blocks').where({ blocked_id: userId });
    })) as { id: string }[];
  return rows.map((r) => r.id);
}

/** Inserts a block; false when it already existed. */
export async function insertBlock(
  q: Q,
  blockerId: string,
  blockedId: string,
  now: Date,
): Promise<boolean> {
  const rows = await q('user_blocks')
    .queryContext(op('insertBlock'))
    .insert({ blocker_id: blockerId, blocked_id: blockedId, created_at: now })
    .onConflict(['blocker_id', 'blocked_id'])
    .ignore()
    .returning('blocker_id');
  return rows.length > 0;
}

/** Returns how many rows went (counted from RETURNING, which both engines report the same way). */
export async function deleteBlock(q: Q, blockerId: string, blockedId: string): Promise<number> {
  const rows: unknown[] = await q('user_blocks')
    .queryContext(op('deleteBlock'))
    .where({ blocker_id: blockerId, blocked_id: blockedId })
    .delete()
    .returning('blocker_id');
  return rows.length;
}

export interface BlockWithUser {
  blocked_id: string;
  created_at: Time;
  username: string;
  display_name: string;
  avatar_etag: string | null;
}

/** The users `blockerId` blocks, newest first; the cursor is the last row's (created_at, blocked_id). */
export function listBlocks(
  q: Q,
  blockerId: string,
  page: { limit: number; after?: [string, string] },
): Promise<BlockWithUser[]> {
  const query = q<BlockWithUser>('user_blocks as b')
    .join('users as u', 'u.id', 'b.blocked_id')
    .select('b.blocked_id', 'b.created_at', 'u.username', 'u.display_name', 'u.avatar_etag')
    .where('b.blocker_id', blockerId)
    .whereNot('u.status', 'deleted')
    .orderBy([
      { column: 'b.created_at', order: 'desc' },
      { column: 'b.blocked_id', order: 'desc' },
    ])
    .limit(page.limit + 1);
  if (page.after)
    query.whereRaw('(b.created_at, b.blocked_id) < (?, ?)', [
      new Date(page.after[0]),
      page.after[1],
    ]);
  return query;
}

// ---- friend edges

export const findEdge = (q: Q, userId: string, otherId: string): Promise<EdgeRow | undefined> =>
  q<EdgeRow>('friend_edges').where({ user_id: userId, other_id: otherId }).first();

/** Locks both rows of a pair (in a fixed order, so two requests on one pair cannot deadlock). */
export async function lockPair(q: Q, a: string, b: string): Promise<void> {
  const [first, second] = a < b ? [a, b] : [b, a];
  await q('users')
    .queryContext(op('lockPair'))
    .select('id')
    .whereIn('id', [first, second])
    .orderBy('id')
    .forUpdate();
}

/** Writes both sides of a pair (insert or overwrite). */
export async function upsertPair(
  q: Q,
  pair: { userId: string; otherId: string; mine: EdgeState; theirs: EdgeState },
  now: Date,
): Promise<void> {
  const rows = [
    {
      user_id: pair.userId,
      other_id: pair.otherId,
      state: pair.mine,
      created_at: now,
      updated_at: now,
    },
    {
      user_id: pair.otherId,
      other_id: pair.userId,
      state: pair.theirs,
      created_at: now,
      updated_at: now,
    },
  ];
  await q('friend_edges')
    .queryContext(op('upsertPair'))
    .insert(rows)
    .onConflict(['user_id', 'other_id'])
    .merge(['state', 'updated_at']);
}

/** Deletes both sides of a pair; returns how many rows went (0 or 2). */
export async function deletePair(q: Q, a: string, b: string): Promise<number> {
  const rows: unknown[] = await q('friend_edges')
    .queryContext(op('deletePair'))
    .where({ user_id: a, other_id: b })
    .orWhere({ user_id: b, other_id: a })
    .delete()
    .returning('user_id');
  return rows.length;
}

/** One user's edges in one state, most recently changed first; cursor (updated_at, other_id). */
export function listEdges(
  q: Q,
  userId: string,
  state: EdgeState,
  page: { limit: number; after?: [string, string] },
): Promise<EdgeWithUser[]> {
  const query = q<EdgeWithUser>('friend_edges as e')
    .join('users as u', 'u.id', 'e.other_id')
    .select('e.*', 'u.username', 'u.display_name', 'u.avatar_etag', 'u.last_seen_at')
    .where({ 'e.user_id': userId, 'e.state': state })
    // A deleted (anonymised) account keeps its rows for history but leaves friend lists.
    .whereNot('u.status', 'deleted')
    .orderBy([
      { column: 'e.updated_at', order: 'desc' },
      { column: 'e.other_id', order: 'desc' },
    ])
    .limit(page.limit + 1);
  if (page.after)
    query.whereRaw('(e.updated_at, e.other_id) < (?, ?)', [new Date(page.after[0]), page.after[1]]);
  return query;
}

/** Ids of a user's accepted friends (presence fan-out). */
export async function friendIds(q: Q, userId: string): Promise<string[]> {
  const rows = await q('friend_edges')
    .queryContext(op('friendIds'))
    .select('other_id')
    .where({ user_id: userId, state: 'friend' });
  return rows.map((r: { other_id: string }) => r.other_id);
}

export async function areFriends(q: Q, a: string, b: string): Promise<boolean> {
  return (await findEdge(q, a, b))?.state === 'friend';
}

// ---- last seen

export async function touchLastSeen(q: Q, userId: string, now: Date): Promise<void> {
  await q('users')
    .queryContext(op('touchLastSeen'))
    .where({ id: userId })
    .update({ last_seen_at: now });
}

export interface UserBrief {
  id: string;
  username: string;
  display_name: string;
  avatar_etag: string | null;
  last_seen_at: Time | null;
}

/** Public columns of some users (presence events, admin presence list). */
export function usersByIds(q: Q, ids: readonly string[]): Promise<UserBrief[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return q<UserBrief>('users')
    .select('id', 'username', 'display_name', 'avatar_etag', 'last_seen_at')
    .whereIn('id', [...ids]);
}
