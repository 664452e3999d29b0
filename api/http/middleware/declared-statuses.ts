/**
 * A guard for tests and development (on with `validateResponses`): every status
 * an endpoint answers, success or error, must be one its contract declares
 * (`statusesOf`). An undeclared one is answered as a 500 that names it, so the
 * test that produced it fails and the document cannot drift from the API.
 */
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { statusesOf, type Endpoint } from '../../contract/endpoint.ts';
import { toAppError } from '../../core/errors.ts';
import { AppError } from '../../contract/errors.ts';
import type { RequestState } from '../context.ts';
import { koaPathOf } from '../routes.ts';

/** Violations seen in this process since the last call (the test suite fails the test that produced one). */
const violations: string[] = [];
export function takeContractViolations(): string[] {
  return violations.splice(0);
}

export function declaredStatuses(
  router: Router<RequestState>,
  endpoints: Record<string, Endpoint>,
): Middleware<RequestState> {
  const byRoute = new Map<string, { endpoint: Endpoint; statuses: Set<number> }>();
  for (const endpoint of Object.values(endpoints)) {
    byRoute.set(`${endpoint.method} ${koaPathOf(endpoint.path)}`, {
      endpoint,
      statuses: statusesOf(endpoint),
    });
  }
  // Found by matching, not from ctx.state.route: errors thrown before the router (the /auth/* rate limit) count too.
  const routeOf = (path: string, method: string) => {
    const layer = router.match(path, method).pathAndMethod.find((l) => l.methods.length > 0);
    return layer && byRoute.get(`${method === 'HEAD' ? 'GET' : method} ${String(layer.path)}`);
  };
  return async (ctx, next) => {
    let failure: unknown;
    try {
      await next();
    } catch (err) {
      failure = err;
    }
    const status = failure === undefined ? ctx.status : toAppError(failure).status;
    const route = routeOf(ctx.path, ctx.method);
    if (route && !route.statuses.has(status)) {
      const code = failure === undefined ? '' : ` ${toAppError(failure).code}`;
      const message = `Contract violation: ${route.endpoint.id} answered ${status}${code}, which its contract does not declare`;
      violations.push(message);
      throw new AppError('INTERNAL', message);
    }
    if (failure !== undefined) throw failure;
  };
}
