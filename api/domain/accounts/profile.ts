/**
 * What signed-in users do to their own account: profile, password, avatar,
 * 2FA and personal access tokens; and the public user lookup.
 */
import { z } from 'zod';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { cursorPart, decodeCursor, pageOf } from '../../core/cursor.ts';
import { AppError } from '../../contract/errors.ts';
import { requireUser, type Actor, type UserActor } from '../actors.ts';
import type { AccountsDeps } from './deps.ts';
import { checkPasswordPolicy, hashPassword, verifyOrBurn } from './passwords.ts';
import * as repo from './repo.ts';
import {
  hashRecoveryCode,
  newRecoveryCode,
  recoveryCodeCount,
  verifySecondFactor,
} from './second-factor.ts';
import { hashToken, newOpaqueToken, patPrefix, seal, unseal } from './tokens.ts';
import { generateTotpSecret, matchTotp, otpauthUri } from './totp.ts';
import { iso, publicView, selfView, usernameKey } from './views.ts';

/** Password, 2FA, new tokens and signing out everywhere need a signed-in session, not a personal access token. */
export function sessionActor(actor: Actor): UserActor {
  const user = requireUser(actor);
  if (!user.sessionId)
    throw new AppError('FORBIDDEN', 'This needs a signed-in session, not a personal access token', {
      reason: 'SESSION_REQUIRED',
    });
  return user;
}

const at = (deps: AccountsDeps) => new Date(deps.clock.now());
const wrong = (field: string, message: string) =>
  new AppError('VALIDATION', message, [{ path: `body.${field}`, message, code: 'incorrect' }]);

export async function getMe(deps: AccountsDeps, actor: Actor) {
  return selfView(await deps.credentials.user(requireUser(actor).id), deps.clock.now());
}

export async function updateMe(
  deps: AccountsDeps,
  actor: Actor,
  input: { displayName?: string; bio?: string },
) {
  const { id } = requireUser(actor);
  const patch: Partial<repo.UserRow> = {};
  if (input.displayName !== undefined) patch.display_name = input.displayName;
  if (input.bio !== undefined) patch.bio = input.bio;
  const user = await repo.updateUser(deps.db, id, patch, at(deps));
  deps.credentials.invalidateUser(id);
  return selfView(user, deps.clock.now());
}

/** Checks the current password under its own limit: guessing it here is throttled, sign-in is untouched. */
async function checkOwnPassword(
  deps: AccountsDeps,
  user: repo.UserRow,
  password: string,
  field: string,
): Promise<void> {
  await deps.throttle.reauth.assertAllowed(user.id);
  if (!(await verifyOrBurn(password, user.password_hash, deps.dummyHash))) {
    await deps.throttle.reauth.recordFailure(user.id);
    throw wrong(field, 'The password is not correct');
  }
}

/**
 * Ends the other sessions and outstanding reset links; personal access tokens
 * too unless `keepTokens` (a changed password often means a leaked one).
 */
export async function changePassword(
  deps: AccountsDeps,
  actor: Actor,
  input: { currentPassword: string; newPassword: string; keepTokens?: boolean },
) {
  const me = sessionActor(actor);
  const user = await deps.credentials.user(me.id);
  await checkOwnPassword(deps, user, input.currentPassword, 'currentPassword');
  checkPasswordPolicy(
    input.newPassword,
    { username: user.username, email: user.email, common: deps.commonPasswords },
    'newPassword',
  );
  const hash = await hashPassword(input.newPassword, deps.auth.scryptLog2N);
  const { sessions, tokens } = await deps.db.transaction(async (trx) => {
    await repo.updateUser(trx, me.id, { password_hash: hash }, at(deps));
    await repo.useUpResets(trx, me.id, at(deps));
    const sessions = await repo.revokeSessions(
      trx,
      { userId: me.id, exceptId: me.sessionId },
      'password_change',
      at(deps),
    );
    const tokens = input.keepTokens ? [] : await repo.deletePats(trx, { user_id: me.id });
    return { sessions, tokens };
  });
  for (const id of sessions) deps.credentials.invalidateSession(id);
  for (const id of tokens) deps.credentials.invalidateToken(id);
  deps.credentials.invalidateUser(me.id);
  return { revokedSessions: sessions.length, revokedTokens: tokens.length };
}

export async function setupTwoFactor(deps: AccountsDeps, actor: Actor) {
  const me = sessionActor(actor);
  const user = await deps.credentials.user(me.id);
  if (user.totp_enabled) throw new AppError('CONFLICT', '2FA is already enabled; disable it first');
  const secret = generateTotpSecret();
  await repo.updateUser(
    deps.db,
    me.id,
    { totp_pending_secret: seal(deps.keys.seal, secret) },
    at(deps),
  );
  deps.credentials.invalidateUser(me.id);
  return { secret, otpauthUri: otpauthUri(secret, user.username) };
}

export async function enableTwoFactor(deps: AccountsDeps, actor: Actor, input: { code: string }) {
  const me = sessionActor(actor);
  const user = await repo.findUserById(deps.db, me.id);
  if (!user?.totp_pending_secret || user.totp_enabled)
    throw new AppError('CONFLICT', 'Start with POST /api/v1/me/2fa/setup');
  const secret = unseal(deps.keys.seal, user.totp_pending_secret);
  const step = matchTotp(secret, input.code.trim(), { nowMs: deps.clock.now() });
  deps.metrics.twoFactor(step === null ? 'failure' : 'success');
  if (step === null) throw wrong('code', 'The code does not match; check the device clock');
  const codes = Array.from({ length: recoveryCodeCount }, newRecoveryCode);
  await deps.db.transaction(async (trx) => {
    await repo.updateUser(
      trx,
      me.id,
      {
        totp_secret: user.totp_pending_secret,
        totp_pending_secret: null,
        totp_enabled: true,
        totp_last_step: step,
      },
      at(deps),
    );
    await repo.replaceRecoveryCodes(trx, me.id, codes.map(hashRecoveryCode));
  });
  deps.credentials.invalidateUser(me.id);
  return { recoveryCodes: codes };
}

export async function disableTwoFactor(
  deps: AccountsDeps,
  actor: Actor,
  input: { password: string; code: string },
) {
  const me = sessionActor(actor);
  const user = await repo.findUserById(deps.db, me.id);
  if (!user?.totp_enabled) throw new AppError('CONFLICT', '2FA is not enabled');
  await deps.throttle.secondFactor.assertAllowed(me.id);
  await checkOwnPassword(deps, user, input.password, 'password');
  const verified = await deps.db.transaction(async (trx) => {
    if (!(await verifySecondFactor(deps, trx, user, input.code))) return false;
    await repo.updateUser(
      trx,
      me.id,
      { totp_secret: null, totp_pending_secret: null, totp_enabled: false, totp_last_step: null },
      at(deps),
    );
    await repo.replaceRecoveryCodes(trx, me.id, []);
    return true;
  });
  if (!verified) {
    await deps.throttle.secondFactor.recordFailure(me.id);
    throw wrong('code', 'The code is not correct');
  }
  await deps.throttle.secondFactor.recordSuccess(me.id);
  deps.credentials.invalidateUser(me.id);
  return { twoFactorEnabled: false as const };
}

const tokenView = (row: repo.PatRow) => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  createdAt: iso(row.created_at)!,
  expiresAt: iso(row.expires_at),
  lastUsedAt: iso(row.last_used_at),
});

/** Personal access tokens one user may hold, expired ones included. */
export const maxTokensPerUser = 50;

export async function createToken(
  deps: AccountsDeps,
  actor: Actor,
  input: { name: string; expiresInDays?: number },
) {
  const me = sessionActor(actor);
  const token = newOpaqueToken(patPrefix);
  const expiresAt = input.expiresInDays
    ? new Date(deps.clock.now() + input.expiresInDays * 86_400_000)
    : null;
  try {
    const row = await deps.db.transaction(async (trx) => {
      // Under the user's row lock, so parallel requests cannot pass the limit together.
      await repo.lockUser(trx, me.id);
      if ((await repo.countPats(trx, me.id)) >= maxTokensPerUser)
        throw new AppError(
          'CONFLICT',
          `You already have ${maxTokensPerUser} personal access tokens, the most allowed; revoke one first`,
          { reason: 'TOKEN_LIMIT', limit: maxTokensPerUser },
        );
      return repo.insertPat(
        trx,
        {
          id: randomUUID(),
          user_id: me.id,
          name: input.name,
          prefix: token.slice(0, patPrefix.length + 6),
          expires_at: expiresAt,
          token_hash: hashToken(token),
        },
        at(deps),
      );
    });
    return { ...tokenView(row), token };
  } catch (err) {
    if ((err as { code?: string }).code === '23505') {
      throw new AppError('CONFLICT', 'You already have a token with this name', [
        { path: 'body.name', message: 'is taken', code: 'taken' },
      ]);
    }
    throw err;
  }
}

export async function listTokens(
  deps: AccountsDeps,
  actor: Actor,
  input: { limit: number; cursor?: string },
) {
  const me = requireUser(actor);
  const after = decodeCursor(input.cursor, z.tuple([cursorPart.instant, cursorPart.uuid]));
  const rows = await repo.listPats(deps.db, me.id, { limit: input.limit, after });
  const page = pageOf(rows, input.limit, (r) => [iso(r.created_at)!, r.id]);
  return { items: page.items.map(tokenView), nextCursor: page.nextCursor };
}

export async function revokeToken(deps: AccountsDeps, actor: Actor, input: { id: string }) {
  const me = requireUser(actor);
  const deleted = await repo.deletePats(deps.db, { user_id: me.id, id: input.id });
  if (deleted.length === 0) throw new AppError('NOT_FOUND', 'No such token');
  deps.credentials.invalidateToken(input.id);
  return { revoked: true as const };
}

export async function listUsers(
  deps: AccountsDeps,
  _actor: Actor,
  input: { q?: string; limit: number; cursor?: string },
) {
  const after = decodeCursor(input.cursor, z.tuple([cursorPart.text]))?.[0];
  const rows = await repo.searchUsers(deps.db, {
    q: input.q,
    now: at(deps),
    limit: input.limit,
    after,
    includeDeleted: false,
  });
  const page = pageOf(rows, input.limit, (r) => [r.username_key]);
  return { items: page.items.map(publicView), nextCursor: page.nextCursor };
}

/** A user that exists and is not deleted, by case-insensitive username; NOT_FOUND otherwise. */
export async function findVisibleUser(q: Knex, username: string): Promise<repo.UserRow> {
  const user = await repo.findUserByKey(q, usernameKey(username));
  if (!user || user.status === 'deleted')
    throw new AppError('NOT_FOUND', `No user named ${username}`);
  return user;
}
