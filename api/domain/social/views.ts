/** How social rows are shown: friend edges, blocks, and the caller's side of an edge in API terms. */
import type { FriendState } from '../../contract/social.ts';
import type { UserPresence } from '../../contract/presence.ts';
import { avatarUrl } from '../accounts/views.ts';
import type { EdgeState, EdgeWithUser, BlockWithUser } from './repo.ts';

const iso = (t: Date | string) => new Date(t).toISOString();

export const stateOfEdge: Record<EdgeState, FriendState> = {
  friend: 'accepted',
  invite_sent: 'outgoing',
  invite_received: 'incoming',
};
export const edgeOfState: Record<FriendState, EdgeState> = {
  accepted: 'friend',
  outgoing: 'invite_sent',
  incoming: 'invite_received',
};

export function friendView(row: EdgeWithUser, presence: UserPresence | null) {
  return {
    username: row.username,
    displayName: row.display_name,
    avatarUrl: avatarUrl(row),
    state: stateOfEdge[row.state],
    since: iso(row.updated_at),
    presence,
  };
}

export function blockView(row: BlockWithUser) {
  return {
    username: row.username,
    displayName: row.display_name,
    avatarUrl: avatarUrl(row),
    blockedAt: iso(row.created_at),
  };
}
