/** Handlers of /auth/*, and the per-IP request limit in front of them. */
import type { Middleware } from 'koa';
import type { accountEndpoints } from '../../contract/accounts.ts';
import type { AccountsDeps } from '../../domain/accounts/deps.ts';
import * as accounts from '../../domain/accounts/service.ts';
import { assertIpRate } from '../../domain/accounts/throttle.ts';
import type { AppContext, RequestState } from '../context.ts';
import type { HandlersFor } from '../routes.ts';

export function requestInfo(ctx: AppContext): accounts.RequestInfo {
  return {
    ip: ctx.ip,
    userAgent: ctx.get('user-agent') || undefined,
    requestId: ctx.state.requestId,
  };
}

export function accountHandlers(deps: AccountsDeps): HandlersFor<typeof accountEndpoints> {
  return {
    'auth.register': async ({ body, ctx }) => ({
      data: await accounts.register(deps, requestInfo(ctx), body),
    }),
    'auth.login': async ({ body, ctx }) => ({
      data: await accounts.login(deps, requestInfo(ctx), body),
    }),
    'auth.loginMfa': async ({ body, ctx }) => ({
      data: await accounts.loginMfa(deps, requestInfo(ctx), body),
    }),
    'auth.refresh': async ({ body, ctx }) => ({
      data: await accounts.refresh(deps, requestInfo(ctx), body),
    }),
    'auth.logout': async ({ actor }) => ({ data: await accounts.logout(deps, actor) }),
    'auth.logoutAll': async ({ actor }) => ({ data: await accounts.logoutAll(deps, actor) }),
    'auth.passwordResetRequest': async ({ body }) => ({
      data: await accounts.requestPasswordReset(deps, body),
    }),
    'auth.passwordResetConfirm': async ({ body }) => ({
      data: await accounts.confirmPasswordReset(deps, body),
    }),
  };
}

/** The general per-IP limit on /api/v1/auth/* (AUTH_RATE_LIMIT_PER_MINUTE), before any parsing. */
export function authRateLimit(deps: AccountsDeps): Middleware<RequestState> {
  const perMinute = deps.auth.rateLimitPerMinute;
  // Not async: every other request passes through with no promise or microtask of its own.
  return (ctx, next) =>
    ctx.path.startsWith('/api/v1/auth/')
      ? assertIpRate(deps.counters, ctx.ip, perMinute).then(() => next())
      : next();
}
