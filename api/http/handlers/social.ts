/** Handlers of /friends, /blocks and /admin/presence, and the profile with presence (users.get). */
import type { socialEndpoints } from '../../contract/social.ts';
import type { userEndpoints } from '../../contract/users.ts';
import { adminPresence } from '../../domain/social/admin.ts';
import { blockUser, listBlocks, unblockUser } from '../../domain/social/blocks.ts';
import type { SocialDeps } from '../../domain/social/deps.ts';
import * as friends from '../../domain/social/service.ts';
import type { HandlersFor } from '../routes.ts';

export function socialHandlers(deps: SocialDeps): HandlersFor<typeof socialEndpoints> {
  return {
    'friends.list': async ({ actor, query }) => {
      const page = await friends.listFriends(deps, actor, query);
      return { data: page.items, meta: { nextCursor: page.nextCursor } };
    },
    'friends.request': async ({ actor, body }) => {
      const result = await friends.requestFriend(deps, actor, body);
      // A request that completed a mutual one created a friendship, not a request.
      return { data: result, status: result.state === 'accepted' ? 200 : 201 };
    },
    'friends.accept': async ({ actor, params }) => ({
      data: await friends.acceptFriend(deps, actor, params),
    }),
    'friends.decline': async ({ actor, params }) => ({
      data: await friends.declineFriend(deps, actor, params),
    }),
    'friends.cancel': async ({ actor, params }) => ({
      data: await friends.cancelRequest(deps, actor, params),
    }),
    'friends.remove': async ({ actor, params }) => ({
      data: await friends.removeFriend(deps, actor, params),
    }),
    'blocks.list': async ({ actor, query }) => {
      const page = await listBlocks(deps, actor, query);
      return { data: page.items, meta: { nextCursor: page.nextCursor } };
    },
    'blocks.put': async ({ actor, params }) => ({ data: await blockUser(deps, actor, params) }),
    'blocks.delete': async ({ actor, params }) => ({
      data: await unblockUser(deps, actor, params),
    }),
    'admin.presence': async ({ actor, query }) => {
      const page = await adminPresence(deps, actor, query);
      return { data: page.data, meta: { nextCursor: page.nextCursor } };
    },
  };
}

/** users.get: the public profile, with presence for the user themself and their friends. */
export function profileHandlers(
  deps: SocialDeps,
): HandlersFor<Pick<typeof userEndpoints, 'users.get'>> {
  return {
    'users.get': async ({ actor, params }) => ({
      data: await friends.getProfile(deps, actor, params),
    }),
  };
}
