/**
 * The game WebSocket of `pongctl spectate`, `play` and `replay`: opens the
 * gateway socket with the session's token, validates what the server sends
 * with the contract's schemas, answers requests by message id, and turns a
 * refused upgrade or an unexpected close into the AppError of its code.
 */
import type { WebSocket } from 'ws';
import { AppError, type ErrorCode } from '../../../api/contract/errors.ts';
import { gameMessages } from '../../../api/contract/game.ts';
import type { CliContext } from '../../context.ts';
import { errorForClose, openGateway } from '../../ws.ts';

export interface ServerMessage {
  type: string;
  id?: string;
  [key: string]: unknown;
}

type Listener = (message: ServerMessage) => void;

/** Server messages of the game contract are checked; others (hello, error, presence, chat) pass as they are. */
function validated(raw: ServerMessage): ServerMessage | undefined {
  const spec = (
    gameMessages as Record<
      string,
      { direction: string; schema: { safeParse(v: unknown): { success: boolean } } }
    >
  )[raw.type];
  if (!spec || spec.direction !== 'server') return raw;
  return spec.schema.safeParse(raw).success ? raw : undefined;
}

export class GameSocket {
  readonly #ws: WebSocket;
  readonly #listeners = new Set<Listener>();
  readonly #closed: Promise<AppError | null>;
  #closing = false;
  #nextId = 0;

  /** Wraps an open gateway socket whose frames the opener passes to `onFrame`. */
  constructor(ws: WebSocket) {
    this.#ws = ws;
    this.#closed = new Promise((resolve) => {
      ws.once('close', (code, reason) =>
        resolve(this.#closing ? null : errorForClose(code, reason.toString())),
      );
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
      const timer = setTimeout(
        () =>
          done(
            new AppError(
              'UNAVAILABLE',
              `No answer to ${String(message.type)} within ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
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
      void this.#closed.then((err) =>
        done(err ?? new AppError('UNAVAILABLE', 'The connection closed')),
      );
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
    if (this.#ws.readyState === this.#ws.OPEN || this.#ws.readyState === this.#ws.CONNECTING)
      this.#ws.close(1000, 'bye');
  }

  /** Every frame from the socket; openGameSocket wires it before the upgrade completes. */
  onFrame(data: Buffer): void {
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
  const { token, username } = await withSession(ctx, async (client) => ({
    username: (await client.call('me.get')).data.username,
    token: client.options.token!,
  }));
  // Frames are held until the wrapper exists: hello can arrive with the upgrade's own bytes.
  const early: Buffer[] = [];
  const wrapper: { socket?: GameSocket } = {};
  const ws = await openGateway(ctx.apiUrl, token, (data) =>
    wrapper.socket ? wrapper.socket.onFrame(data) : early.push(data),
  );
  const socket = (wrapper.socket = new GameSocket(ws));
  const hello = socket.next('hello');
  for (const data of early.splice(0)) socket.onFrame(data);
  await hello;
  return { socket, username };
}
