/** How account rows are shown: to the user, to everyone, to staff; and the rules derived from a row (effective status, ban). */
import { AppError } from '../../contract/errors.ts';
import type { UserRow } from './repo.ts';

type Time = Date | string | null;

export const iso = (t: Time): string | null => (t === null ? null : new Date(t).toISOString());

/** A ban whose end has passed no longer counts. */
export function effectiveStatus(
  user: Pick<UserRow, 'status' | 'banned_until'>,
  nowMs: number,
): UserRow['status'] {
  if (
    user.status === 'banned' &&
    user.banned_until &&
    new Date(user.banned_until).getTime() <= nowMs
  )
    return 'active';
  return user.status;
}

/** Throws the 403 a banned user gets: FORBIDDEN with details {reason: 'BANNED', until, banReason}. */
export function assertNotBanned(user: UserRow, nowMs: number): void {
  if (effectiveStatus(user, nowMs) !== 'banned') return;
  throw new AppError('FORBIDDEN', 'This account is banned', {
    reason: 'BANNED',
    until: iso(user.banned_until),
    banReason: user.ban_reason,
  });
}

export function avatarUrl(user: Pick<UserRow, 'username' | 'avatar_etag'>): string {
  const base = `/api/v1/users/${encodeURIComponent(user.username)}/avatar`;
  return user.avatar_etag ? `${base}?v=${user.avatar_etag.slice(0, 12)}` : base;
}

export function selfView(user: UserRow, nowMs: number) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    role: user.role,
    status: effectiveStatus(user, nowMs),
    displayName: user.display_name,
    bio: user.bio,
    avatarUrl: avatarUrl(user),
    twoFactorEnabled: user.totp_enabled,
    createdAt: iso(user.created_at)!,
  };
}

export function publicView(user: UserRow) {
  return {
    username: user.username,
    displayName: user.display_name,
    bio: user.bio,
    avatarUrl: avatarUrl(user),
    role: user.role,
    createdAt: iso(user.created_at)!,
  };
}

export function adminView(user: UserRow, nowMs: number) {
  const status = effectiveStatus(user, nowMs);
  return {
    ...selfView(user, nowMs),
    banReason: status === 'banned' ? user.ban_reason : null,
    bannedUntil: status === 'banned' ? iso(user.banned_until) : null,
    lastLoginAt: iso(user.last_login_at),
    updatedAt: iso(user.updated_at)!,
  };
}

export const usernameKey = (username: string) => username.trim().toLowerCase();
export const emailKey = (email: string) => email.trim().toLowerCase();
