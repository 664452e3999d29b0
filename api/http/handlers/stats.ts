/** Handlers of player and platform stats, the digest, and the admin import/backdate tools. */
import type { statsEndpoints } from '../../contract/stats.ts';
import { backdateRegistration, importMatches } from '../../domain/imports/service.ts';
import {
  digestSettings,
  runWeeklyDigest,
  updateDigestSettings,
} from '../../domain/stats/digest.ts';
import { platformStats } from '../../domain/stats/platform.ts';
import { ratingHistory, userStats, versus } from '../../domain/stats/user.ts';
import type { AppDeps } from '../context.ts';
import type { HandlersFor } from '../routes.ts';

export function statsHandlers(deps: AppDeps['stats']): HandlersFor<typeof statsEndpoints> {
  return {
    'stats.user': async ({ actor, params, query }) => ({
      data: await userStats(deps, actor, { ...params, ...query }),
    }),
    'stats.ratingHistory': async ({ actor, params, query }) => {
      const page = await ratingHistory(deps, actor, { ...params, ...query });
      return { data: page.items, meta: { nextCursor: page.nextCursor } };
    },
    'stats.versus': async ({ actor, params }) => ({ data: await versus(deps, actor, params) }),
    'admin.statsPlatform': async ({ actor, query }) => ({
      data: await platformStats(deps, actor, query),
    }),
    'admin.usersBackdate': async ({ actor, params, body, ctx }) => ({
      data: await backdateRegistration(deps, actor, {
        ...params,
        ...body,
        requestId: ctx.state.requestId,
      }),
    }),
    'admin.matchesImport': async ({ actor, body, ctx }) => ({
      data: await importMatches(deps, actor, { ...body, requestId: ctx.state.requestId }),
    }),
    'me.digestGet': async ({ actor }) => ({ data: await digestSettings(deps, actor) }),
    'me.digestUpdate': async ({ actor, body }) => ({
      data: await updateDigestSettings(deps, actor, body),
    }),
    'admin.digestWeekly': async ({ actor, body, ctx }) => ({
      data: await runWeeklyDigest(deps, actor, { ...body, requestId: ctx.state.requestId }),
    }),
  };
}
