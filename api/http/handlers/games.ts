/** Handlers of /matches, /users/{username}/matches and /admin/matches. */
import type { gameEndpoints } from '../../contract/games.ts';
import type { instanceEndpoints } from '../../contract/instances.ts';
import {
  adminAbortMatch,
  adminInstances,
  adminListMatches,
  adminMatchState,
} from '../../domain/games/admin.ts';
import type { ChatDeps } from '../../domain/chat/deps.ts';
import { inviteFromChat } from '../../domain/games/chat-invite.ts';
import type { GamesDeps } from '../../domain/games/deps.ts';
import {
  getMatch,
  getReplay,
  listMatches,
  myMatches,
  userHistory,
} from '../../domain/games/read.ts';
import { acceptMatch, createMatch, declineMatch, rematch } from '../../domain/games/service.ts';
import type { HandlersFor } from '../routes.ts';

export function gameHandlers(
  deps: GamesDeps,
  chat: ChatDeps,
): HandlersFor<typeof gameEndpoints & typeof instanceEndpoints> {
  return {
    'admin.instances': async ({ actor }) => ({ data: await adminInstances(deps, actor) }),
    'games.chatInvite': async ({ actor, params, body }) => ({
      data: await inviteFromChat(deps, chat, actor, { ...params, ...body }),
    }),
    'games.create': async ({ actor, body }) => ({ data: await createMatch(deps, actor, body) }),
    'games.accept': async ({ actor, params }) => ({
      data: await acceptMatch(deps, actor, params),
    }),
    'games.decline': async ({ actor, params }) => ({
      data: await declineMatch(deps, actor, params),
    }),
    'games.rematch': async ({ actor, params }) => ({ data: await rematch(deps, actor, params) }),
    'games.list': async ({ actor, query }) => {
      const page = await listMatches(deps, actor, query);
      return { data: page.items, meta: { nextCursor: page.nextCursor } };
    },
    'games.get': async ({ actor, params }) => ({ data: await getMatch(deps, actor, params) }),
    'games.history': async ({ actor, params, query }) => {
      const page = await userHistory(deps, actor, { ...params, ...query });
      return { data: page.items, meta: { nextCursor: page.nextCursor } };
    },
    'games.mine': async ({ actor, query }) => {
      const page = await myMatches(deps, actor, query);
      return { data: page.items, meta: { nextCursor: page.nextCursor } };
    },
    'games.replay': async ({ actor, params }) => ({ data: await getReplay(deps, actor, params) }),
    'admin.matchesList': async ({ actor, query }) => {
      const page = await adminListMatches(deps, actor, query);
      return { data: page.items, meta: { nextCursor: page.nextCursor } };
    },
    'admin.matchState': async ({ actor, params }) => ({
      data: await adminMatchState(deps, actor, params),
    }),
    'admin.matchAbort': async ({ actor, params, body, ctx }) => ({
      data: await adminAbortMatch(deps, actor, {
        ...params,
        ...body,
        requestId: ctx.state.requestId,
      }),
    }),
  };
}
