/**
 * Access log and request metrics, measured around everything inside them so the
 * status they record is the one the client gets. Labels use the route template.
 */
import type { Middleware } from 'koa';
import type { Logger } from '../../core/logger.ts';
import type { Metrics } from '../../core/metrics.ts';
import { unmatchedRoute } from '../../contract/metrics.ts';
import type { RequestState } from '../context.ts';

/** Path segments that look like credentials (long opaque tokens in reset or verify links) never reach the log. */
const tokenSegment = /(?<=\/)[A-Za-z0-9_-]{32,}(?=\/|$)/g;

export function scrubPath(path: string): string {
  return path.length < 33 ? path : path.replace(tokenSegment, '[REDACTED]');
}

/** One line per request on the access stream; `logger` is the access child (dataset pong.api). */
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
          'url.path': scrubPath(ctx.path),
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
      metrics.observeRequest(
        ctx.method,
        ctx.state.route ?? unmatchedRoute,
        ctx.status,
        (performance.now() - started) / 1000,
      );
    }
  };
}
