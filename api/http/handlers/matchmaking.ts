/** Handlers of /matchmaking/queue and /matchmaking/stats. */
import type { matchmakingEndpoints } from '../../contract/matchmaking.ts';
import type { MatchmakingDeps } from '../../domain/matchmaking/deps.ts';
import {
  joinQueue,
  leaveQueue,
  queueStats,
  queueStatus,
} from '../../domain/matchmaking/service.ts';
import type { HandlersFor } from '../routes.ts';

export function matchmakingHandlers(
  deps: MatchmakingDeps,
): HandlersFor<typeof matchmakingEndpoints> {
  return {
    'matchmaking.join': async ({ actor, body }) => ({ data: await joinQueue(deps, actor, body) }),
    'matchmaking.leave': async ({ actor }) => ({ data: await leaveQueue(deps, actor) }),
    'matchmaking.status': async ({ actor }) => ({ data: await queueStatus(deps, actor) }),
    'matchmaking.stats': async ({ actor }) => ({ data: await queueStats(deps, actor) }),
  };
}
