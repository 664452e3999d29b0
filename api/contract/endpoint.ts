/**
 * The shape of one API endpoint as data. The server binds handlers to these,
 * the OpenAPI document is generated from them, and the CLI client is typed by them.
 */
import type { z } from 'zod';

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
  readonly tags: readonly string[];
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
