/**
 * Friends: requests, acceptance (explicit, or implied when both sides ask),
 * decline, cancel and removal; the friend lists with presence; and the public
 * profile with presence for friends. Both rows of a pair change in one
 * transaction that first locks the pair, so crossing requests serialise.
 */
import { z } from 'zod';
import type { Knex } from 'knex';
import type { FriendState } from '../../contract/social.ts';
import { cursorPart, decodeCursor, pageOf } from '../../core/cursor.ts';
import { AppError } from '../../contract/errors.ts';
import { requireUser, type Actor, type UserActor } from '../actors.ts';
import { findVisibleUser } from '../accounts/profile.ts';
import type { UserRow } from '../accounts/repo.ts';
import { publicView } from '../accounts/views.ts';
import { notify } from '../notifications/service.ts';
import type { SocialDeps } from './deps.ts';
import { presenceOf } from './presence.ts';
import * as repo from './repo.ts';
import { edgeOfState, friendView } from './views.ts';

/** The other user of a friend or block action: exists, not deleted, not the caller. */
export async function otherUser(
  db: Knex,
  me: UserActor,
  username: string,
  verb: string,
): Promise<UserRow> {
  const other = await findVisibleUser(db, username);
  if (other.id === me.id)
    throw new AppError('VALIDATION', `You cannot ${verb} yourself`, [
      { path: 'username', message: 'is you', code: 'self' },
    ]);
  return other;
}

const now = (deps: SocialDeps) => new Date(deps.clock.now());

/** Runs fn with both rows of the pair locked. */
function inPair<T>(
  deps: SocialDeps,
  a: string,
  b: string,
  fn: (trx: Knex.Transaction, edge: repo.EdgeRow | undefined) => Promise<T>,
): Promise<T> {
  return deps.db.transaction(async (trx) => {
    await repo.lockPair(trx, a, b);
    return fn(trx, await repo.findEdge(trx, a, b));
  });
}

type Named = Pick<UserRow, 'id' | 'username' | 'display_name'>;

async function selfOf(deps: SocialDeps, me: UserActor): Promise<Named> {
  const [row] = await repo.usersByIds(deps.db, [me.id]);
  if (!row) throw new AppError('UNAUTHENTICATED', 'Your account no longer exists');
  return row;
}

async function sayAccepted(deps: SocialDeps, me: Named, them: Named): Promise<void> {
  await notify(deps.notifications, them.id, 'friend_accept', {
    from: me.username,
    displayName: me.display_name,
  });
  await deps.presence.exchange(me.id, them.id);
}

export async function requestFriend(
  deps: SocialDeps,
  actor: Actor,
  input: { username: string },
): Promise<{ username: string; state: FriendState }> {
  const me = requireUser(actor);
  const them = await otherUser(deps.db, me, input.username, 'befriend');
  const state = await inPair(deps, me.id, them.id, async (trx, edge) => {
    if (await repo.isBlockedEitherWay(trx, me.id, them.id))
      throw new AppError('FORBIDDEN', `You cannot send ${them.username} a friend request`, {
        reason: 'BLOCKED',
      });
    if (edge?.state === 'friend')
      throw new AppError('CONFLICT', `You are already friends with ${them.username}`);
    if (edge?.state === 'invite_sent')
      throw new AppError('CONFLICT', `You already asked ${them.username}`);
    const accepted = edge?.state === 'invite_received';
    await repo.upsertPair(
      trx,
      {
        userId: me.id,
        otherId: them.id,
        mine: accepted ? 'friend' : 'invite_sent',
        theirs: accepted ? 'friend' : 'invite_received',
      },
      now(deps),
    );
    return accepted ? ('accepted' as const) : ('outgoing' as const);
  });
  const sender = await selfOf(deps, me);
  if (state === 'accepted') await sayAccepted(deps, sender, them);
  else
    await notify(deps.notifications, them.id, 'friend_request', {
      from: sender.username,
      displayName: sender.display_name,
    });
  return { username: them.username, state };
}

export async function acceptFriend(
  deps: SocialDeps,
  actor: Actor,
  input: { username: string },
): Promise<{ username: string; state: FriendState }> {
  const me = requireUser(actor);
  const them = await otherUser(deps.db, me, input.username, 'befriend');
  await inPair(deps, me.id, them.id, async (trx, edge) => {
    if (edge?.state === 'friend')
      throw new AppError('CONFLICT', `You are already friends with ${them.username}`);
    if (edge?.state !== 'invite_received')
      throw new AppError('NOT_FOUND', `No friend request from ${them.username}`);
    await repo.upsertPair(
      trx,
      { userId: me.id, otherId: them.id, mine: 'friend', theirs: 'friend' },
      now(deps),
    );
  });
  await sayAccepted(deps, await selfOf(deps, me), them);
  return { username: them.username, state: 'accepted' };
}

/** Removes a pair whose caller-side edge is in `state`; NOT_FOUND otherwise. */
async function endEdge(
  deps: SocialDeps,
  actor: Actor,
  username: string,
  state: repo.EdgeState,
  missing: (name: string) => string,
): Promise<void> {
  const me = requireUser(actor);
  const them = await otherUser(deps.db, me, username, 'unfriend');
  await inPair(deps, me.id, them.id, async (trx, edge) => {
    if (edge?.state !== state) throw new AppError('NOT_FOUND', missing(them.username));
    await repo.deletePair(trx, me.id, them.id);
  });
}

export async function declineFriend(deps: SocialDeps, actor: Actor, input: { username: string }) {
  await endEdge(
    deps,
    actor,
    input.username,
    'invite_received',
    (n) => `No friend request from ${n}`,
  );
  return { declined: true as const };
}

export async function cancelRequest(deps: SocialDeps, actor: Actor, input: { username: string }) {
  await endEdge(deps, actor, input.username, 'invite_sent', (n) => `No pending request to ${n}`);
  return { cancelled: true as const };
}

export async function removeFriend(deps: SocialDeps, actor: Actor, input: { username: string }) {
  await endEdge(deps, actor, input.username, 'friend', (n) => `You are not friends with ${n}`);
  return { removed: true as const };
}

export async function listFriends(
  deps: SocialDeps,
  actor: Actor,
  input: { state: FriendState; limit: number; cursor?: string },
) {
  const me = requireUser(actor);
  const after = decodeCursor(input.cursor, z.tuple([cursorPart.instant, cursorPart.uuid]));
  const rows = await repo.listEdges(deps.db, me.id, edgeOfState[input.state], {
    limit: input.limit,
    after,
  });
  const page = pageOf(rows, input.limit, (r) => [new Date(r.updated_at).toISOString(), r.other_id]);
  // Presence is for friends: pending requests show none.
  const statuses =
    input.state === 'accepted'
      ? await deps.presence.statusOf(page.items.map((r) => r.other_id))
      : undefined;
  const items = page.items.map((r) =>
    friendView(
      r,
      statuses ? presenceOf(statuses.get(r.other_id) ?? 'offline', r.last_seen_at) : null,
    ),
  );
  return { items, nextCursor: page.nextCursor };
}

/** GET /users/{username}: the public profile, plus presence when the caller is that user or a friend. */
export async function getProfile(deps: SocialDeps, actor: Actor, input: { username: string }) {
  const me = requireUser(actor);
  const user = await findVisibleUser(deps.db, input.username);
  const view = publicView(user);
  if (user.id !== me.id && !(await repo.areFriends(deps.db, me.id, user.id))) return view;
  const status = (await deps.presence.statusOf([user.id])).get(user.id) ?? 'offline';
  const [brief] = await repo.usersByIds(deps.db, [user.id]);
  return { ...view, presence: presenceOf(status, brief?.last_seen_at) };
}
