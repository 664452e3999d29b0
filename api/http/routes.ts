/**
 * Binds handlers to the endpoint table: one place that authenticates, parses
 * params, query and body with the contract's schemas, calls the handler and
 * wraps its result in the `{data, meta}` envelope.
 */
import Router from '@koa/router';
import type { z } from 'zod';
import type { Endpoint, MetaOf, RequestOf, ResponseOf } from '../contract/endpoint.ts';
import { zodIssues } from '../core/errors.ts';
import { AppError } from '../contract/errors.ts';
import { nulError } from '../core/nul.ts';
import type { UserActor } from '../domain/actors.ts';
import type { AppContext, AppDeps, RequestState } from './context.ts';
import { readJsonBody } from './middleware/json-body.ts';
import { readBinaryBody } from './middleware/raw-body.ts';

export interface HandlerInput<E extends Endpoint> extends RequestOf<E> {
  /** The signed-in user; public endpoints have none. */
  actor: E['auth'] extends 'public' ? undefined : UserActor;
  ctx: AppContext;
}

/** Raw endpoints may hand back pre-serialised text or bytes, with their own type, headers and status (304). */
export type HandlerResult<E extends Endpoint> = E['raw'] extends object
  ? {
      raw: ResponseOf<E> | string | Buffer;
      contentType?: string;
      headers?: Record<string, string>;
      status?: number;
    }
  : { data: ResponseOf<E>; meta?: MetaOf<E>; status?: number };

export type Handler<E extends Endpoint> = (input: HandlerInput<E>) => Promise<HandlerResult<E>>;

export type HandlersFor<T extends Record<string, Endpoint>> = { [K in keyof T]: Handler<T[K]> };

/** The @koa/router path of a contract path: `{param}` becomes `:param`. */
export function koaPathOf(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

function parsePart(schema: z.ZodType, value: unknown, location: string): unknown {
  const nul = nulError(value, location);
  if (nul) throw nul;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = zodIssues(result.error).map((i) => ({
    ...i,
    path: i.path ? `${location}.${i.path}` : location,
  }));
  throw new AppError('VALIDATION', `Invalid request ${location}`, details);
}

function rejectUnexpectedQuery(ctx: AppContext): void {
  if (ctx.querystring !== '') {
    throw new AppError('VALIDATION', 'This endpoint takes no query parameters', [
      {
        path: 'query',
        message: `Unrecognized keys: ${Object.keys(ctx.query).join(', ')}`,
        code: 'unrecognized_keys',
      },
    ]);
  }
}

async function authenticate(
  deps: AppDeps,
  ctx: AppContext,
  endpoint: Endpoint,
): Promise<UserActor | undefined> {
  if (endpoint.auth === 'public') return undefined;
  if (!deps.authenticate) throw new AppError('UNAUTHENTICATED', 'Authentication required');
  const actor = await deps.authenticate(ctx, endpoint.auth);
  ctx.state.actor = actor;
  return actor;
}

function respond(
  ctx: AppContext,
  endpoint: Endpoint,
  result: Record<string, unknown>,
  validate: boolean,
): void {
  if (endpoint.raw) {
    for (const [name, value] of Object.entries((result.headers ?? {}) as Record<string, string>))
      ctx.set(name, value);
    ctx.type = (result.contentType as string | undefined) ?? endpoint.raw.contentType;
    if (result.status === 304) {
      ctx.status = 304;
      return;
    }
    const raw = result.raw;
    ctx.body = typeof raw === 'string' || Buffer.isBuffer(raw) ? raw : JSON.stringify(raw);
    return;
  }
  const data = result.data;
  const meta = result.meta ?? {};
  if (validate) {
    const checked = endpoint.response.safeParse(data);
    if (!checked.success)
      throw new Error(`response of ${endpoint.id} breaks its contract: ${checked.error.message}`);
  }
  ctx.status = (result.status as number | undefined) ?? endpoint.status ?? 200;
  ctx.body = { data, meta };
}

/** Builds a router with one route per endpoint; every endpoint must have a handler. */
export function bindRoutes(
  endpoints: Record<string, Endpoint>,
  handlers: Record<string, Handler<Endpoint>>,
  deps: AppDeps,
): Router<RequestState> {
  const router = new Router<RequestState>();
  const limit = deps.config.bodyLimitBytes;
  for (const endpoint of Object.values(endpoints)) {
    const handler = handlers[endpoint.id];
    if (!handler) throw new Error(`no handler bound for endpoint ${endpoint.id}`);
    router.register(koaPathOf(endpoint.path), [endpoint.method], async (ctx: AppContext) => {
      ctx.state.route = endpoint.path;
      const actor = await authenticate(deps, ctx, endpoint);
      const params = endpoint.params ? parsePart(endpoint.params, ctx.params, 'params') : undefined;
      if (!endpoint.query) rejectUnexpectedQuery(ctx);
      const query = endpoint.query ? parsePart(endpoint.query, ctx.query, 'query') : undefined;
      const body = endpoint.binaryBody
        ? await readBinaryBody(ctx, endpoint.binaryBody)
        : endpoint.body
          ? parsePart(endpoint.body, await readJsonBody(ctx, limit), 'body')
          : undefined;
      const result = await handler({ params, query, body, actor, ctx } as HandlerInput<Endpoint>);
      respond(ctx, endpoint, result as Record<string, unknown>, deps.validateResponses ?? false);
    });
  }
  return router;
}

/**
 * The router middleware with an exact-path fast path. @koa/router tests every
 * route's regular expression on every request (≈ 0.1 µs each, 60+ routes and
 * growing); a path without parameters is found here with one Map lookup. Only
 * routes that @koa/router itself would pick first for that exact path and
 * method are in the map, so the answer is the same; anything else (parameters,
 * HEAD, trailing slash, other letter case, 404/405) goes to @koa/router.
 */
export function routerMiddleware(
  router: Router<RequestState>,
): ReturnType<Router<RequestState>['routes']> {
  const routes = router.routes();
  const exact = new Map<string, (typeof router.stack)[number]['stack'][number]>();
  for (const layer of router.stack) {
    const [only] = layer.stack;
    const path = layer.path;
    if (
      layer.paramNames.length > 0 ||
      layer.stack.length !== 1 ||
      !only ||
      typeof path !== 'string' ||
      !/^[\w/.-]+$/.test(path)
    )
      continue;
    for (const method of layer.methods) {
      const chosen = router.match(path, method).pathAndMethod.find((l) => l.methods.length > 0);
      if (chosen === layer && method !== 'HEAD') exact.set(`${method} ${path}`, only);
    }
  }
  return (ctx, next) => {
    const handler = exact.get(`${ctx.method} ${ctx.path}`);
    if (!handler) return routes(ctx, next);
    ctx.params = {};
    // The layer's own handler (registered by bindRoutes); @koa/router's context extras are unused by it.
    return handler(ctx as unknown as Parameters<typeof handler>[0], next);
  };
}

/** After the router: 405 with Allow when the path exists under other methods, else 404. */
export function notFoundOrNotAllowed(router: Router<RequestState>) {
  return async (ctx: AppContext): Promise<void> => {
    const match = router.match(ctx.path, ctx.method);
    const methods = new Set(match.path.flatMap((layer) => layer.methods));
    if (methods.size > 0) {
      const allow = [...methods].join(', ');
      throw new AppError(
        'METHOD_NOT_ALLOWED',
        `${ctx.method} is not allowed on ${ctx.path}`,
        { allow: [...methods] },
        { Allow: allow },
      );
    }
    throw new AppError('NOT_FOUND', `No route for ${ctx.method} ${ctx.path}`);
  };
}
