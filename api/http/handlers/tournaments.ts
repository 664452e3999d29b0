/** Handlers of /tournaments: thin edges over api/domain/tournaments. */
import type { tournamentEndpoints } from '../../contract/tournaments.ts';
import {
  cancelTournament,
  kickPlayer,
  overrideResult,
  pauseTournament,
  resumeTournament,
  startTournament,
} from '../../domain/tournaments/admin.ts';
import type { TournamentDeps } from '../../domain/tournaments/deps.ts';
import {
  createTournament,
  getTournament,
  listTournaments,
  register,
  unregister,
} from '../../domain/tournaments/service.ts';
import type { HandlersFor } from '../routes.ts';

export function tournamentHandlers(deps: TournamentDeps): HandlersFor<typeof tournamentEndpoints> {
  return {
    'tournaments.create': async ({ actor, body }) => ({
      data: await createTournament(deps, actor, body),
    }),
    'tournaments.list': async ({ actor, query }) => {
      const page = await listTournaments(deps, actor, query);
      return { data: page.items, meta: { nextCursor: page.nextCursor } };
    },
    'tournaments.get': async ({ actor, params }) => ({
      data: await getTournament(deps, actor, params),
    }),
    'tournaments.register': async ({ actor, params, body }) => ({
      data: await register(deps, actor, { ...params, ...body }),
    }),
    'tournaments.unregister': async ({ actor, params }) => ({
      data: await unregister(deps, actor, params),
    }),
    'tournaments.start': async ({ actor, params, ctx }) => ({
      data: await startTournament(deps, actor, { ...params, requestId: ctx.state.requestId }),
    }),
    'tournaments.pause': async ({ actor, params, ctx }) => ({
      data: await pauseTournament(deps, actor, { ...params, requestId: ctx.state.requestId }),
    }),
    'tournaments.resume': async ({ actor, params, ctx }) => ({
      data: await resumeTournament(deps, actor, { ...params, requestId: ctx.state.requestId }),
    }),
    'tournaments.cancel': async ({ actor, params, ctx }) => ({
      data: await cancelTournament(deps, actor, { ...params, requestId: ctx.state.requestId }),
    }),
    'tournaments.kick': async ({ actor, params, ctx }) => ({
      data: await kickPlayer(deps, actor, { ...params, requestId: ctx.state.requestId }),
    }),
    'tournaments.result': async ({ actor, params, body, ctx }) => ({
      data: await overrideResult(deps, actor, {
        id: params.id,
        matchId: params.matchId,
        ...body,
        requestId: ctx.state.requestId,
      }),
    }),
  };
}
