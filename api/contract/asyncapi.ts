/**
 * Generates the AsyncAPI 3.0 document of the WebSocket protocol from the
 * message table, as `openapi.ts` does for HTTP: one channel (the gateway
 * endpoint), one operation per message type, and the close codes.
 */
import type { z } from 'zod';
import { exampleOf } from './examples.ts';
import { toJsonSchema, type Json } from './json-schema.ts';
import { closeCodes, websocketPath, type MessageSpec } from './realtime.ts';

const channel = 'gateway';

/** Message payloads are written without named components, so an example never meets a `$ref`. */
const noRefs = (ref: string): never => {
  throw new Error(`unexpected $ref ${ref} in a message payload`);
};

function payload(schema: z.ZodType): Json {
  return toJsonSchema(schema, { target: 'draft-7', io: 'input' });
}

function message(spec: MessageSpec): Json {
  const json = payload(spec.schema);
  const out: Json = {
    name: spec.type,
    title: spec.type,
    summary: spec.summary,
    contentType: 'application/json',
    payload: json,
    examples: [{ name: spec.type, payload: spec.example ?? exampleOf(json, noRefs) }],
  };
  if (spec.droppable) out['x-droppable'] = true;
  return out;
}

function operation(spec: MessageSpec): Json {
  return {
    // The document describes the server: it receives what clients send.
    action: spec.direction === 'client' ? 'receive' : 'send',
    channel: { $ref: `#/channels/${channel}` },
    summary: spec.summary,
    messages: [{ $ref: `#/channels/${channel}/messages/${spec.type}` }],
  };
}

function closeCodeTable(): string {
  const rows = closeCodes.map((c) => `| ${c.code} | ${c.error ?? ''} | ${c.meaning} |`);
  return ['| close code | AppError | meaning |', '|---|---|---|', ...rows].join('\n');
}

const description = `One WebSocket per client at ${websocketPath}, authenticated during the upgrade with
\`Authorization: Bearer <access token>\` or \`?access_token=<access token>\`; a missing or bad token is
refused with HTTP 401 before the upgrade. Frames are UTF-8 JSON text, one message each:
\`{"type": "...", "id": "optional correlation id", ...}\`. Binary frames are refused.
A message that is not JSON, has an unknown type or fails its schema is answered with an \`error\`
message carrying the AppError code and the message's \`id\`; the connection stays open.

Close codes:

${closeCodeTable()}`;

/** Builds the whole document; pure, so the caller can cache it. */
export function buildAsyncApi(
  table: Record<string, MessageSpec>,
  info: { version: string; title?: string },
): Json {
  const specs = Object.values(table);
  const componentMessages: Json = {};
  const channelMessages: Json = {};
  const operations: Json = {};
  for (const spec of specs) {
    componentMessages[spec.type] = message(spec);
    channelMessages[spec.type] = { $ref: `#/components/messages/${spec.type}` };
    operations[`${spec.direction === 'client' ? 'receive' : 'send'}.${spec.type}`] =
      operation(spec);
  }
  return {
    asyncapi: '3.0.0',
    info: { title: info.title ?? 'pongctl realtime API', version: info.version, description },
    defaultContentType: 'application/json',
    servers: {
      api: {
        host: 'localhost:3000',
        protocol: 'ws',
        description: 'The API server itself; use wss behind TLS',
        security: [
          { $ref: '#/components/securitySchemes/bearer' },
          { $ref: '#/components/securitySchemes/accessToken' },
        ],
      },
    },
    channels: {
      [channel]: {
        address: websocketPath,
        title: 'The WebSocket gateway',
        servers: [{ $ref: '#/servers/api' }],
        messages: channelMessages,
        bindings: {
          ws: {
            method: 'GET',
            query: {
              type: 'object',
              properties: {
                access_token: {
                  type: 'string',
                  description: 'For clients that cannot set headers',
                },
              },
            },
            bindingVersion: '0.1.0',
          },
        },
      },
    },
    operations,
    components: {
      messages: componentMessages,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT access token' },
        accessToken: { type: 'httpApiKey', name: 'access_token', in: 'query' },
      },
    },
    'x-close-codes': closeCodes,
  };
}
