/**
 * The game WebSocket of `pongctl spectate`, `play` and `replay`: opens the
 * gateway socket with the session's token, validates what the server sends
 * with the contract's schemas, answers requests by message id, and turns a
 * refused upgrade or an unexpected close into the AppError of its code.
 */
import type { WebSocket } from 'ws';
import { AppError, type ErrorCode } from '../../../api/contract/errors.ts';
import { gameMessages } from '../../../api/contract/game.ts';
import { closeCodes, websocketPath } from '../../../api/contract/realtime.ts';
import type { CliContext } from '../../context.ts';

export interface ServerMessage {
  type: string;
  id?: string;
  [key: string]: unknown;
}

type Listener = (message: ServerMessage) => void;

function errorForClose(code: number, reason: string): AppError {
  const known = closeCodes.find((c) => c.code === code);
  const error: ErrorCode = known?.error ?? 'UNAVAILABLE';
  return new AppError(error, `The server closed the connection (${code}${reason ? `: ${reason}` : ''})`);
}

function errorForStatus(status: number): AppError {
  if (status === 401) return new AppError('UNAUTHENTICATED', 'The WebSocket upgrade was refused (401); run `pongctl login`');
  if (status === 403) return new AppError('FORBIDDEN', 'The WebSocket upgrade was refused (403)');
  return new AppError('UNAVAILABLE', `The WebSocket upgrade was refused (${status})`);
}

/** Server messages of the game contract are checked; others (hello, error, presence, chat) pass as they are. */
function validated(raw: ServerMessage): ServerMessage | undefined {
  const spec = (gameMessages as Record<string, { direction: string; schema: { safeParse(v: unknown): { success: boolean } } }>)[raw.type];
  if (!spec || spec.direction !== 'server') return raw;
  return spec.schema.safeParse(raw).success ? raw : undefined;
}

export class GameSocket {
  readonly #ws: WebSocket;
  readonly #listeners = new Set<Listener>();
  readonly #closed: Promise<AppError | null>;
  #closing = false;
  #nextId = 0;

  constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data: Buffer) => this.#onFrame(data));
    // A socket error is always followed by 'close', which is where it is reported.
    ws.on('error', () => undefined);
    this.#closed = new Promise((resolve) => {
      ws.once('close', (code, reason) => resolve(this.#closing ? null : errorForClose(code, reason.toString())));
    });
  }

  /** Resolves when the socket closes: null when we closed it, else the error of the close code. */
  get closed(): Promise<AppError | null> {
    return this.#closed;
  }

  on(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  send(message: Record<string, unknown>): void {
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.send(JSON.stringify(message));
  }

  /** Sends with a fresh id and resolves with the reply of that id (or rejects with its error). */
  request(message: Record<string, unknown>, timeoutMs = 10_000): Promise<ServerMessage> {
    const id = `c${++this.#nextId}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new AppError('UNAVAILABLE', `No answer to ${String(message.type)} within ${timeoutMs} ms`)), timeoutMs);
      const off = this.on((m) => {
        if (m.id !== id) return;
        if (m.type === 'error') done(new AppError(m.code as ErrorCode, String(m.message)));
        else done(null, m);
      });
      const done = (err: AppError | null, m?: ServerMessage) => {
        clearTimeout(timer);
        off();
        if (err) reject(err);
        else resolve(m!);
      };
      void this.#closed.then((err) => done(err ?? new AppError('UNAVAILABLE', 'The connection closed')));
      this.send({ ...message, id });
    });
  }

  /** The next message of a type (rejects when the socket closes first). */
  next(type: string): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const off = this.on((m) => {
        if (m.type !== type) return;
        off();
        resolve(m);
      });
      void this.#closed.then((err) => {
        off();
        reject(err ?? new AppError('UNAVAILABLE', 'The connection closed'));
      });
    });
  }

  close(): void {
    this.#closing = true;
    if (this.#ws.readyState === this.#ws.OPEN || this.#ws.readyState === this.#ws.CONNECTING) this.#ws.close(1000, 'bye');
  }

  #onFrame(data: Buffer): void {
    let raw: ServerMessage;
    try {
      raw = JSON.parse(data.toString('utf8')) as ServerMessage;
    } catch {
      return;
    }
    const message = validated(raw);
    if (message) for (const listener of [...this.#listeners]) listener(message);
  }
}

/** A socket opened as the signed-in user, and who that is. */
export interface OpenedSocket {
  socket: GameSocket;
  username: string;
}

/** Opens the gateway socket as the signed-in user (refreshing the session first if needed) and waits for the server's hello. */
export async function openGameSocket(ctx: CliContext): Promise<OpenedSocket> {
  const { withSession } = await import('../../session.ts');
  const { token, username } = await withSession(ctx, async (client) => ({ username: (await client.call('me.get')).data.username, token: client.options.token! }));
  const { WebSocket } = await import('ws');
  const ws = new WebSocket(ctx.apiUrl.replace(/^http/, 'ws') + websocketPath, { headers: { authorization: `Bearer ${token}` } });
  const socket = new GameSocket(ws);
  await new Promise<void>((resolve, reject) => {
    socket.next('hello').then(() => resolve(), reject);
    ws.once('unexpected-response', (_req, res) => {
      reject(errorForStatus(res.statusCode ?? 0));
      ws.terminate();
    });
    ws.once('error', (err: Error & { code?: string }) => reject(new AppError('UNAVAILABLE', `Cannot reach the WebSocket at ${ctx.apiUrl} (${err.code ?? err.message})`)));
  });
  return { socket, username };
}
