/**
 * What signed-in users do to their own account: profile, password, avatar,
 * 2FA and personal access tokens; and the public user lookup.
 */
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { decodeCursor, pageOf } from '../../core/cursor.ts';
import { AppError } from '../../core/errors.ts';
import type { Actor } from '../../http/context.ts';
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

type UserActor = Extract<Actor, { kind: 'user' }>;

function userActor(actor: Actor): UserActor {
  if (actor.kind !== 'user') throw new AppError('FORBIDDEN', 'Only users have an account');
  return actor;
}

/** Password, 2FA and new tokens need a signed-in session, not a personal access token. */
function sessionActor(actor: Actor): UserActor {
  const user = userActor(actor);
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
  return selfView(await deps.credentials.user(userActor(actor).id), deps.clock.now());
}

export async function updateMe(
  deps: AccountsDeps,
  actor: Actor,
  input: { displayName?: string; bio?: string },
) {
  const { id } = userActor(actor);
  const patch: Partial<repo.UserRow> = {};
  if (input.displayName !== undefined) patch.display_name = input.displayName;
  if (input.bio !== undefined) patch.bio = input.bio;
  const user = await repo.updateUser(deps.db, id, patch, at(deps));
  deps.credentials.invalidateUser(id);
  return selfView(user, deps.clock.now());
}

/** Checks the current password with the login throttle, so it cannot be guessed through this route either. */
async function checkOwnPassword(
  deps: AccountsDeps,
  user: repo.UserRow,
  password: string,
  field: string,
): Promise<void> {
  const who = { account: user.id, ip: `user:${user.id}` };
  await deps.throttle.assertAllowed(who);
  if (!(await verifyOrBurn(password, user.password_hash, deps.dummyHash))) {
    await deps.throttle.recordFailure(who);
    throw wrong(field, 'The password is not correct');
  }
}

export async function changePassword(
  deps: AccountsDeps,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
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
  const revoked = await deps.db.transaction(async (trx) => {
    await repo.updateUser(trx, me.id, { password_hash: hash }, at(deps));
    return repo.revokeSessions(
      trx,
      { userId: me.id, exceptId: me.sessionId },
      'password_change',
      at(deps),
    );
  });
  for (const id of revoked) deps.credentials.invalidateSession(id);
  deps.credentials.invalidateUser(me.id);
  return { revokedSessions: revoked.length };
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
  await checkOwnPassword(deps, user, input.password, 'password');
  await deps.db.transaction(async (trx) => {
    if (!(await verifySecondFactor(deps, trx, user, input.code)))
      throw wrong('code', 'The code is not correct');
    await repo.updateUser(
      trx,
      me.id,
      { totp_secret: null, totp_pending_secret: null, totp_enabled: false, totp_last_step: null },
      at(deps),
    );
    await repo.replaceRecoveryCodes(trx, me.id, []);
  });
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
    const row = await repo.insertPat(
      deps.db,
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
  const me = userActor(actor);
  const after = decodeCursor(input.cursor, 2) as [string, string] | undefined;
  const rows = await repo.listPats(deps.db, me.id, { limit: input.limit, after });
  const page = pageOf(rows, input.limit, (r) => [iso(r.created_at)!, r.id]);
  return { items: page.items.map(tokenView), nextCursor: page.nextCursor };
}

export async function revokeToken(deps: AccountsDeps, actor: Actor, input: { id: string }) {
  const me = userActor(actor);
  const deleted = await repo.deletePats(deps.db, { user_id: me.id, id: input.id });
  if (deleted === 0) throw new AppError('NOT_FOUND', 'No such token');
  deps.credentials.invalidateToken(input.id);
  return { revoked: true as const };
}

export async function listUsers(
  deps: AccountsDeps,
  _actor: Actor,
  input: { q?: string; limit: number; cursor?: string },
) {
  const after = decodeCursor(input.cursor, 1)?.[0];
  const rows = await repo.searchUsers(deps.db, {
    q: input.q,
    now: at(deps),
    limit: input.limit,
    after: after === undefined ? undefined : String(after),
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

export async function getUser(deps: AccountsDeps, _actor: Actor, input: { username: string }) {
  return publicView(await findVisibleUser(deps.db, input.username));
}
