/**
 * createApp(deps): the Koa application without a listener. Middleware order:
 * request id, request metrics and access log, error envelope, (tests) declared statuses,
 * security headers, CORS, router (each route parses its own JSON body with the
 * size limit), 404/405.
 */
import Koa from 'koa';
import { endpoints } from '../contract/index.ts';
import type { Endpoint } from '../contract/endpoint.ts';
import type { AppDeps, RequestState } from './context.ts';
import { realtimeHandlers } from './handlers/realtime.ts';
import { systemHandlers } from './handlers/system.ts';
import { accountHandlers, authRateLimit } from './handlers/accounts.ts';
import { analyticsHandlers } from './handlers/analytics.ts';
import { adminHandlers } from './handlers/admin.ts';
import { chatHandlers } from './handlers/chat.ts';
import { gameHandlers } from './handlers/games.ts';
import { matchmakingHandlers } from './handlers/matchmaking.ts';
import { tournamentHandlers } from './handlers/tournaments.ts';
import { leaderboardHandlers } from './handlers/leaderboards.ts';
import { notificationHandlers } from './handlers/notifications.ts';
import { pageHandlers } from './handlers/pages.ts';
import { profileHandlers, socialHandlers } from './handlers/social.ts';
import { statsHandlers } from './handlers/stats.ts';
import { userHandlers } from './handlers/users.ts';
import { declaredStatuses } from './middleware/declared-statuses.ts';
import { errorEnvelope } from './middleware/errors.ts';
import { cors, securityHeadersMiddleware } from './middleware/headers.ts';
import { observeRequests } from './middleware/observe.ts';
import { requestId } from './middleware/request-id.ts';
import { bindRoutes, notFoundOrNotAllowed, routerMiddleware, type Handler } from './routes.ts';

export function createApp(deps: AppDeps): Koa<RequestState> {
  const app = new Koa<RequestState>({ proxy: deps.config.trustProxy });
  app.silent = true; // errors are logged by the envelope middleware, not by Koa
  const handlers = {
    ...systemHandlers(deps),
    ...realtimeHandlers(),
    ...accountHandlers(deps.accounts),
    ...userHandlers(deps.accounts),
    // The public profile shows presence to friends: social serves users.get.
    ...profileHandlers(deps.social),
    ...adminHandlers(deps.accounts),
    ...socialHandlers(deps.social),
    ...notificationHandlers(deps.notifications),
    ...chatHandlers(deps.chat),
    ...gameHandlers(deps.games, deps.chat),
    ...matchmakingHandlers(deps.matchmaking),
    ...tournamentHandlers(deps.tournaments),
    ...leaderboardHandlers(deps.stats),
    ...statsHandlers(deps.stats),
    ...analyticsHandlers(deps.analytics),
    ...pageHandlers(),
  } as Record<string, Handler<Endpoint>>;
  const router = bindRoutes(endpoints, handlers, deps);

  app.use(requestId());
  app.use(observeRequests(deps.metrics, deps.config.accessLog ? deps.logs.access : undefined));
  app.use(errorEnvelope(deps.logs.app));
  if (deps.validateResponses) app.use(declaredStatuses(router, endpoints));
  app.use(securityHeadersMiddleware());
  app.use(cors(deps.config.corsOrigins));
  app.use(authRateLimit(deps.accounts));
  app.use(routerMiddleware(router));
  app.use(notFoundOrNotAllowed(router));
  return app;
}
