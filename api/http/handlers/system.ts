/** Handlers of the system endpoints. */
import { buildOpenApi } from '../../contract/openapi.ts';
import { endpoints, apiVersion } from '../../contract/index.ts';
import type { systemEndpoints } from '../../contract/system.ts';
import { pingDb } from '../../core/db.ts';
import { unavailable } from '../../core/errors.ts';
import type { AppDeps } from '../context.ts';
import type { HandlersFor } from '../routes.ts';

// Probes give up after a second; the answer must come before that.
const readyDeadlineMs = 800;

export function systemHandlers(deps: AppDeps): HandlersFor<typeof systemEndpoints> {
  let openapi: string | undefined;
  return {
    'system.healthz': async () => ({ data: { status: 'ok' } }),
    'system.readyz': async () => {
      const started = performance.now();
      try {
        await pingDb(deps.db, readyDeadlineMs);
      } catch {
        throw unavailable('The database is not reachable', {
          checks: { database: { status: 'unavailable' } },
        });
      }
      const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
      return {
        data: {
          status: 'ok',
          checks: { database: { status: 'ok', latencyMs } },
          version: deps.version,
          engine: deps.engine,
        },
      };
    },
    'system.openapi': async () => ({
      raw: (openapi ??= JSON.stringify(
        buildOpenApi(endpoints, { version: apiVersion, publicUrl: deps.config.auth.publicUrl }),
      )),
    }),
  };
}
