/**
 * Blocks: who blocks whom, and the checks other areas rely on (chat refuses
 * direct messages and filters channel deliveries, games refuse invites).
 * Blocking ends any friendship or pending request between the two users.
 */
import type { Knex } from 'knex';
import * as repo from './repo.ts';

/**
 * True when `userA` blocks `userB` or `userB` blocks `userA`. Pass a
 * transaction to check inside one.
 */
export function isBlockedEitherWay(db: Knex | Knex.Transaction, userA: string, userB: string): Promise<boolean> {
  return repo.isBlockedEitherWay(db, userA, userB);
}

/**
 * Everyone `userId` must not hear from or reach: the users it blocked plus
 * the users who blocked it (each id once, in no particular order).
 */
export function blockedUserIds(db: Knex | Knex.Transaction, userId: string): Promise<string[]> {
  return repo.blockedUserIds(db, userId);
}
