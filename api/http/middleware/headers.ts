/** Security headers for a JSON API, and CORS for the configured origins only. */
import type { Middleware } from 'koa';
import type { RequestState } from '../context.ts';

const securityHeaders: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cross-Origin-Resource-Policy': 'same-site',
  'Cache-Control': 'no-store',
};

export function securityHeadersMiddleware(): Middleware<RequestState> {
  const entries = Object.entries(securityHeaders);
  // Not async (here and in cors): returning next()'s promise saves a promise and a microtask per request.
  return (ctx, next) => {
    for (const [name, value] of entries) ctx.set(name, value);
    return next();
  };
}

const allowedHeaders = 'Authorization, Content-Type, X-Request-Id';
const allowedMethods = 'GET, POST, PUT, PATCH, DELETE';

export function cors(origins: readonly string[]): Middleware<RequestState> {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return (ctx, next) => {
    const origin = ctx.get('origin');
    if (!origin || (!any && !allowed.has(origin))) return next();
    ctx.set('Access-Control-Allow-Origin', any ? '*' : origin);
    if (!any) ctx.vary('Origin');
    ctx.set('Access-Control-Expose-Headers', 'X-Request-Id, Retry-After');
    if (ctx.method === 'OPTIONS' && ctx.get('access-control-request-method')) {
      ctx.set('Access-Control-Allow-Methods', allowedMethods);
      ctx.set('Access-Control-Allow-Headers', allowedHeaders);
      ctx.set('Access-Control-Max-Age', '600');
      ctx.status = 204;
      return Promise.resolve();
    }
    return next();
  };
}
