/** Generates the OpenAPI 3.1 document from the endpoint table. */
import { z } from 'zod';
import type { Endpoint } from './endpoint.ts';
import { errorEnvelopeSchema, errorTable, type ErrorCode } from './errors.ts';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parameters(endpoint: Endpoint): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [location, schema] of [
    ['path', endpoint.params],
    ['query', endpoint.query],
  ] as const) {
    if (!schema) continue;
    const json = toSchema(schema, 'input');
    const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      out.push({
        name,
        in: location,
        required: location === 'path' || required.has(name),
        schema: property,
      });
    }
  }
  return out;
}

function errorResponses(endpoint: Endpoint): Record<string, JsonSchema> {
  const codes: ErrorCode[] = ['INTERNAL'];
  if (endpoint.params || endpoint.query || endpoint.body) codes.push('VALIDATION');
  if (endpoint.body || endpoint.binaryBody)
    codes.push('PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE');
  if (endpoint.auth !== 'public') codes.push('UNAUTHENTICATED');
  if (endpoint.auth === 'moderator' || endpoint.auth === 'admin') codes.push('FORBIDDEN');
  if (endpoint.params) codes.push('NOT_FOUND');
  if (endpoint.id === 'system.readyz') codes.push('UNAVAILABLE');
  const out: Record<string, JsonSchema> = {};
  for (const code of codes) {
    out[String(errorTable[code].http)] = {
      description: code,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
    };
  }
  return out;
}

function successResponse(endpoint: Endpoint): JsonSchema {
  if (endpoint.raw) {
    return {
      description: 'OK',
      content: {
        [endpoint.raw.contentType.split(';')[0]!]: {
          schema: toSchema(endpoint.response, 'output'),
        },
      },
    };
  }
  const envelope = z.strictObject({
    data: endpoint.response,
    meta: endpoint.meta ?? z.strictObject({}),
  });
  return {
    description: 'OK',
    content: { 'application/json': { schema: toSchema(envelope, 'output') } },
  };
}

function operation(endpoint: Endpoint): JsonSchema {
  const op: JsonSchema = {
    operationId: endpoint.id,
    summary: endpoint.summary,
    tags: [...endpoint.tags],
    'x-auth': endpoint.auth,
    parameters: parameters(endpoint),
    responses: {
      [String(endpoint.status ?? 200)]: successResponse(endpoint),
      ...errorResponses(endpoint),
    },
  };
  if (endpoint.auth !== 'public') op.security = [{ bearer: [] }];
  if (endpoint.body) {
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: toSchema(endpoint.body, 'input') } },
    };
  }
  if (endpoint.binaryBody) {
    const content = Object.fromEntries(
      endpoint.binaryBody.contentTypes.map((type) => [
        type,
        { schema: { type: 'string', format: 'binary', maxLength: endpoint.binaryBody!.maxBytes } },
      ]),
    );
    op.requestBody = { required: true, content };
  }
  return op;
}

/** Builds the whole document; pure, so it can be cached by the caller. */
export function buildOpenApi(
  endpoints: Record<string, Endpoint>,
  info: { version: string; title?: string },
): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const endpoint of Object.values(endpoints)) {
    (paths[endpoint.path] ??= {})[endpoint.method.toLowerCase()] = operation(endpoint);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title ?? 'pongctl API',
      version: info.version,
      description:
        'Headless Pong platform API. Success bodies are {data, meta}; errors are {error: {code, message, details, requestId}}.',
    },
    paths,
    components: {
      schemas: { ErrorEnvelope: toSchema(errorEnvelopeSchema, 'output') },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or pong_pat_ token' },
      },
    },
  };
}
