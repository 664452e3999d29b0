/**
 * Blocks: who blocks whom, and the checks other areas rely on (chat refuses
 * direct messages and filters channel deliveries, games refuse invites).
 * Blocking ends any friendship or pending request between the two users.
 */
import { z } from 'zod';
import type { Knex } from 'knex';
import { cursorPart, decodeCursor, pageOf } from '../../core/cursor.ts';
import { AppError } from '../../contract/errors.ts';
import { requireUser, type Actor } from '../actors.ts';
import type { SocialDeps } from './deps.ts';
import * as repo from './repo.ts';
import { otherUser } from './service.ts';
import { blockView } from './views.ts';

/**
 * True when `userA` blocks `userB` or `userB` blocks `userA`. Pass a
 * transaction to check inside one.
 */
export function isBlockedEitherWay(
  db: Knex | Knex.Transaction,
  userA: string,
  userB: string,
): Promise<boolean> {
  return repo.isBlockedEitherWay(db, userA, userB);
}

/**
 * Everyone `userId` must not hear from or reach: the users it blocked plus
 * the users who blocked it (each id once, in no particular order).
 */
export function blockedUserIds(db: Knex | Knex.Transaction, userId: string): Promise<string[]> {
  return repo.blockedUserIds(db, userId);
}

/** PUT /blocks/{username}: idempotent; ends any friendship or pending request between the two. */
export async function blockUser(deps: SocialDeps, actor: Actor, input: { username: string }) {
  const me = requireUser(actor);
  const them = await otherUser(deps.db, me, input.username, 'block');
  await deps.db.transaction(async (trx) => {
    await repo.lockPair(trx, me.id, them.id);
    await repo.deletePair(trx, me.id, them.id);
    await repo.insertBlock(trx, me.id, them.id, new Date(deps.clock.now()));
  });
  return { username: them.username, blocked: true as const };
}

export async function unblockUser(deps: SocialDeps, actor: Actor, input: { username: string }) {
  const me = requireUser(actor);
  const them = await otherUser(deps.db, me, input.username, 'unblock');
  if ((await repo.deleteBlock(deps.db, me.id, them.id)) === 0)
    throw new AppError('NOT_FOUND', `You do not block ${them.username}`);
  return { username: them.username, blocked: false as const };
}

export async function listBlocks(
  deps: SocialDeps,
  actor: Actor,
  input: { limit: number; cursor?: string },
) {
  const me = requireUser(actor);
  const after = decodeCursor(input.cursor, z.tuple([cursorPart.instant, cursorPart.uuid]));
  const rows = await repo.listBlocks(deps.db, me.id, { limit: input.limit, after });
  const page = pageOf(rows, input.limit, (r) => [
    new Date(r.created_at).toISOString(),
    r.blocked_id,
  ]);
  return { items: page.items.map(blockView), nextCursor: page.nextCursor };
}
