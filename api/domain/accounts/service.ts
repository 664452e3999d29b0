/**
 * Sign-up, sign-in (with 2FA), session refresh with reuse detection, logout
 * and password reset (which also ends every personal access token). Functions take (deps, actor or request info, input).
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { AppError } from '../../contract/errors.ts';
import type { Actor } from '../actors.ts';
import type { AccountsDeps } from './deps.ts';
import type { Mail } from './mailer.ts';
import { sessionActor } from './profile.ts';
import { checkPasswordPolicy, hashPassword, verifyOrBurn } from './passwords.ts';
import * as repo from './repo.ts';
import { verifySecondFactor } from './second-factor.ts';
import {
  hashToken,
  newOpaqueToken,
  signAccessToken,
  signChallenge,
  verifyChallenge,
} from './tokens.ts';
import { assertNotBanned, emailKey, selfView, usernameKey } from './views.ts';

/** Where a request came from; recorded on sessions and used for throttling. */
export interface RequestInfo {
  ip: string;
  userAgent?: string;
  requestId?: string;
}

const badCredentials = () => new AppError('UNAUTHENTICATED', 'Invalid login or password');
const now = (deps: AccountsDeps) => new Date(deps.clock.now());

/** Maps a unique violation to a 409 that names the username field but never says an email is taken. */
export function conflictFor(err: unknown): unknown {
  const constraint = (err as { constraint?: string }).constraint ?? '';
  if ((err as { code?: string }).code !== '23505') return err;
  if (constraint.includes('username')) {
    return new AppError('CONFLICT', 'This username is taken', [
      { path: 'body.username', message: 'is taken (case-insensitively)', code: 'taken' },
    ]);
  }
  return new AppError('CONFLICT', 'This username or email address cannot be used');
}

export async function issueSession(
  deps: AccountsDeps,
  trx: Knex.Transaction,
  user: repo.UserRow,
  req: RequestInfo,
) {
  const at = now(deps);
  const expiresAt = new Date(at.getTime() + deps.auth.refreshTokenTtlDays * 86_400_000);
  const sessionId = randomUUID();
  const refreshToken = newOpaqueToken();
  await repo.insertSession(
    trx,
    {
      id: sessionId,
      user_id: user.id,
      user_agent: req.userAgent?.slice(0, 200) ?? null,
      ip: req.ip,
      expires_at: expiresAt,
    },
    at,
  );
  await repo.insertRefreshToken(
    trx,
    { token_hash: hashToken(refreshToken), session_id: sessionId, expires_at: expiresAt },
    at,
  );
  const updated = await repo.updateUser(trx, user.id, { last_login_at: at }, at);
  return tokensFor(deps, updated, sessionId, refreshToken);
}

async function tokensFor(
  deps: AccountsDeps,
  user: repo.UserRow,
  sessionId: string,
  refreshToken: string,
) {
  const ttlSeconds = deps.auth.accessTokenTtlSeconds;
  const accessToken = await signAccessToken(
    deps.keys.jwt,
    { userId: user.id, role: user.role, sessionId },
    { nowMs: deps.clock.now(), ttlSeconds },
  );
  return {
    user: selfView(user, deps.clock.now()),
    accessToken,
    refreshToken,
    expiresIn: ttlSeconds,
  };
}

export async function register(
  deps: AccountsDeps,
  req: RequestInfo,
  input: { username: string; email: string; password: string },
) {
  checkPasswordPolicy(input.password, {
    username: input.username,
    email: input.email,
    common: deps.commonPasswords,
  });
  const passwordHash = await hashPassword(input.password, deps.auth.scryptLog2N);
  try {
    return await deps.db.transaction(async (trx) => {
      const user = await repo.insertUser(
        trx,
        {
          id: randomUUID(),
          username: input.username,
          username_key: usernameKey(input.username),
          email: input.email.trim(),
          email_key: emailKey(input.email),
          password_hash: passwordHash,
          role: 'player',
          display_name: input.username,
        },
        now(deps),
      );
      return issueSession(deps, trx, user, req);
    });
  } catch (err) {
    throw conflictFor(err);
  }
}

export async function login(
  deps: AccountsDeps,
  req: RequestInfo,
  input: { login: string; password: string },
) {
  const key = input.login.trim().toLowerCase();
  const user = await repo.findUserByLogin(deps.db, key);
  const who = { account: user?.id ?? `name:${key}`, ip: req.ip };
  try {
    await deps.throttle.login.assertAllowed(who);
  } catch (err) {
    deps.metrics.login('rate_limited');
    throw err;
  }
  if (!(await verifyOrBurn(input.password, user?.password_hash, deps.dummyHash)) || !user) {
    await deps.throttle.login.recordFailure(who);
    deps.metrics.login('failure');
    throw badCredentials();
  }
  await deps.throttle.login.recordSuccess(who);
  try {
    assertNotBanned(user, deps.clock.now());
  } catch (err) {
    deps.metrics.login('banned');
    throw err;
  }
  if (user.totp_enabled) {
    deps.metrics.login('mfa_required');
    return {
      mfaRequired: true as const,
      challengeToken: await signChallenge(deps.keys.jwt, user.id, deps.clock.now()),
    };
  }
  deps.metrics.login('success');
  return deps.db.transaction((trx) => issueSession(deps, trx, user, req));
}

export async function loginMfa(
  deps: AccountsDeps,
  req: RequestInfo,
  input: { challengeToken: string; code: string },
) {
  const userId = await verifyChallenge(deps.keys.jwt, input.challengeToken, deps.clock.now());
  if (!userId)
    throw new AppError(
      'UNAUTHENTICATED',
      'The sign-in challenge is invalid or expired; sign in again',
    );
  // Counted per challenge and per account, apart from the password's counters.
  const challenge = hashToken(input.challengeToken);
  await deps.throttle.secondFactor.assertAllowed(userId, challenge);
  return deps.db.transaction(async (trx) => {
    const user = await repo.findUserById(trx, userId);
    if (!user || user.status === 'deleted' || !user.totp_enabled)
      throw new AppError(
        'UNAUTHENTICATED',
        'The sign-in challenge is invalid or expired; sign in again',
      );
    if (!(await verifySecondFactor(deps, trx, user, input.code))) {
      await deps.throttle.secondFactor.recordFailure(userId, challenge);
      throw new AppError('UNAUTHENTICATED', 'Invalid code');
    }
    await deps.throttle.secondFactor.recordSuccess(userId);
    assertNotBanned(user, deps.clock.now());
    deps.metrics.login('success');
    return issueSession(deps, trx, user, req);
  });
}

async function revokeFamily(deps: AccountsDeps, sessionId: string): Promise<void> {
  await repo.revokeSessions(deps.db, { id: sessionId }, 'refresh_token_reuse', now(deps));
  deps.credentials.invalidateSession(sessionId);
  deps.logger.warn(
    { 'event.action': 'refresh-token-reuse', 'session.id': sessionId },
    'a rotated refresh token was presented again; its session is revoked',
  );
}

export async function refresh(
  deps: AccountsDeps,
  _req: RequestInfo,
  input: { refreshToken: string },
) {
  const hash = hashToken(input.refreshToken);
  const row = await repo.findRefreshToken(deps.db, hash);
  const invalid = () =>
    new AppError('UNAUTHENTICATED', 'The refresh token is invalid or expired; sign in again');
  if (!row) throw invalid();
  if (row.rotated_at !== null) {
    await revokeFamily(deps, row.session_id);
    throw invalid();
  }
  if (row.session_revoked_at !== null || new Date(row.expires_at).getTime() <= deps.clock.now())
    throw invalid();
  const result = await deps.db.transaction(async (trx) => {
    if (!(await repo.rotateRefreshToken(trx, hash, now(deps)))) return null;
    const user = await repo.findUserById(trx, row.user_id);
    if (!user || user.status === 'deleted') throw invalid();
    assertNotBanned(user, deps.clock.now());
    const at = now(deps);
    const expiresAt = new Date(at.getTime() + deps.auth.refreshTokenTtlDays * 86_400_000);
    const next = newOpaqueToken();
    await repo.insertRefreshToken(
      trx,
      { token_hash: hashToken(next), session_id: row.session_id, expires_at: expiresAt },
      at,
    );
    await repo.touchSession(trx, row.session_id, at, expiresAt);
    return tokensFor(deps, user, row.session_id, next);
  });
  // Losing the race to rotate means the same token was used twice.
  if (!result) {
    await revokeFamily(deps, row.session_id);
    throw invalid();
  }
  deps.credentials.invalidateSession(row.session_id);
  return result;
}

export async function logout(deps: AccountsDeps, actor: Actor) {
  if (actor.kind !== 'user' || !actor.sessionId) {
    throw new AppError(
      'VALIDATION',
      'Only a session can log out; revoke personal access tokens with DELETE /api/v1/me/tokens/{id}',
    );
  }
  const revoked = await repo.revokeSessions(deps.db, { id: actor.sessionId }, 'logout', now(deps));
  deps.credentials.invalidateSession(actor.sessionId);
  return { revokedSessions: revoked.length };
}

/** Needs a session: a personal access token, which scripts hold, cannot sign its owner out. */
export async function logoutAll(deps: AccountsDeps, actor: Actor) {
  const me = sessionActor(actor);
  const revoked = await repo.revokeSessions(deps.db, { userId: me.id }, 'logout_all', now(deps));
  deps.credentials.invalidateUser(me.id, true);
  return { revokedSessions: revoked.length };
}

/** Creates a single-use reset token for `user` inside `trx`; returns the link and its expiry. */
export async function issueResetToken(
  deps: AccountsDeps,
  trx: Knex.Transaction,
  user: repo.UserRow,
  requestedBy: string,
) {
  const token = newOpaqueToken();
  const at = now(deps);
  const expiresAt = new Date(at.getTime() + deps.auth.passwordResetTtlMinutes * 60_000);
  await repo.insertReset(
    trx,
    {
      token_hash: hashToken(token),
      user_id: user.id,
      requested_by: requestedBy,
      expires_at: expiresAt,
    },
    at,
  );
  return {
    resetLink: `${deps.auth.publicUrl}/reset-password?token=${token}`,
    expiresAt: expiresAt.toISOString(),
  };
}

/**
 * Answers at once, the same way for every address: the lookup, the token and
 * the mail happen off the request's path, so the answer time does not reveal
 * whether an address exists. Requests per address are limited, known or not.
 */
export async function requestPasswordReset(deps: AccountsDeps, input: { email: string }) {
  const key = emailKey(input.email);
  await deps.throttle.resetRequest(key);
  void deps.mailer.sendLater(() => resetMail(deps, key));
  return { accepted: true as const };
}

async function resetMail(deps: AccountsDeps, key: string): Promise<Mail | undefined> {
  const user = await repo.findUserByEmailKey(deps.db, key);
  if (!user || user.status === 'deleted' || !user.email) return undefined;
  const link = await deps.db.transaction((trx) => issueResetToken(deps, trx, user, 'self'));
  const minutes = deps.auth.passwordResetTtlMinutes;
  return {
    to: user.email,
    subject: 'Reset your pongctl password',
    text: `Someone asked to reset the password of ${user.username}.\n\nOpen this link within ${minutes} minutes to choose a new one:\n${link.resetLink}\n\nIf it was not you, ignore this mail.\n`,
  };
}

export async function confirmPasswordReset(
  deps: AccountsDeps,
  input: { token: string; password: string },
) {
  const hash = hashToken(input.token);
  const invalid = () =>
    new AppError('VALIDATION', 'The reset token is invalid, used or expired', [
      { path: 'body.token', message: 'invalid, used or expired', code: 'invalid_token' },
    ]);
  const reset = await repo.findReset(deps.db, hash);
  if (!reset || reset.used_at !== null || new Date(reset.expires_at).getTime() <= deps.clock.now())
    throw invalid();
  const user = await repo.findUserById(deps.db, reset.user_id);
  if (!user || user.status === 'deleted') throw invalid();
  checkPasswordPolicy(input.password, {
    username: user.username,
    email: user.email,
    common: deps.commonPasswords,
  });
  const passwordHash = await hashPassword(input.password, deps.auth.scryptLog2N);
  const tokens = await deps.db.transaction(async (trx) => {
    if (!(await repo.useUpResets(trx, user.id, now(deps))).includes(hash)) throw invalid();
    await repo.updateUser(trx, user.id, { password_hash: passwordHash }, now(deps));
    await repo.revokeSessions(trx, { userId: user.id }, 'password_reset', now(deps));
    return repo.deletePats(trx, { user_id: user.id });
  });
  for (const id of tokens) deps.credentials.invalidateToken(id);
  deps.credentials.invalidateUser(user.id, true);
  await deps.throttle.login.clearAccount(user.id);
  return { passwordChanged: true as const };
}
