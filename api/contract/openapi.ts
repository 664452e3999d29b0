/**
 * Generates the OpenAPI 3.1 document from the endpoint table: every operation
 * with its declared statuses (success and errors), its security, a description
 * and examples; the shapes of `components.ts` as named schemas.
 */
import { z } from 'zod';
import { componentExamples, componentSchemas } from './components.ts';
import { errorCodesOf, type Endpoint } from './endpoint.ts';
import { errorEnvelopeSchema, errorTable, type ErrorCode } from './errors.ts';
import { exampleOf } from './examples.ts';
import { toJsonSchema, type Json } from './json-schema.ts';
import { tagDescriptions } from './tags.ts';

const componentPath = '#/components/schemas/';

/** Converts schemas, writing each named one once into `components.schemas`. */
class SchemaWriter {
  readonly components: Record<string, Json> = {};
  private readonly registry = z.registry<{ id: string }>();
  private readonly examples = new Map<string, unknown>();

  constructor(named: Readonly<Record<string, z.ZodType>>) {
    for (const [id, schema] of Object.entries(named)) this.registry.add(schema, { id });
  }

  write(schema: z.ZodType, io: 'input' | 'output'): Json {
    const raw = toJsonSchema(schema, { target: 'draft-2020-12', io, metadata: this.registry });
    const json = JSON.parse(
      JSON.stringify(raw).replaceAll('"#/$defs/', `"${componentPath}`),
    ) as Json;
    for (const [name, def] of Object.entries((json.$defs ?? {}) as Record<string, Json>)) {
      const known = this.components[name];
      if (known && JSON.stringify(known) !== JSON.stringify(def))
        throw new Error(`component ${name} is written differently as ${io}`);
      this.components[name] = def;
    }
    delete json.$defs;
    return json;
  }

  example(json: Json): unknown {
    return exampleOf(json, (ref) => {
      const name = ref.slice(componentPath.length);
      if (!this.examples.has(name))
        this.examples.set(name, componentExamples[name] ?? this.example(this.components[name]!));
      return this.examples.get(name);
    });
  }
}

const access: Record<Endpoint['auth'], string> = {
  public: 'Public: no token needed.',
  user: 'Any signed-in user (Bearer access token or personal access token).',
  moderator: 'Moderators and admins.',
  admin: 'Admins only.',
};

const errorText: Record<ErrorCode, string> = {
  VALIDATION: 'the request is not valid; details lists each problem by path',
  UNAUTHENTICATED: 'no valid credentials',
  FORBIDDEN: 'not allowed (role, ban, or a rule of the resource; details.reason says which)',
  NOT_FOUND: 'a resource named in the request does not exist (or is not visible to you)',
  METHOD_NOT_ALLOWED: 'the path exists under other methods (Allow lists them)',
  CONFLICT: 'the request conflicts with the current state',
  PAYLOAD_TOO_LARGE: 'the body is above its size limit',
  UNSUPPORTED_MEDIA_TYPE: 'the body has a content type this operation does not take',
  RATE_LIMITED: 'too many requests: retry after details.retryAfterSeconds (also Retry-After)',
  UNAVAILABLE: 'a dependency (database, Redis) is not answering; retry later',
  CONFIG: 'the server is misconfigured',
  INTERNAL: 'an unexpected server error (requestId identifies it in the logs)',
};

const statusText: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted' };

const retryAfterHeader = {
  description: 'Seconds to wait before retrying; the same value as details.retryAfterSeconds',
  schema: { type: 'integer', minimum: 1 },
};

function parameters(endpoint: Endpoint): Json[] {
  const out: Json[] = [];
  for (const [location, schema] of [
    ['path', endpoint.params],
    ['query', endpoint.query],
  ] as const) {
    if (!schema) continue;
    const json = toJsonSchema(schema, { target: 'draft-2020-12', io: 'input' });
    const properties = (json.properties ?? {}) as Record<string, Json>;
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

function errorResponses(endpoint: Endpoint): Record<string, Json> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(endpoint)) {
    const status = errorTable[code].http;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, Json> = {};
  for (const [status, codes] of byStatus) {
    out[String(status)] = {
      description: codes.map((code) => `${code}: ${errorText[code]}`).join('; '),
      ...(codes.includes('RATE_LIMITED') ? { headers: { 'Retry-After': retryAfterHeader } } : {}),
      content: { 'application/json': { schema: { $ref: `${componentPath}ErrorEnvelope` } } },
    };
  }
  return out;
}

function successContent(endpoint: Endpoint, writer: SchemaWriter): Json {
  if (endpoint.raw) {
    const type = endpoint.raw.contentType.split(';')[0]!;
    const schema = writer.write(endpoint.response, 'output');
    const example = endpoint.examples?.response;
    return { [type]: { schema, ...(example === undefined ? {} : { example }) } };
  }
  const envelope = z.strictObject({
    data: endpoint.response,
    meta: endpoint.meta ?? z.strictObject({}),
  });
  const schema = writer.write(envelope, 'output');
  const example = writer.example(schema) as Json;
  if (endpoint.examples?.response !== undefined) example.data = endpoint.examples.response;
  return { 'application/json': { schema, example } };
}

function successResponses(endpoint: Endpoint, writer: SchemaWriter): Record<string, Json> {
  const status = endpoint.status ?? 200;
  const success = {
    description: statusText[status] ?? 'OK',
    content: successContent(endpoint, writer),
  };
  const out: Record<string, Json> = { [String(status)]: success };
  for (const [status, description] of Object.entries(endpoint.otherStatuses ?? {})) {
    // 304 has no body; any other success status carries the same one.
    out[status] = status === '304' ? { description } : { ...success, description };
  }
  return out;
}

function requestBody(endpoint: Endpoint, writer: SchemaWriter): Json | undefined {
  if (endpoint.body) {
    const schema = writer.write(endpoint.body, 'input');
    const example = endpoint.examples?.body ?? writer.example(schema);
    return { required: true, content: { 'application/json': { schema, example } } };
  }
  if (endpoint.binaryBody) {
    const { contentTypes, maxBytes } = endpoint.binaryBody;
    const schema = {
      type: 'string',
      contentMediaType: 'application/octet-stream',
      maxLength: maxBytes,
    };
    return {
      required: true,
      content: Object.fromEntries(contentTypes.map((t) => [t, { schema }])),
    };
  }
  return undefined;
}

function operation(endpoint: Endpoint, writer: SchemaWriter): Json {
  const body = requestBody(endpoint, writer);
  return {
    operationId: endpoint.id,
    summary: endpoint.summary,
    description: `${endpoint.description ?? endpoint.summary}.\n\n${access[endpoint.auth]}`,
    tags: [...endpoint.tags],
    'x-auth': endpoint.auth,
    security: endpoint.auth === 'public' ? [] : [{ bearer: [] }],
    parameters: parameters(endpoint),
    ...(body ? { requestBody: body } : {}),
    responses: { ...successResponses(endpoint, writer), ...errorResponses(endpoint) },
  };
}

export interface OpenApiInfo {
  version: string;
  title?: string;
  /** The deployment's public base URL (PUBLIC_URL), listed after the relative server. */
  publicUrl?: string;
}

/** Builds the whole document; pure, so it can be cached by the caller. */
export function buildOpenApi(endpoints: Record<string, Endpoint>, info: OpenApiInfo): Json {
  const writer = new SchemaWriter(componentSchemas);
  writer.write(errorEnvelopeSchema, 'output');
  const paths: Record<string, Record<string, Json>> = {};
  for (const endpoint of Object.values(endpoints)) {
    (paths[endpoint.path] ??= {})[endpoint.method.toLowerCase()] = operation(endpoint, writer);
  }
  const used = new Set(Object.values(endpoints).flatMap((e) => e.tags));
  return {
    openapi: '3.1.0',
    info: {
      title: info.title ?? 'pongctl API',
      version: info.version,
      description:
        'Headless Pong platform API. Success bodies are {data, meta}; errors are {error: {code, message, details, requestId}}. The WebSocket protocol is described by /api/v1/asyncapi.json.',
      license: { name: 'MIT', identifier: 'MIT' },
      contact: { name: 'pongctl maintainers' },
    },
    servers: [
      { url: '/', description: 'The server that serves this document' },
      ...(info.publicUrl
        ? [{ url: info.publicUrl, description: 'This deployment (PUBLIC_URL)' }]
        : []),
    ],
    tags: Object.entries(tagDescriptions)
      .filter(([name]) => used.has(name as keyof typeof tagDescriptions))
      .map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: writer.components,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or pong_pat_ token' },
      },
    },
  };
}
