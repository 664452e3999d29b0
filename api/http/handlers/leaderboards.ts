/** Handlers of /leaderboards. */
import type { leaderboardEndpoints } from '../../contract/leaderboards.ts';
import {
  aroundPlayer,
  ratingBoard,
  winsBoard,
  type LeaderboardDeps,
} from '../../domain/leaderboards/service.ts';
import type { HandlersFor } from '../routes.ts';

export function leaderboardHandlers(
  deps: LeaderboardDeps,
): HandlersFor<typeof leaderboardEndpoints> {
  return {
    'leaderboards.rating': async ({ query }) => {
      const page = await ratingBoard(deps, query);
      return { data: page.items, meta: page.meta };
    },
    'leaderboards.wins': async ({ query }) => {
      const page = await winsBoard(deps, query);
      return { data: page.items, meta: page.meta };
    },
    'leaderboards.around': async ({ params, query }) => {
      const page = await aroundPlayer(deps, { ...params, ...query });
      return { data: page.items, meta: { ...page.meta, rank: page.rank } };
    },
  };
}
