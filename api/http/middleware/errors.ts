/**
 * Renders every failure as the standard error envelope. Every 5xx is logged
 * with ECS error.* and its stack; nothing internal leaks to the client.
 */
import type { Middleware } from 'koa';
import { toAppError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { RequestState } from '../context.ts';

export function errorEnvelope(logger: Logger): Middleware<RequestState> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const appError = toAppError(err);
      if (appError.status >= 500) {
        // ECS error.* with the stack of the original error, on the app stream (its dataset comes from the child logger).
        logger.error(
          {
            error: err,
            'error.id': appError.code,
            'trace.id': ctx.state.requestId,
            'http.response.status_code': appError.status,
            ...(ctx.state.actor?.kind === 'user' ? { 'user.id': ctx.state.actor.id } : {}),
          },
          appError.code === 'UNAVAILABLE' ? 'dependency unavailable' : 'unhandled error',
        );
      }
      ctx.status = appError.status;
      for (const [name, value] of Object.entries(appError.headers)) ctx.set(name, value);
      ctx.body = {
        error: {
          code: appError.code,
          message: appError.message,
          ...(appError.details === undefined ? {} : { details: appError.details }),
          requestId: ctx.state.requestId,
        },
      };
    }
  };
}
