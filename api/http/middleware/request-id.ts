/** Gives every request an id: the client's X-Request-Id when it is a sane token, else a new UUID. */
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { RequestState } from '../context.ts';

const saneRequestId = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestId(): Middleware<RequestState> {
  // Not async: returning next()'s promise saves a promise and a microtask per request.
  return (ctx, next) => {
    const offered = ctx.get('x-request-id');
    const id = saneRequestId.test(offered) ? offered : randomUUID();
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    return next();
  };
}
