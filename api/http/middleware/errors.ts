/**
 * Renders every failure as the standard error envelope. Unknown errors become
 * INTERNAL with a logged stack; nothing internal leaks to the client.
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
      if (appError.code === 'INTERNAL' || appError.code === 'CONFIG') {
        logger.error({ error: err, 'trace.id': ctx.state.requestId, 'event.dataset': 'pong.api' }, 'unhandled error');
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
