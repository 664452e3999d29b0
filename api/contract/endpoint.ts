/**
 * The shape of one API endpoint as data. The server binds handlers to these,
 * the OpenAPI document is generated from them, and the CLI client is typed by them.
 */
import type { z } from 'zod';
import { errorCodes, errorTable, type ErrorCode } from './errors.ts';
import type { Tag } from './tags.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who may call an endpoint: anyone, any signed-in user, or at least this role. */
export type AuthRequirement = 'public' | 'user' | 'moderator' | 'admin';

export interface Endpoint {
  /** Stable operation id, `<area>.<verb>`: the handler key and the OpenAPI operationId. */
  readonly id: string;
  readonly method: HttpMethod;
  /** Path with `{param}` placeholders, as in OpenAPI. */
  readonly path: string;
  readonly auth: AuthRequirement;
  readonly summary: string;
  /** Longer text for the document, when the summary does not say it all (access is added). */
  readonly description?: string;
  readonly tags: readonly Tag[];
  /**
   * Error codes this endpoint answers beyond those its shape implies (see
   * `impliedErrors`): what its service throws (NOT_FOUND, CONFLICT, ...).
   */
  readonly errors: readonly ErrorCode[];
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  /** JSON request body. */
  readonly body?: z.ZodType;
  /** Raw (non-JSON) request body, e.g. an image: accepted types and its own size limit (413). */
  readonly binaryBody?: { readonly contentTypes: readonly string[]; readonly maxBytes: number };
  /** Schema of `data` in the success envelope (or of the raw body when `raw`). */
  readonly response: z.ZodType;
  /** Schema of `meta` in the success envelope; lists carry `{nextCursor}`. */
  readonly meta?: z.ZodType;
  readonly status?: number;
  /** Other success statuses it may answer, with what each means (304 with ETag, 200 instead of 201). */
  readonly otherStatuses?: Readonly<Record<number, string>>;
  /**
   * Examples for the document where one derived from the schema would break a
   * rule the schema cannot say (a refinement): `body`, and `data` of the response.
   */
  readonly examples?: { readonly body?: unknown; readonly response?: unknown };
  /** Answered without the `{data, meta}` envelope (documents, metrics text). */
  readonly raw?: { contentType: string };
}

/** Identity function that keeps the literal types of an endpoint table. */
export function defineEndpoints<const T extends Record<string, Endpoint>>(table: T): T {
  for (const [key, endpoint] of Object.entries(table)) {
    if (key !== endpoint.id)
      throw new Error(`endpoint key ${key} differs from its id ${endpoint.id}`);
  }
  return table;
}

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

/** What a caller sends to an endpoint. */
export interface RequestOf<E extends Endpoint> {
  params: Infer<E['params']>;
  query: Infer<E['query']>;
  body: E['binaryBody'] extends object ? Uint8Array : Infer<E['body']>;
}

/** What a caller gets back in `data`. */
export type ResponseOf<E extends Endpoint> = z.infer<E['response']>;
export type MetaOf<E extends Endpoint> = E['meta'] extends z.ZodType
  ? z.infer<E['meta']>
  : Record<string, never>;

/**
 * Error codes every endpoint of this shape can answer, whatever its service does:
 * any request may carry an unexpected query (400) or hit a bug (500); signed-in
 * endpoints check the token (401), the ban and the role (403) and may need the
 * database (503); JSON and binary bodies have a size limit (413) and types (415).
 */
export function impliedErrors(endpoint: Endpoint): ErrorCode[] {
  const codes: ErrorCode[] = ['VALIDATION', 'INTERNAL'];
  if (endpoint.auth !== 'public') codes.push('UNAUTHENTICATED', 'FORBIDDEN', 'UNAVAILABLE');
  if (endpoint.body || endpoint.binaryBody)
    codes.push('PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE');
  return codes;
}

/** Every error code the endpoint may answer, in the order of the error table. */
export function errorCodesOf(endpoint: Endpoint): ErrorCode[] {
  const codes = new Set([...impliedErrors(endpoint), ...endpoint.errors]);
  return errorCodes.filter((code) => codes.has(code));
}

/** Every HTTP status the endpoint may answer: its successes, then its errors. */
export function statusesOf(endpoint: Endpoint): Set<number> {
  const success = [
    endpoint.status ?? 200,
    ...Object.keys(endpoint.otherStatuses ?? {}).map(Number),
  ];
  return new Set([...success, ...errorCodesOf(endpoint).map((code) => errorTable[code].http)]);
}
