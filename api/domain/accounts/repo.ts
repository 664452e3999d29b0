/**
 * The accounts area's queries: users, sessions and refresh tokens, reset
 * tokens, personal access tokens and recovery codes, with the mail outbox's
 * (outbox-repo.ts) re-exported. Services open the transactions.
 */
import { operations, type Q } from '../../core/query.ts';
import type { Knex } from 'knex';

const op = operations('accounts');

type Time = Date | string;

export interface UserRow {
  id: string;
  username: string;
  username_key: string;
  email: string | null;
  email_key: string | null;
  password_hash: string | null;
  role: 'player' | 'moderator' | 'admin';
  status: 'active' | 'banned' | 'deleted';
  display_name: string;
  bio: string;
  avatar_type: string | null;
  avatar_etag: string | null;
  avatar_width: number | null;
  avatar_height: number | null;
  avatar_bytes: number | null;
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_enabled: boolean;
  totp_last_step: number | null;
  ban_reason: string | null;
  banned_until: Time | null;
  banned_at: Time | null;
  deleted_at: Time | null;
  last_login_at: Time | null;
  created_at: Time;
  updated_at: Time;
}

export type NewUser = Pick<
  UserRow,
  | 'id'
  | 'username'
  | 'username_key'
  | 'email'
  | 'email_key'
  | 'password_hash'
  | 'role'
  | 'display_name'
>;

export const findUserById = (q: Q, id: string) => q<UserRow>('users').where({ id }).first();
export const findUserByKey = (q: Q, key: string) =>
  q<UserRow>('users').where({ username_key: key }).first();
export const findUserByEmailKey = (q: Q, key: string) =>
  q<UserRow>('users').where({ email_key: key }).first();

/** A user by lowercase username or normalised email, deleted accounts excluded. */
export const findUserByLogin = (q: Q, key: string) =>
  q<UserRow>('users')
    .where((w) => {
      void w.where({ username_key: key }).orWhere({ email_key: key });
    })
    .whereNot({ status: 'deleted' })
    .first();

export async function insertUser(q: Q, user: NewUser, now: Date): Promise<UserRow> {
  const [row] = await q<UserRow>('users')
    .insert({ ...user, created_at: now, updated_at: now })
    .returning('*');
  return row as UserRow;
}

export async function updateUser(
  q: Q,
  id: string,
  patch: Partial<UserRow>,
  now: Date,
): Promise<UserRow> {
  const [row] = await q<UserRow>('users')
    .where({ id })
    .update({ ...patch, updated_at: now })
    .returning('*');
  return row as UserRow;
}

export async function countUsers(q: Q): Promise<number> {
  const row = await q('users')
    .queryContext(op('countUsers'))
    .count<{ n: number }[]>({ n: '*' })
    .first();
  return Number(row?.n ?? 0);
}

/**
 * Locks every admin that is not deleted (in id order, so concurrent callers
 * queue instead of deadlocking) and returns them as committed after the wait:
 * role changes, bans and deletions of admins hold this lock until they commit.
 */
export function lockAdmins(q: Q): Promise<Pick<UserRow, 'id' | 'status' | 'banned_until'>[]> {
  return q<UserRow>('users')
    .select('id', 'status', 'banned_until')
    .where({ role: 'admin' })
    .whereNot({ status: 'deleted' })
    .orderBy('id')
    .forUpdate();
}

const likePrefix = (text: string) => `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export interface UserSearch {
  q?: string;
  role?: string;
  status?: 'active' | 'banned' | 'deleted';
  now: Date;
  limit: number;
  after?: string;
  includeDeleted: boolean;
}

/** Users ordered by username key, with optional prefix, role and effective-status filters. */
export function searchUsers(q: Q, s: UserSearch): Promise<UserRow[]> {
  const query = q<UserRow>('users')
    .orderBy('username_key')
    .limit(s.limit + 1);
  if (s.after !== undefined) query.where('username_key', '>', s.after);
  if (s.q) {
    const prefix = likePrefix(s.q);
    query.where((w) => {
      void w
        .whereRaw(`username_key like ? escape '\\'`, [prefix])
        .orWhereRaw(`lower(display_name) like ? escape '\\'`, [prefix]);
    });
  }
  if (s.role) query.where('role', s.role);
  // A ban whose end has passed counts as active.
  const banActive = (w: Knex.QueryBuilder) => {
    void w.whereNull('banned_until').orWhere('banned_until', '>', s.now);
  };
  const banOver = (w: Knex.QueryBuilder) => {
    void w.where({ status: 'banned' }).where('banned_until', '<=', s.now);
  };
  if (s.status === 'banned') query.where({ status: 'banned' }).where(banActive);
  else if (s.status === 'active') {
    query.where((w) => {
      void w.where({ status: 'active' }).orWhere(banOver);
    });
  } else if (s.status === 'deleted') query.where({ status: 'deleted' });
  else if (!s.includeDeleted) query.whereNot({ status: 'deleted' });
  return query;
}

// Sessions and refresh tokens

export interface SessionRow {
  id: string;
  user_id: string;
  expires_at: Time;
  revoked_at: Time | null;
}

export async function insertSession(
  q: Q,
  row: {
    id: string;
    user_id: string;
    user_agent: string | null;
    ip: string | null;
    expires_at: Date;
  },
  now: Date,
) {
  await q('sessions')
    .queryContext(op('insertSession'))
    .insert({ ...row, created_at: now });
}

export const findSession = (q: Q, id: string) =>
  q<SessionRow>('sessions')
    .select('id', 'user_id', 'expires_at', 'revoked_at')
    .where({ id })
    .first();

export async function revokeSessions(
  q: Q,
  where: { id?: string; userId?: string; exceptId?: string },
  reason: string,
  now: Date,
): Promise<string[]> {
  const query = q('sessions').queryContext(op('revokeSessions')).whereNull('revoked_at');
  if (where.id) query.where({ id: where.id });
  if (where.userId) query.where({ user_id: where.userId });
  if (where.exceptId) query.whereNot({ id: where.exceptId });
  const rows: { id: string }[] = await query
    .update({ revoked_at: now, revoked_reason: reason })
    .returning('id');
  return rows.map((r) => r.id);
}

/** Sessions revoked at or after `since`: what other instances may not have heard while Redis was away. */
export const sessionsRevokedSince = (q: Q, since: Date): Promise<string[]> =>
  q('sessions')
    .queryContext(op('sessionsRevokedSince'))
    .where('revoked_at', '>=', since)
    .pluck('id');

export async function touchSession(q: Q, id: string, now: Date, expiresAt: Date): Promise<void> {
  await q('sessions')
    .queryContext(op('touchSession'))
    .where({ id })
    .update({ last_refreshed_at: now, expires_at: expiresAt });
}

export async function insertRefreshToken(
  q: Q,
  row: { token_hash: string; session_id: string; expires_at: Date },
  now: Date,
): Promise<void> {
  await q('refresh_tokens')
    .queryContext(op('insertRefreshToken'))
    .insert({ ...row, created_at: now });
}

export interface RefreshRow {
  token_hash: string;
  session_id: string;
  expires_at: Time;
  rotated_at: Time | null;
  user_id: string;
  session_revoked_at: Time | null;
}

export const findRefreshToken = (q: Q, hash: string) =>
  q('refresh_tokens as r')
    .queryContext(op('findRefreshToken'))
    .join('sessions as s', 's.id', 'r.session_id')
    .select<RefreshRow[]>(
      'r.token_hash',
      'r.session_id',
      'r.expires_at',
      'r.rotated_at',
      's.user_id',
      's.revoked_at as session_revoked_at',
    )
    .where('r.token_hash', hash)
    .first();

/** Marks a refresh token used; false when another request rotated it first. */
export async function rotateRefreshToken(q: Q, hash: string, now: Date): Promise<boolean> {
  const rows: unknown[] = await q('refresh_tokens')
    .queryContext(op('rotateRefreshToken'))
    .where({ token_hash: hash })
    .whereNull('rotated_at')
    .update({ rotated_at: now })
    .returning('token_hash');
  return rows.length === 1;
}

// Password resets

export async function insertReset(
  q: Q,
  row: { token_hash: string; user_id: string; requested_by: string; expires_at: Date },
  now: Date,
) {
  await q('password_resets')
    .queryContext(op('insertReset'))
    .insert({ ...row, created_at: now });
}

export const findReset = (q: Q, hash: string) =>
  q<{ user_id: string; expires_at: Time; used_at: Time | null }>('password_resets')
    .where('token_hash', hash)
    .first();

/** Uses up every open reset token of the user (a reset, a password change); returns their hashes. */
export async function useUpResets(q: Q, userId: string, now: Date): Promise<string[]> {
  const rows: { token_hash: string }[] = await q('password_resets')
    .queryContext(op('useUpResets'))
    .where({ user_id: userId })
    .whereNull('used_at')
    .update({ used_at: now })
    .returning('token_hash');
  return rows.map((r) => r.token_hash);
}

// Personal access tokens

export interface PatRow {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  created_at: Time;
  expires_at: Time | null;
  last_used_at: Time | null;
}

const patColumns = ['id', 'user_id', 'name', 'prefix', 'created_at', 'expires_at', 'last_used_at'];

export async function insertPat(
  q: Q,
  row: Omit<PatRow, 'created_at' | 'last_used_at'> & { token_hash: string },
  now: Date,
): Promise<PatRow> {
  const [created] = await q('personal_access_tokens')
    .queryContext(op('insertPat'))
    .insert({ ...row, created_at: now })
    .returning(patColumns);
  return created as PatRow;
}

export function listPats(
  q: Q,
  userId: string,
  page: { limit: number; after?: [string, string] },
): Promise<PatRow[]> {
  const query = q('personal_access_tokens')
    .queryContext(op('listPats'))
    .select<PatRow[]>(patColumns)
    .where({ user_id: userId })
    .orderBy([{ column: 'created_at' }, { column: 'id' }])
    .limit(page.limit + 1);
  if (page.after) query.whereRaw('(created_at, id) > (?::timestamptz, ?::uuid)', page.after);
  return query;
}

/** Deletes tokens; returns their ids (from RETURNING, which both engines report the same way). */
export async function deletePats(q: Q, where: { user_id: string; id?: string }): Promise<string[]> {
  const rows: { id: string }[] = await q('personal_access_tokens')
    .queryContext(op('deletePats'))
    .where(where)
    .delete()
    .returning('id');
  return rows.map((r) => r.id);
}

export async function countPats(q: Q, userId: string): Promise<number> {
  const row = await q('personal_access_tokens')
    .queryContext(op('countPats'))
    .where({ user_id: userId })
    .count<{ n: number }[]>({ n: '*' })
    .first();
  return Number(row?.n ?? 0);
}

/** Holds the user's row until the transaction ends, so per-user checks cannot race. */
export async function lockUser(q: Q, id: string): Promise<void> {
  await q('users').queryContext(op('lockUser')).select('id').where({ id }).forUpdate();
}

export const findPatByHash = (q: Q, hash: string): Promise<PatRow | undefined> =>
  q('personal_access_tokens')
    .queryContext(op('findPatByHash'))
    .select<PatRow[]>(patColumns)
    .where('token_hash', hash)
    .first();
export const touchPat = (q: Q, id: string, now: Date) =>
  q('personal_access_tokens')
    .queryContext(op('touchPat'))
    .where({ id })
    .update({ last_used_at: now });

// 2FA recovery codes

export async function replaceRecoveryCodes(q: Q, userId: string, hashes: string[]): Promise<void> {
  await q('recovery_codes')
    .queryContext(op('replaceRecoveryCodes'))
    .where({ user_id: userId })
    .delete();
  if (hashes.length > 0)
    await q('recovery_codes')
      .queryContext(op('replaceRecoveryCodes'))
      .insert(hashes.map((code_hash) => ({ user_id: userId, code_hash })));
}

/** Marks an unused recovery code used; false when there is none with this hash. */
export async function useRecoveryCode(
  q: Q,
  userId: string,
  hash: string,
  now: Date,
): Promise<boolean> {
  const rows: unknown[] = await q('recovery_codes')
    .queryContext(op('useRecoveryCode'))
    .where({ user_id: userId, code_hash: hash })
    .whereNull('used_at')
    .update({ used_at: now })
    .returning('id');
  return rows.length > 0;
}

export * from './outbox-repo.ts';
