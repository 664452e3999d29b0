/**
 * Open invites of the signed-in player, both ways (GET /me/matches?state=
 * pending), and picking one by the other player's name or the match id:
 * `pongctl invites`, `invites decline` and `play --accept` share this.
 */
import type { MatchView } from '../../../api/contract/games.ts';
import type { CliContext } from '../../context.ts';

export interface Invite {
  id: string;
  /** `in`: someone invited you; `out`: you invited them. */
  direction: 'in' | 'out';
  from: string;
  to: string;
  expiresAt: string | null;
  rematchOf: string | null;
  visibility: MatchView['visibility'];
  settings: MatchView['settings'];
}

function inviteOf(m: MatchView, me: string): Invite {
  const [from, to] = [m.players[0].username ?? '(deleted)', m.players[1].username ?? '(deleted)'];
  return {
    id: m.id,
    direction: from.toLowerCase() === me.toLowerCase() ? 'out' : 'in',
    from,
    to,
    expiresAt: m.inviteExpiresAt,
    rematchOf: m.rematchOf,
    visibility: m.visibility,
    settings: m.settings,
  };
}

/** Every open invite of the signed-in player, newest first, and who that player is. */
export async function openInvites(ctx: CliContext): Promise<{ me: string; invites: Invite[] }> {
  const { withSession } = await import('../../session.ts');
  const { collect } = await import('../../pages.ts');
  return withSession(ctx, async (client) => {
    const me = (await client.call('me.get')).data.username;
    const { rows } = await collect(
      (cursor) => client.call('games.mine', { query: { state: 'pending', limit: 100, cursor } }),
      { all: true },
    );
    return { me, invites: rows.map((m) => inviteOf(m, me)) };
  });
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The invite `who` names: a match id, or the other player's name (the
 * newest invite with them). `direction` limits it (accepting needs one you
 * received). NOT_FOUND when there is none.
 */
export async function pickInvite(
  invites: readonly Invite[],
  who: string,
  direction?: 'in' | 'out',
): Promise<Invite> {
  const other = (i: Invite) => (i.direction === 'in' ? i.from : i.to).toLowerCase();
  const found = invites.find(
    (i) =>
      (!direction || i.direction === direction) &&
      (uuid.test(who) ? i.id === who.toLowerCase() : other(i) === who.toLowerCase()),
  );
  if (found) return found;
  const { AppError } = await import('../../../api/contract/errors.ts');
  const what = uuid.test(who)
    ? `with id ${who}`
    : direction === 'in'
      ? `from ${who}`
      : `with ${who}`;
  throw new AppError(
    'NOT_FOUND',
    `No open invite ${what} (\`pongctl invites\` lists yours; an invite expires after a minute)`,
  );
}

/** Accepts the open invite `who` names (received ones only); resolves with the match id. */
export async function acceptInvite(ctx: CliContext, who: string): Promise<string> {
  const invite = await pickInvite((await openInvites(ctx)).invites, who, 'in');
  const { withSession } = await import('../../session.ts');
  await withSession(ctx, (client) => client.call('games.accept', { params: { id: invite.id } }));
  return invite.id;
}

/** What the inviter's screen says when an invite ends without being accepted. */
export function unansweredInvite(username: string, reason: string | null): string {
  if (reason === 'declined') return `${username} declined the invite`;
  if (reason === 'invite_expired') return `the invite to ${username} expired unanswered`;
  return `${username} did not accept (${reason ?? 'the invite ended'})`;
}
