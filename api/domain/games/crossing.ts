/**
 * Crossing invites: when two players invite each other (or both offer a
 * rematch), they mean the same match. The one invite that was sent first
 * wins; the other player accepts it instead of waiting on their own. Checked
 * before an invite is written and again after (two invites written at the
 * same moment both see each other then, and both pick the same winner).
 */
import type { GamesDeps } from './deps.ts';
import * as repo from './repo.ts';

const key = (i: { id: string; created_at: Date | string }) =>
  [new Date(i.created_at).getTime(), i.id] as const;

const earlier = (a: readonly [number, string], b: readonly [number, string]) =>
  a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/**
 * Whether a pending row is an invite some runner holds. A row written a moment
 * ago may not be held yet (its creator is between the insert and the runner),
 * so a row that is not held is looked at again for up to a second.
 */
async function heldPending(deps: GamesDeps, id: string): Promise<boolean> {
  const deadline = Date.now() + 1_000;
  for (;;) {
    const live = await deps.host.live(id);
    if (live) return live.state === 'pending';
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The open invite from `fromId` to `toId` that wins over `mine` (the
 * caller's own invite, when already written): the oldest one held by the
 * host, or undefined when there is none or `mine` is older.
 */
export async function crossingInvite(
  deps: GamesDeps,
  fromId: string,
  toId: string,
  mine?: { id: string; created_at: Date | string },
): Promise<string | undefined> {
  let theirs: { id: string; created_at: Date | string } | undefined;
  for (const invite of await repo.openInvites(deps.db, fromId, toId)) {
    if (!(await heldPending(deps, invite.id))) continue;
    theirs = invite;
    break;
  }
  if (!theirs) return undefined;
  if (mine && !earlier(key(theirs), key(mine))) return undefined;
  return theirs.id;
}

/**
 * Runs `body` (check for a crossing invite, write one's own, check again)
 * while no other invite between the same two users is doing the same. Without
 * it, on PostgreSQL, two invites written at once could each miss the other: a
 * row's created_at is its transaction's start, not the moment it became
 * visible, so both sides could find their own the older. The lock is a
 * transaction-scoped advisory lock held on a connection of its own while
 * `body` works on others. The embedded database has one connection, which
 * already runs transactions one at a time.
 */
export async function underPairLock<T>(
  deps: Pick<GamesDeps, 'db'>,
  a: string,
  b: string,
  body: () => Promise<T>,
): Promise<T> {
  if ((deps.db.client.config as { client?: unknown }).client !== 'pg') return body();
  const [low, high] = a < b ? [a, b] : [b, a];
  return deps.db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`invite ${low} ${high}`]);
    return body();
  });
}
