/**
 * The typed API client: `call(id, request)` builds the URL from the contract's
 * endpoint table, sends JSON over fetch, validates nothing it cannot trust less
 * than the server, and turns an error envelope back into an AppError.
 */
import { endpoints, type EndpointId, type Endpoints } from '../api/contract/index.ts';
import type { Endpoint, MetaOf, RequestOf, ResponseOf } from '../api/contract/endpoint.ts';
import { AppError, errorEnvelopeSchema } from '../api/contract/errors.ts';
import { isHttpUrl } from './api-url.ts';

export interface ClientOptions {
  baseUrl: string;
  token?: string;
  /** Where the token came from, for the message when it is unusable (PONGCTL_TOKEN, a profile). */
  tokenFrom?: string;
  timeoutMs?: number;
  userAgent?: string;
}

export interface ApiResult<E extends Endpoint> {
  data: ResponseOf<E>;
  meta: MetaOf<E>;
  status: number;
  requestId: string | null;
}

type CallArgs<E extends Endpoint> = Partial<RequestOf<E>>;

function buildUrl(
  baseUrl: string,
  endpoint: Endpoint,
  request: Partial<RequestOf<Endpoint>>,
): string {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const path = endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new AppError('VALIDATION', `missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
  const url = new URL(baseUrl + path);
  for (const [key, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

async function decodeError(response: Response): Promise<AppError> {
  const text = await response.text();
  try {
    const envelope = errorEnvelopeSchema.parse(JSON.parse(text));
    const { code, message, details, requestId } = envelope.error;
    const headers: Record<string, string> = requestId ? { 'x-request-id': requestId } : {};
    const retryAfter = response.headers.get('retry-after');
    if (retryAfter) headers['Retry-After'] = retryAfter;
    return new AppError(code, message, details, headers);
  } catch {
    const code = response.status >= 500 ? 'UNAVAILABLE' : 'INTERNAL';
    return new AppError(code, `The API answered ${response.status} without an error envelope`, {
      body: text.slice(0, 200),
    });
  }
}

/** The API base URL as given, or a usage error. */
export function checkApiUrl(text: string): string {
  if (!isHttpUrl(text))
    throw new AppError(
      'VALIDATION',
      `the API URL "${text}" is not an http:// or https:// URL (from --api, PONGCTL_API or the profile's api)`,
    );
  return text;
}

/** A bearer token is one word of visible ASCII; anything else cannot go into a header. */
const tokenPattern = /^[\x21-\x7e]+$/;

export class ApiClient {
  readonly options: ClientOptions;

  constructor(options: ClientOptions) {
    checkApiUrl(options.baseUrl);
    if (options.token !== undefined && !tokenPattern.test(options.token))
      throw new AppError(
        'VALIDATION',
        `the token in ${options.tokenFrom ?? 'PONGCTL_TOKEN or the profile'} is not a token: it holds spaces, line breaks or other characters (\`pongctl tokens create\` prints just the token; -o json prints an object)`,
      );
    this.options = options;
  }

  /** Calls an endpoint by id; resolves with the enveloped result or throws AppError. */
  async call<K extends EndpointId>(
    id: K,
    request: CallArgs<Endpoints[K]> = {},
  ): Promise<ApiResult<Endpoints[K]>> {
    const endpoint: Endpoint = endpoints[id];
    const url = buildUrl(this.options.baseUrl, endpoint, request as Partial<RequestOf<Endpoint>>);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.options.userAgent ?? 'pongctl',
    };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method: endpoint.method,
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (err) {
      const reason = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw new AppError(
        'UNAVAILABLE',
        `Cannot reach the API at ${this.options.baseUrl} (${reason})`,
      );
    }
    if (!response.ok) throw await decodeError(response);
    const requestId = response.headers.get('x-request-id');
    if (endpoint.raw) {
      const text = await response.text();
      const data = endpoint.raw.contentType.startsWith('application/json')
        ? JSON.parse(text)
        : text;
      return { data, meta: {} as MetaOf<Endpoints[K]>, status: response.status, requestId };
    }
    const json = (await response.json()) as {
      data: ResponseOf<Endpoints[K]>;
      meta?: MetaOf<Endpoints[K]>;
    };
    return {
      data: json.data,
      meta: json.meta ?? ({} as MetaOf<Endpoints[K]>),
      status: response.status,
      requestId,
    };
  }
}

export function clientFor(ctx: { apiUrl: string; token: string | undefined }): ApiClient {
  return new ApiClient({ baseUrl: ctx.apiUrl, token: ctx.token });
}
