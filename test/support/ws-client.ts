/**
 * A real `ws` client for tests: queues what the server sends so a test can
 * await the next message (of a type), and exposes how the socket closed.
 */
import { WebSocket, type ClientOptions } from 'ws';

export interface WsMessage {
  type: string;
  id?: string;
  [key: string]: unknown;
}

export interface Closed {
  code: number;
  reason: string;
}

export class TestClient {
  readonly ws: WebSocket;
  readonly received: WsMessage[] = [];
  readonly closed: Promise<Closed>;
  #waiters: Array<{ match: (m: WsMessage) => boolean; resolve: (m: WsMessage) => void }> = [];

  constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    ws.on('message', (data, isBinary) => {
      const message = JSON.parse(isBinary ? '{}' : data.toString()) as WsMessage;
      const waiter = this.#waiters.find((w) => w.match(message));
      if (waiter) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      } else {
        this.received.push(message);
      }
    });
  }

  /** The next message (optionally of one type), from the queue or the wire; rejects after timeoutMs. */
  next(type?: string, timeoutMs = 2_000): Promise<WsMessage> {
    const match = (m: WsMessage) => type === undefined || m.type === type;
    const queued = this.received.findIndex(match);
    if (queued >= 0) return Promise.resolve(this.received.splice(queued, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${type ?? 'message'} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Resolves with the close, or rejects when the socket is still open after timeoutMs. */
  async closedWithin(timeoutMs = 2_000): Promise<Closed> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>(
      (_, reject) =>
        (timer = setTimeout(
          () => reject(new Error(`still open after ${timeoutMs} ms`)),
          timeoutMs,
        )),
    );
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.terminate();
  }
}

export function wsUrl(httpUrl: string, query = ''): string {
  return `${httpUrl.replace(/^http/, 'ws')}/api/v1/ws${query}`;
}

/** Opens a socket with a bearer token and waits for the server's hello. */
export async function connect(
  httpUrl: string,
  token: string,
  options: ClientOptions = {},
): Promise<{ client: TestClient; hello: WsMessage }> {
  const ws = new WebSocket(wsUrl(httpUrl), {
    ...options,
    headers: { authorization: `Bearer ${token}`, ...options.headers },
  });
  const client = new TestClient(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`upgrade refused with ${res.statusCode}`)),
    );
  });
  return { client, hello: await client.next('hello') };
}

/** Attempts an upgrade that must be refused; returns the HTTP status, headers and parsed body. */
export function refusedUpgrade(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.once('error', () => undefined);
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: text ? JSON.parse(text) : undefined,
        }),
      );
    });
  });
}
