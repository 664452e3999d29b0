/** Handlers of the realtime area's HTTP endpoints. */
import { buildAsyncApi } from '../../contract/asyncapi.ts';
import { apiVersion } from '../../contract/index.ts';
import { messages } from '../../contract/messages.ts';
import type { realtimeEndpoints } from '../../contract/realtime-endpoints.ts';
import type { HandlersFor } from '../routes.ts';

export function realtimeHandlers(): HandlersFor<typeof realtimeEndpoints> {
  let document: string | undefined;
  return {
    // Built on first request and kept: the message table cannot change while the process runs.
    'system.asyncapi': async () => ({
      raw: (document ??= JSON.stringify(buildAsyncApi(messages, { version: apiVersion }))),
    }),
  };
}
