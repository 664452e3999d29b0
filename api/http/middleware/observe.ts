/**
 * Access log and request metrics, measured around everything inside them so the
 * status they record is the one the client gets. Labels use the route template.
 */
import type { Middleware } from 'koa';
import type { Logger } from '../../core/logger.ts';
import type { Metrics } from '../../core/metrics.ts';
import { unmatchedRoute } from '../../contract/metrics.ts';
import type { RequestState } from '../context.ts';

export function accessLog(logger: Logger): Middleware<RequestState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const status = ctx.status;
      const level = status >= 500 ? 'error' : 'info';
      logger[level](
        {
          'http.request.method': ctx.method,
          'url.path': ctx.path,
          'http.response.status_code': status,
          'event.duration': Number(process.hrtime.bigint() - started),
          'trace.id': ctx.state.requestId,
          'http.route': ctx.state.route ?? unmatchedRoute,
          ...(ctx.state.actor?.kind === 'user' ? { 'user.id': ctx.state.actor.id } : {}),
        },
        'request',
      );
    }
  };
}

export function requestMetrics(metrics: Metrics): Middleware<RequestState> {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      metrics.observeRequest(ctx.method, ctx.state.route ?? unmatchedRoute, ctx.status, (performance.now() - started) / 1000);
    }
  };
}
