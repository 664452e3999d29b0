/** Handlers of /events and /admin/analytics. */
import type { analyticsEndpoints } from '../../contract/analytics.ts';
import { activity, recordEvents } from '../../domain/analytics/service.ts';
import type { AnalyticsDeps } from '../../domain/analytics/deps.ts';
import type { HandlersFor } from '../routes.ts';

export function analyticsHandlers(deps: AnalyticsDeps): HandlersFor<typeof analyticsEndpoints> {
  return {
    'events.create': async ({ actor, body }) => ({ data: await recordEvents(deps, actor, body) }),
    'admin.analyticsActivity': async ({ actor, query }) => ({
      data: await activity(deps, actor, query),
    }),
  };
}
