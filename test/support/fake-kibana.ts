/**
 * An in-process fake of the Kibana APIs pongctl uses, on 127.0.0.1:0: status,
 * saved objects import (multipart `file`, `kbn-xsrf` required, 200 with
 * per-object `errors[]` for conflicts and missing references) and export
 * (400 "Error fetching objects to export" for unknown objects), per space.
 * Stored objects get what a real Kibana adds (migration versions, timestamps,
 * data view defaults) so diffs must ignore them. Every request is recorded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface KibanaRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Obj = {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  references: { name: string; type: string; id: string }[];
} & Record<string, unknown>;

export class FakeKibana {
  readonly requests: KibanaRequest[] = [];
  /** Saved objects per space id. */
  readonly spaces = new Map<string, Map<string, Obj>>();
  /** Objects the next imports refuse, by `type:id`, with the error type Kibana reports. */
  readonly refuse = new Map<string, string>();
  readonly version: string;
  url = '';
  #server: http.Server;

  constructor(options: { version?: string } = {}) {
    this.version = options.version ?? '9.1.0';
    this.#server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.#handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
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

  space(id = 'default'): Map<string, Obj> {
    let objects = this.spaces.get(id);
    if (!objects) this.spaces.set(id, (objects = new Map()));
    return objects;
  }

  #send(res: http.ServerResponse, status: number, body: unknown, ndjson = false): void {
    const text = ndjson ? String(body) : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': ndjson ? 'application/ndjson' : 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const match = /^(?:\/s\/([a-z0-9_-]+))?(\/api\/.*)$/.exec(url.pathname);
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
    });
    if (!String(req.headers.authorization ?? '').match(/^(ApiKey|Basic) /))
      return this.#send(res, 401, {
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Unauthorized',
      });
    if (!match)
      return this.#send(res, 404, { statusCode: 404, error: 'Not Found', message: 'Not Found' });
    const [, spaceId = 'default', api] = match;
    if (req.method !== 'GET' && !req.headers['kbn-xsrf'])
      return this.#send(res, 400, {
        statusCode: 400,
        error: 'Bad Request',
        message: 'Request must contain a kbn-xsrf header.',
      });
    if (req.method === 'GET' && api === '/api/status')
      return this.#send(res, 200, {
        name: 'kibana',
        version: { number: this.version, build_flavor: 'traditional' },
        status: { overall: { level: 'available' } },
      });
    if (req.method === 'POST' && api === '/api/saved_objects/_import')
      return this.#import(res, req, body, spaceId, url.searchParams.get('overwrite') === 'true');
    if (req.method === 'POST' && api === '/api/saved_objects/_export')
      return this.#export(res, body, spaceId);
    return this.#send(res, 404, { statusCode: 404, error: 'Not Found', message: 'Not Found' });
  }

  #import(
    res: http.ServerResponse,
    req: http.IncomingMessage,
    body: string,
    spaceId: string,
    overwrite: boolean,
  ): void {
    const boundary = /boundary=(.+)$/.exec(String(req.headers['content-type']))?.[1];
    const part = boundary
      ? body.split(`--${boundary}`).find((p) => /name="file"/.test(p))
      : undefined;
    if (!part)
      return this.#send(res, 400, {
        statusCode: 400,
        error: 'Bad Request',
        message: '[request body.file]: expected value of type [Stream] but got [undefined]',
      });
    const ndjson = part.slice(part.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
    const incoming = ndjson
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Obj);
    const store = this.space(spaceId);
    const known = new Set([...store.keys(), ...incoming.map((o) => `${o.type}:${o.id}`)]);
    const errors: unknown[] = [];
    const successResults: unknown[] = [];
    for (const o of incoming) {
      const key = `${o.type}:${o.id}`;
      const missing = o.references.filter((r) => !known.has(`${r.type}:${r.id}`));
      const refused = this.refuse.get(key);
      if (refused || missing.length > 0) {
        errors.push({
          id: o.id,
          type: o.type,
          title: o.attributes.title,
          meta: { title: o.attributes.title },
          error: {
            type: refused ?? 'missing_references',
            ...(missing.length
              ? { references: missing.map(({ type, id }) => ({ type, id })) }
              : {}),
          },
        });
      } else if (store.has(key) && !overwrite) {
        errors.push({
          id: o.id,
          type: o.type,
          title: o.attributes.title,
          error: { type: 'conflict' },
        });
      } else {
        store.set(key, this.#stored(o));
        successResults.push({
          type: o.type,
          id: o.id,
          meta: { title: o.attributes.title, icon: 'app' },
          ...(overwrite ? { overwrite: true } : {}),
        });
      }
    }
    this.#send(res, 200, {
      successCount: successResults.length,
      success: errors.length === 0,
      warnings: [],
      successResults,
      ...(errors.length ? { errors } : {}),
    });
  }

  /** What Kibana keeps: the object plus migration versions, timestamps and type defaults. */
  #stored(o: Obj): Obj {
    const defaults =
      o.type === 'index-pattern'
        ? {
            fieldAttrs: '{}',
            fieldFormatMap: '{}',
            runtimeFieldMap: '{}',
            sourceFilters: '[]',
            fields: '[]',
            allowNoIndex: false,
          }
        : {};
    return {
      ...o,
      attributes: { ...defaults, ...o.attributes },
      coreMigrationVersion: '8.8.0',
      typeMigrationVersion: '10.1.0',
      managed: false,
      updated_at: '2026-11-21T08:00:00.000Z',
      created_at: '2026-11-21T08:00:00.000Z',
      version: 'WzEsMV0=',
    };
  }

  #export(res: http.ServerResponse, body: string, spaceId: string): void {
    const request = JSON.parse(body) as {
      objects: { type: string; id: string }[];
      excludeExportDetails?: boolean;
    };
    const store = this.space(spaceId);
    const missing = request.objects.filter((o) => !store.has(`${o.type}:${o.id}`));
    if (missing.length > 0) {
      return this.#send(res, 400, {
        statusCode: 400,
        error: 'Bad Request',
        message: 'Error fetching objects to export',
        attributes: {
          objects: missing.map((o) => ({
            ...o,
            error: {
              statusCode: 404,
              error: 'Not Found',
              message: `Saved object [${o.type}/${o.id}] not found`,
            },
          })),
        },
      });
    }
    const lines = request.objects.map((o) => JSON.stringify(store.get(`${o.type}:${o.id}`)));
    if (!request.excludeExportDetails)
      lines.push(
        JSON.stringify({
          excludedObjects: [],
          excludedObjectsCount: 0,
          exportedCount: lines.length,
          missingRefCount: 0,
          missingReferences: [],
        }),
      );
    this.#send(res, 200, `${lines.join('\n')}\n`, true);
  }
}
