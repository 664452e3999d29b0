/**
 * A small Kibana HTTP client (Kibana has no official Node client): API key or
 * basic auth, an optional CA, the `kbn-xsrf` header every write needs, spaces
 * (`/s/<space>`), multipart uploads for the saved objects import, and replies
 * validated with zod. Errors become AppErrors with the project's exit codes.
 */
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { AppError } from '../../api/contract/errors.ts';

export interface KibanaConnection {
  url: string;
  apiKey?: string;
  username?: string;
  password?: string;
  caFile?: string;
  space?: string;
  timeoutMs?: number;
}

interface Reply {
  status: number;
  text: string;
}

export class KibanaClient {
  readonly conn: KibanaConnection;
  readonly #ca: Buffer | undefined;

  constructor(conn: KibanaConnection) {
    if (!conn.apiKey && !(conn.username && conn.password !== undefined)) {
      throw new AppError(
        'UNAUTHENTICATED',
        'no Kibana credentials: set PONGCTL_KIBANA_API_KEY (or PONGCTL_ES_API_KEY), or a user with PONGCTL_KIBANA_PASSWORD',
      );
    }
    if (conn.space && !/^[a-z0-9_-]+$/.test(conn.space))
      throw new AppError('VALIDATION', `"${conn.space}" is not a Kibana space id`);
    this.conn = conn;
    this.#ca = conn.caFile ? readFileSync(conn.caFile) : undefined;
  }

  /** `/s/<space>/api/...` for a non-default space. */
  path(apiPath: string): string {
    return this.conn.space && this.conn.space !== 'default'
      ? `/s/${this.conn.space}${apiPath}`
      : apiPath;
  }

  #authorization(): string {
    if (this.conn.apiKey) return `ApiKey ${this.conn.apiKey}`;
    return `Basic ${Buffer.from(`${this.conn.username}:${this.conn.password}`).toString('base64')}`;
  }

  async request(
    method: string,
    apiPath: string,
    body?: { json?: unknown; multipart?: { field: string; filename: string; content: string } },
  ): Promise<Reply> {
    const url = new URL(this.path(apiPath), this.conn.url);
    const headers: Record<string, string> = {
      authorization: this.#authorization(),
      'kbn-xsrf': 'pongctl',
      accept: 'application/json',
    };
    let payload: Buffer | undefined;
    if (body?.json !== undefined) {
      payload = Buffer.from(JSON.stringify(body.json));
      headers['content-type'] = 'application/json';
    } else if (body?.multipart) {
      const boundary = `pongctl-${randomBytes(12).toString('hex')}`;
      const { field, filename, content } = body.multipart;
      payload = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/ndjson\r\n\r\n${content}\r\n--${boundary}--\r\n`,
      );
      headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
    }
    if (payload) headers['content-length'] = String(payload.length);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(
        url,
        {
          method,
          headers,
          ...(this.#ca ? { ca: this.#ca } : {}),
          timeout: this.conn.timeoutMs ?? 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err) =>
        reject(
          new AppError(
            'UNAVAILABLE',
            `Kibana at ${this.conn.url} is not reachable (${err.message})`,
          ),
        ),
      );
      req.end(payload);
    });
  }

  /** Sends a request and parses a 2xx JSON reply with `schema`; any other status becomes an AppError. */
  async json<T>(
    what: string,
    method: string,
    apiPath: string,
    schema: z.ZodType<T>,
    body?: Parameters<KibanaClient['request']>[2],
  ): Promise<T> {
    const reply = await this.request(method, apiPath, body);
    if (reply.status < 200 || reply.status >= 300) throw kibanaError(what, reply);
    const parsed = schema.safeParse(safeJson(reply.text));
    if (!parsed.success)
      throw new AppError(
        'UNAVAILABLE',
        `${what}: Kibana answered an unexpected body`,
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      );
    return parsed.data;
  }
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function kibanaError(what: string, reply: Reply): AppError {
  const body = safeJson(reply.text) as { message?: string } | string;
  const message =
    typeof body === 'object' && body?.message ? body.message : String(reply.text).slice(0, 200);
  const code =
    reply.status === 401
      ? 'UNAUTHENTICATED'
      : reply.status === 403
        ? 'FORBIDDEN'
        : reply.status === 404
          ? 'NOT_FOUND'
          : reply.status === 409
            ? 'CONFLICT'
            : reply.status === 400
              ? 'VALIDATION'
              : 'UNAVAILABLE';
  return new AppError(code, `${what}: Kibana answered ${reply.status} (${message})`);
}
