/**
 * Staff management of users. Admins do everything; moderators list, show, ban
 * and unban players. Nobody acts on their own account here (edit, role, ban,
 * deletion, reset link), and the last admin cannot be demoted, banned or
 * deleted (last-admin.ts). Every change is audited in its own transaction.
 */
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { cursorPart, decodeCursor, pageOf } from '../../core/cursor.ts';
import { AppError } from '../../contract/errors.ts';
import { assertMayActOn, requireRole, type Actor, type UserActor } from '../actors.ts';
import { withAudit } from '../audit/service.ts';
import { avatarFile, removeAvatar } from './avatars.ts';
import type { AccountsDeps } from './deps.ts';
import { assertAnotherAdminRemains } from './last-admin.ts';
import { checkPasswordPolicy, hashPassword } from './passwords.ts';
import { eraseTraces } from './erasure-repo.ts';
import * as repo from './repo.ts';
import { conflictFor, issueResetToken } from './service.ts';
import { adminView, emailKey, usernameKey } from './views.ts';

type Role = repo.UserRow['role'];
type Staff = UserActor & { requestId?: string };

export const staff = (actor: Actor, needed: Role): Staff => requireRole(actor, needed);

const actorName = (a: Staff) => a.username ?? a.id;
const now = (deps: AccountsDeps) => new Date(deps.clock.now());

async function target(
  q: Knex,
  username: string,
  options: { allowDeleted?: boolean } = {},
): Promise<repo.UserRow> {
  const user = await repo.findUserByKey(q, usernameKey(username));
  if (!user || (!options.allowDeleted && user.status === 'deleted'))
    throw new AppError('NOT_FOUND', `No user named ${username}`);
  return user;
}

export async function listUsersAdmin(
  deps: AccountsDeps,
  actor: Actor,
  input: {
    q?: string;
    role?: Role;
    status?: repo.UserRow['status'];
    limit: number;
    cursor?: string;
  },
) {
  staff(actor, 'moderator');
  const after = decodeCursor(input.cursor, z.tuple([cursorPart.text]))?.[0];
  const rows = await repo.searchUsers(deps.db, {
    ...input,
    now: now(deps),
    after,
    includeDeleted: false,
  });
  const page = pageOf(rows, input.limit, (r) => [r.username_key]);
  return {
    items: page.items.map((u) => adminView(u, deps.clock.now())),
    nextCursor: page.nextCursor,
  };
}

export async function getUserAdmin(deps: AccountsDeps, actor: Actor, input: { username: string }) {
  staff(actor, 'moderator');
  return adminView(await target(deps.db, input.username, { allowDeleted: true }), deps.clock.now());
}

export async function createUser(
  deps: AccountsDeps,
  actor: Actor,
  input: { username: string; email: string; password?: string; role: Role; requestId?: string },
) {
  const a = staff(actor, 'admin');
  if (input.password)
    checkPasswordPolicy(input.password, {
      username: input.username,
      email: input.email,
      common: deps.commonPasswords,
    });
  const hash = input.password ? await hashPassword(input.password, deps.auth.scryptLog2N) : null;
  try {
    const { user, link } = await withAudit(deps, async (trx, record) => {
      const user = await repo.insertUser(
        trx,
        {
          id: randomUUID(),
          username: input.username,
          username_key: usernameKey(input.username),
          email: input.email.trim(),
          email_key: emailKey(input.email),
          password_hash: hash,
          role: input.role,
          display_name: input.username,
        },
        now(deps),
      );
      const link = hash ? null : await issueResetToken(deps, trx, user, actorName(a));
      await record({
        actor: actorName(a),
        action: 'user.create',
        target: user.username_key,
        requestId: input.requestId,
        details: { role: input.role, withPassword: Boolean(hash) },
        actorId: a.id,
        targetId: user.id,
      });
      return { user, link };
    });
    if (link && user.email) {
      void deps.mailer.send({
        to: user.email,
        subject: 'Your pongctl account',
        text: `An account ${user.username} was created for you.\n\nChoose a password within ${deps.auth.passwordResetTtlMinutes} minutes:\n${link.resetLink}\n`,
      });
    }
    return { user: adminView(user, deps.clock.now()), resetLink: link?.resetLink ?? null };
  } catch (err) {
    throw conflictFor(err);
  }
}

export async function updateUserAdmin(
  deps: AccountsDeps,
  actor: Actor,
  input: {
    username: string;
    role?: Role;
    displayName?: string;
    email?: string;
    requestId?: string;
  },
) {
  const a = staff(actor, 'admin');
  try {
    const { user, roleChanged } = await withAudit(deps, async (trx, record) => {
      const user = await target(trx, input.username);
      assertMayActOn(a, user);
      const patch: Partial<repo.UserRow> = {};
      const changes: Record<string, unknown> = {};
      if (input.role !== undefined && input.role !== user.role) {
        if (user.role === 'admin')
          await assertAnotherAdminRemains(
            trx,
            { actorId: a.id, userId: user.id },
            deps.clock.now(),
          );
        patch.role = input.role;
        changes.role = { from: user.role, to: input.role };
      }
      if (input.displayName !== undefined) {
        patch.display_name = input.displayName;
        changes.displayName = 'changed';
      }
      if (input.email !== undefined) {
        Object.assign(patch, { email: input.email.trim(), email_key: emailKey(input.email) });
        changes.email = 'changed';
      }
      const updated = await repo.updateUser(trx, user.id, patch, now(deps));
      await record({
        actor: actorName(a),
        action: 'user.update',
        target: user.username_key,
        requestId: input.requestId,
        details: changes,
        actorId: a.id,
        targetId: user.id,
      });
      return { user: updated, roleChanged: patch.role !== undefined };
    });
    // A new role reaches open sockets at once: they are closed and reconnect with it.
    if (roleChanged) deps.credentials.invalidateRole(user.id);
    else deps.credentials.invalidateUser(user.id);
    return adminView(user, deps.clock.now());
  } catch (err) {
    throw conflictFor(err);
  }
}

/**
 * Erases an account in one transaction: personal fields and credentials, and
 * its traces elsewhere (eraseTraces says what stays and what goes). The
 * row stays under a tombstone name so games keep their player; the audit log
 * names only the tombstone, so nothing links the old name to it.
 */
export async function deleteUserAdmin(
  deps: AccountsDeps,
  actor: Actor,
  input: { username: string; requestId?: string },
) {
  const a = staff(actor, 'admin');
  const { before, after } = await withAudit(deps, async (trx, record) => {
    const before = await target(trx, input.username);
    assertMayActOn(a, before);
    if (before.role === 'admin')
      await assertAnotherAdminRemains(trx, { actorId: a.id, userId: before.id }, deps.clock.now());
    const tombstone = `deleted-${before.id.slice(0, 8)}`;
    const after = await repo.updateUser(
      trx,
      before.id,
      anonymised(tombstone, now(deps)),
      now(deps),
    );
    await repo.deletePats(trx, { user_id: before.id });
    await repo.replaceRecoveryCodes(trx, before.id, []);
    await repo.revokeSessions(trx, { userId: before.id }, 'deleted', now(deps));
    const names = [before.username, before.username_key, before.email, before.email_key];
    await eraseTraces(trx, {
      userId: before.id,
      names: [...new Set(names.filter((n): n is string => Boolean(n)))],
      emailKey: before.email_key,
      tombstone,
      by: a.id,
      now: now(deps),
    });
    await record({
      actor: actorName(a),
      action: 'user.delete',
      target: tombstone,
      requestId: input.requestId,
      details: { tombstone },
      actorId: a.id,
      targetId: before.id,
    });
    return { before, after };
  });
  deps.credentials.invalidateUser(before.id, true);
  if (before.avatar_etag && before.avatar_type)
    await removeAvatar(avatarFile(deps.dataDir, before.id, before.avatar_etag, before.avatar_type));
  return adminView(after, deps.clock.now());
}

function anonymised(tombstone: string, at: Date): Partial<repo.UserRow> {
  return {
    username: tombstone,
    username_key: tombstone,
    email: null,
    email_key: null,
    password_hash: null,
    display_name: 'Deleted user',
    bio: '',
    status: 'deleted',
    deleted_at: at,
    avatar_type: null,
    avatar_etag: null,
    avatar_width: null,
    avatar_height: null,
    avatar_bytes: null,
    totp_secret: null,
    totp_pending_secret: null,
    totp_enabled: false,
    totp_last_step: null,
    ban_reason: null,
    banned_until: null,
    banned_at: null,
  };
}

export async function banUser(
  deps: AccountsDeps,
  actor: Actor,
  input: { username: string; reason: string; until?: string; requestId?: string },
) {
  const a = staff(actor, 'moderator');
  const until = input.until ? new Date(input.until) : null;
  if (until && until.getTime() <= deps.clock.now()) {
    throw new AppError('VALIDATION', 'The ban must end in the future', [
      { path: 'body.until', message: 'must be in the future', code: 'too_small' },
    ]);
  }
  const user = await withAudit(deps, async (trx, record) => {
    const user = await target(trx, input.username);
    assertMayActOn(a, user);
    if (user.role === 'admin')
      await assertAnotherAdminRemains(trx, { actorId: a.id, userId: user.id }, deps.clock.now());
    const updated = await repo.updateUser(
      trx,
      user.id,
      { status: 'banned', ban_reason: input.reason, banned_until: until, banned_at: now(deps) },
      now(deps),
    );
    await repo.revokeSessions(trx, { userId: user.id }, 'banned', now(deps));
    await record({
      actor: actorName(a),
      action: 'user.ban',
      target: user.username_key,
      requestId: input.requestId,
      details: { reason: input.reason, until: until?.toISOString() ?? null },
      actorId: a.id,
      targetId: user.id,
    });
    return updated;
  });
  deps.credentials.invalidateUser(user.id, true);
  return adminView(user, deps.clock.now());
}

export async function unbanUser(
  deps: AccountsDeps,
  actor: Actor,
  input: { username: string; requestId?: string },
) {
  const a = staff(actor, 'moderator');
  const user = await withAudit(deps, async (trx, record) => {
    const user = await target(trx, input.username);
    assertMayActOn(a, user);
    const updated = await repo.updateUser(
      trx,
      user.id,
      { status: 'active', ban_reason: null, banned_until: null, banned_at: null },
      now(deps),
    );
    await record({
      actor: actorName(a),
      action: 'user.unban',
      target: user.username_key,
      requestId: input.requestId,
      details: { wasBanned: user.status === 'banned' },
      actorId: a.id,
      targetId: user.id,
    });
    return updated;
  });
  deps.credentials.invalidateUser(user.id);
  return adminView(user, deps.clock.now());
}

export async function adminPasswordReset(
  deps: AccountsDeps,
  actor: Actor,
  input: { username: string; requestId?: string },
) {
  const a = staff(actor, 'admin');
  return withAudit(deps, async (trx, record) => {
    const user = await target(trx, input.username);
    assertMayActOn(a, user);
    const link = await issueResetToken(deps, trx, user, actorName(a));
    await record({
      actor: actorName(a),
      action: 'user.password_reset',
      target: user.username_key,
      requestId: input.requestId,
      details: { expiresAt: link.expiresAt },
      actorId: a.id,
      targetId: user.id,
    });
    return link;
  });
}
