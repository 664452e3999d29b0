/**
 * "At least one admin always remains", enforced where every instance sees it:
 * under a row lock on every admin, taken by each role change, ban and deletion
 * of an admin, so two admins demoting each other at the same moment are
 * serialised and the second one is refused.
 */
import type { Knex } from 'knex';
import { AppError } from '../../contract/errors.ts';
import * as repo from './repo.ts';
import { effectiveStatus } from './views.ts';

/**
 * Call inside the transaction that takes an admin's rights away (demotion, ban,
 * deletion of `userId`): CONFLICT when no other usable admin (not deleted, not
 * banned) would remain, FORBIDDEN when `actorId` lost its own admin rights
 * while it waited for the lock.
 */
export async function assertAnotherAdminRemains(
  trx: Knex.Transaction,
  target: { actorId: string; userId: string },
  nowMs: number,
): Promise<void> {
  const usable = (await repo.lockAdmins(trx)).filter((u) => effectiveStatus(u, nowMs) === 'active');
  if (!usable.some((u) => u.id !== target.userId))
    throw new AppError('CONFLICT', 'This is the last admin', { reason: 'LAST_ADMIN' });
  if (!usable.some((u) => u.id === target.actorId))
    throw new AppError('FORBIDDEN', 'This needs the admin role');
}
