/**
 * Incoming frames: binary refused, JSON parse, lookup by `type`, token bucket
 * (the socket's general one, or the type's own), NUL refused, schema
 * validation, then the handler an area registered. Every failure short of abuse is answered with an `error` message carrying the AppError code and
 * the offending `id`, and the connection stays open.
 */
import type { ClientMessageType, MessageOf, ServerMessage } from '../contract/messages.ts';
import { messageIdSchema, type MessageSpec } from '../contract/realtime.ts';
import { toAppError, zodIssues } from '../core/errors.ts';
import { AppError } from '../contract/errors.ts';
import type { Logger } from '../core/logger.ts';
import { nulError } from '../core/nul.ts';
import type { WsMetrics } from '../core/ws-metrics.ts';
import type { BucketLimits, Connection } from './connection.ts';

/** What a handler gets: the socket, the validated message, and a reply that carries the message's id back. */
export interface MessageContext<T extends ClientMessageType> {
  conn: Connection;
  message: MessageOf<T>;
  reply(message: ServerMessage): boolean;
}

export type MessageHandler<T extends ClientMessageType> = (
  ctx: MessageContext<T>,
) => void | Promise<void>;

interface Route {
  spec: MessageSpec;
  handler: MessageHandler<ClientMessageType>;
  /** A budget of its own instead of the socket's general one. */
  budget?: BucketLimits;
}

export interface HandleOptions {
  /**
   * Meter this type with its own token bucket, not the socket's general one
   * (game.input: a player's key changes must not use up the budget of chat).
   */
  budget?: BucketLimits;
}

export interface DispatcherDeps {
  logger: Logger;
  metrics: WsMetrics;
  limits: BucketLimits;
  /** Sends one server message to one socket (the gateway's send path). */
  send(conn: Connection, message: ServerMessage): boolean;
  now(): number;
}

function idOf(raw: Record<string, unknown>): string | undefined {
  // Most messages carry no id; a failed parse builds an error, which cost more than the rest of a game.input.
  if (raw.id === undefined) return undefined;
  const parsed = messageIdSchema.safeParse(raw.id);
  return parsed.success ? parsed.data : undefined;
}

/**
 * JSON text can hold U+0000 only as this escape (a raw control character in a
 * string is a parse error), so a frame without it needs no walk for NULs.
 */
const NUL_ESCAPE = '\\u0000';

/** The frame as a JSON object, or the VALIDATION error that answers it. */
function parseFrame(data: Buffer): Record<string, unknown> | AppError {
  let raw: unknown;
  try {
    raw = JSON.parse(data.toString('utf8'));
  } catch {
    return new AppError('VALIDATION', 'The message is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return new AppError('VALIDATION', 'A message is a JSON object with a "type"');
  return raw as Record<string, unknown>;
}

export class Dispatcher {
  readonly #routes = new Map<string, Route>();
  readonly #deps: DispatcherDeps;
  readonly #table: Readonly<Record<string, MessageSpec>>;

  constructor(table: Readonly<Record<string, MessageSpec>>, deps: DispatcherDeps) {
    this.#table = table;
    this.#deps = deps;
  }

  /** Registers the handler of a client message type of the contract; one handler per type. */
  handle<T extends ClientMessageType>(
    type: T,
    handler: MessageHandler<T>,
    options: HandleOptions = {},
  ): void {
    const spec = this.#table[type];
    if (!spec || spec.direction !== 'client')
      throw new Error(`${type} is not a client message of the contract`);
    if (this.#routes.has(type)) throw new Error(`a handler for ${type} is already registered`);
    this.#routes.set(type, {
      spec,
      handler: handler as unknown as MessageHandler<ClientMessageType>,
      ...(options.budget ? { budget: options.budget } : {}),
    });
  }

  /** Entry point for every frame a socket receives. */
  onFrame(conn: Connection, data: Buffer, isBinary: boolean): void {
    // The server is closing this socket (revoked, role changed): frames still in flight are not handled.
    if (conn.closeCode !== undefined) return;
    conn.alive = true;
    if (isBinary) {
      this.#deps.metrics.messages('in', 'other');
      return conn.closeWith(
        new AppError('VALIDATION', 'Binary frames are not accepted; send JSON text'),
      );
    }
    const raw = parseFrame(data);
    const type = raw instanceof AppError ? undefined : raw.type;
    const route = typeof type === 'string' ? this.#routes.get(type) : undefined;
    const allowed = route?.budget
      ? conn.take(route.budget, this.#deps.now(), route.spec.type)
      : conn.take(this.#deps.limits, this.#deps.now());
    if (!allowed) {
      this.#deps.metrics.messages('in', 'other');
      return conn.closeWith(new AppError('RATE_LIMITED', 'Too many messages'));
    }
    if (raw instanceof AppError) {
      this.#deps.metrics.messages('in', 'other');
      return this.#error(conn, raw, undefined);
    }
    this.#route(conn, raw, route, data.includes(NUL_ESCAPE));
  }

  #route(
    conn: Connection,
    raw: Record<string, unknown>,
    route: Route | undefined,
    mayHoldNul: boolean,
  ): void {
    const id = idOf(raw);
    const type = raw.type;
    this.#deps.metrics.messages('in', route ? (type as string) : 'other');
    if (!route) {
      const problem =
        typeof type === 'string' ? 'Unknown message type' : 'The message has no "type"';
      return this.#error(
        conn,
        new AppError('VALIDATION', problem, [
          { path: 'type', message: problem, code: 'invalid_value' },
        ]),
        id,
      );
    }
    const nul = mayHoldNul ? nulError(raw) : undefined;
    if (nul) return this.#error(conn, nul, id);
    const parsed = route.spec.schema.safeParse(raw);
    if (!parsed.success) {
      return this.#error(
        conn,
        new AppError('VALIDATION', `Invalid ${route.spec.type} message`, zodIssues(parsed.error)),
        id,
      );
    }
    const reply = (message: ServerMessage): boolean =>
      this.#deps.send(conn, id === undefined ? message : { ...message, id });
    try {
      const result = route.handler({
        conn,
        message: parsed.data as MessageOf<ClientMessageType>,
        reply,
      });
      if (result instanceof Promise)
        result.catch((err: unknown) => this.#failed(conn, err, id, route.spec.type));
    } catch (err) {
      this.#failed(conn, err, id, route.spec.type);
    }
  }

  #failed(conn: Connection, err: unknown, id: string | undefined, type: string): void {
    const error = toAppError(err);
    if (error.code === 'INTERNAL')
      this.#deps.logger.error({ err, 'ws.message.type': type }, 'websocket handler failed');
    this.#error(conn, error, id);
  }

  #error(conn: Connection, error: AppError, id: string | undefined): void {
    const message: ServerMessage = { type: 'error', code: error.code, message: error.message };
    if (id !== undefined) message.id = id;
    if (error.details !== undefined) message.details = error.details;
    this.#deps.send(conn, message);
  }
}
