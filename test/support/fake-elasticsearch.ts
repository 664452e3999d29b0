/**
 * An in-process fake of the Elasticsearch REST API on 127.0.0.1:0, for tests
 * and benchmarks (no Elasticsearch can run here). It answers like the real
 * server — product header, compatible-with media types, error bodies of the
 * documented shape, 8.x refusing a 9.x client — records every request so tests
 * can assert the exact calls, and lets a test override any route to inject
 * failures. State (policies, templates, snapshots...) lives in `state`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { esRoutes, type EsState, emptyEsState } from './fake-elasticsearch-routes.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Parsed JSON body (or NDJSON lines for _bulk), undefined when empty. */
  json: unknown;
}

export interface FakeAnswer {
  status: number;
  body?: unknown;
  /** Raw text instead of JSON. */
  raw?: string;
  /** Pre-serialised JSON (fast path for large answers). */
  rawJson?: string;
  /** Destroy the socket without answering (a crashed or unreachable node). */
  hangUp?: boolean;
  /** Answer after this many milliseconds (a slow node). */
  delayMs?: number;
}

export type FakeHandler = (
  req: RecordedRequest,
  params: Record<string, string>,
  state: EsState,
) => FakeAnswer | Promise<FakeAnswer>;

export interface FakeRoute {
  method: string;
  pattern: string;
  handler: FakeHandler;
}

function compile(pattern: string): RegExp {
  const source = pattern
    .split('/')
    .map((part) =>
      part.startsWith(':')
        ? `(?<${part.slice(1)}>[^/]+)`
        : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source}$`);
}

export function esError(status: number, type: string, reason: string): FakeAnswer {
  return { status, body: { error: { root_cause: [{ type, reason }], type, reason }, status } };
}

function parseBody(path: string, body: string): unknown {
  if (!body) return undefined;
  if (path.endsWith('/_bulk'))
    return body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

export class FakeElasticsearch {
  readonly requests: RecordedRequest[] = [];
  readonly state: EsState;
  readonly version: string;
  #overrides: FakeRoute[] = [];
  #server: http.Server;
  #routes: { method: string; regex: RegExp; handler: FakeHandler }[];
  /** When false, requests are not recorded (benchmarks). */
  record = true;
  url = '';

  constructor(options: { version?: string } = {}) {
    this.version = options.version ?? '9.1.0';
    this.state = emptyEsState();
    this.#routes = esRoutes(this.version).map((r) => ({
      method: r.method,
      regex: compile(r.pattern),
      handler: r.handler,
    }));
    this.#server = http.createServer((req, res) => this.#handle(req, res));
    this.#server.keepAliveTimeout = 10_000;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Takes over a route (first match wins; newest first) until `clear()` or the returned remover runs. */
  override(method: string, pattern: string, handler: FakeHandler): () => void {
    const route = { method, pattern, handler };
    this.#overrides.unshift(route);
    return () => {
      this.#overrides = this.#overrides.filter((r) => r !== route);
    };
  }

  clearOverrides(): void {
    this.#overrides = [];
  }

  /** `METHOD /path` of every recorded request, in order, minus the `GET /` version probes. */
  calls(options: { includeInfo?: boolean } = {}): string[] {
    return this.requests
      .filter((r) => options.includeInfo || !(r.method === 'GET' && r.path === '/'))
      .map((r) => `${r.method} ${r.path}`);
  }

  #find(
    method: string,
    path: string,
  ): { handler: FakeHandler; params: Record<string, string> } | undefined {
    for (const route of this.#overrides) {
      const match = compile(route.pattern).exec(path);
      if (route.method === method && match)
        return { handler: route.handler, params: { ...match.groups } };
    }
    for (const route of this.#routes) {
      const match = route.regex.exec(path);
      if (route.method === method && match)
        return { handler: route.handler, params: { ...match.groups } };
    }
    return undefined;
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void this.#answer(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  }

  async #answer(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = decodeURIComponent(url.pathname);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
      json: this.record ? parseBody(path, body) : undefined,
    };
    if (this.record) this.requests.push(recorded);
    let answer = this.#mediaTypeCheck(req) ?? this.#authCheck(req);
    if (!answer) {
      const route = this.#find(recorded.method, path);
      answer = route
        ? await route.handler(recorded, route.params, this.state)
        : esError(404, 'resource_not_found_exception', `no handler for ${recorded.method} ${path}`);
    }
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    if (answer.hangUp) {
      req.socket.destroy();
      return;
    }
    const text = answer.rawJson ?? answer.raw ?? JSON.stringify(answer.body ?? {});
    res.writeHead(answer.status, {
      'content-type':
        answer.raw === undefined
          ? `application/vnd.elasticsearch+json;compatible-with=${this.version.split('.')[0]}`
          : 'text/plain',
      'x-elastic-product': 'Elasticsearch',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  /** An 8.x server refuses the 9.x client's `compatible-with=9` media type, as the real one does. */
  #mediaTypeCheck(req: http.IncomingMessage): FakeAnswer | undefined {
    const major = Number(this.version.split('.')[0]);
    const accept = String(req.headers.accept ?? '');
    const wanted = /compatible-with=(\d+)/.exec(accept)?.[1];
    if (wanted && Number(wanted) > major) {
      return esError(
        400,
        'media_type_header_exception',
        `Invalid media-type value on headers [Accept, Content-Type]`,
      );
    }
    return undefined;
  }

  #authCheck(req: http.IncomingMessage): FakeAnswer | undefined {
    const auth = String(req.headers.authorization ?? '');
    if (!auth.startsWith('ApiKey ') && !auth.startsWith('Basic ')) {
      return esError(
        401,
        'security_exception',
        'missing authentication credentials for REST request',
      );
    }
    if (this.state.validCredentials.size > 0 && !this.state.validCredentials.has(auth)) {
      return esError(401, 'security_exception', 'unable to authenticate with provided credentials');
    }
    return undefined;
  }
}
