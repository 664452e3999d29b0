/**
 * Request metrics and the access log, measured around everything inside them
 * so the status they record is the one the client gets. Both use the route
 * template, never the path. One middleware for both: a request pays for one
 * async frame, not two, whether the access log is on or off.
 */
import type { Middleware } from 'koa';
import { preSerialisedLine, type Logger } from '../../core/logger.ts';
import type { Metrics } from '../../core/metrics.ts';
import { unmatchedRoute } from '../../contract/metrics.ts';
import type { RequestState } from '../context.ts';

/**
 * `access` (the access child, dataset pong.api; undefined when ACCESS_LOG is
 * off) gets one line per request: method, route template
 * (`/api/v1/users/{username}`), status, duration and request id, plus the
 * signed-in user's id. Never the path or the query, so no username, id or token
 * in a URL reaches the log; the request id ties the line to the request's
 * other lines and its error.
 */
export function observeRequests(
  metrics: Metrics,
  access: Logger | undefined,
): Middleware<RequestState> {
  const line = access ? preSerialisedLine(access, 'request') : undefined;
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = performance.now() - started;
      const status = ctx.status;
      const { route = unmatchedRoute, requestId, actor } = ctx.state;
      metrics.observeRequest(ctx.method, route, status, ms / 1000);
      // Every value is a method token, a contract template, a number, a sane request id or a UUID.
      line?.(
        status >= 500 ? 'error' : 'info',
        `,"http.request.method":${JSON.stringify(ctx.method)},"http.route":${JSON.stringify(route)},"http.response.status_code":${status},"event.duration":${Math.round(ms * 1e6)},"trace.id":${JSON.stringify(requestId)}${actor?.kind === 'user' ? `,"user.id":${JSON.stringify(actor.id)}` : ''}`,
      );
    }
  };
}
