/**
 * The WebSocket gateway: GET /api/v1/ws upgraded on the API's HTTP server.
 * Authenticates during the upgrade, keeps the registry of sockets, runs the
 * heartbeat and the dispatcher, and offers the areas (chat, presence,
 * notifications, games) one API to receive messages and reach users and
 * channels on any instance through the bus.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { messages, type ClientMessageType, type ServerMessage } from '../contract/messages.ts';
import { websocketPath, type MessageSpec } from '../contract/realtime.ts';
import type { WsConfig } from '../core/config.ts';
import { toAppError } from '../core/errors.ts';
import { AppError } from '../contract/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { WsMetrics } from '../core/ws-metrics.ts';
import type { Bus } from './bus.ts';
import { Connection, type SocketIdentity } from './connection.ts';
import {
  controlEventSchema,
  controlTopic,
  deliverEventSchema,
  deliverLocally,
  deliverTopic,
  sendToAll,
  type ControlEvent,
  type DeliverEvent,
} from './socket-delivery.ts';
import { Dispatcher, type HandleOptions, type MessageHandler } from './dispatch.ts';
import { prepareFrame, type PreparedFrame } from './frame.ts';
import { startHeartbeat } from './heartbeat.ts';
import { ConnectionRegistry } from './registry.ts';
import { refuseUpgrade, tokenOf } from './upgrade.ts';

/** Verifies an access token (signature, expiry, session not revoked); throws AppError('UNAUTHENTICATED') otherwise. */
export type AuthenticateToken = (token: string) => Promise<SocketIdentity>;

export interface GatewayDeps {
  config: WsConfig;
  logger: Logger;
  metrics: WsMetrics;
  bus: Bus;
  /** Absent until an identity layer is wired: then every upgrade is refused with 401. */
  authenticateToken?: AuthenticateToken;
  /** Check every outgoing message against its contract schema (tests turn this on). */
  validateOutgoing?: boolean;
  /** The message table; the contract's by default (tests add message types of their own). */
  messages?: Readonly<Record<string, MessageSpec>>;
}

export interface SendOptions {
  /** Overrides the message table's `droppable` for this send. */
  droppable?: boolean;
}

export interface BroadcastOptions extends SendOptions {
  /** Users who must not get this message (e.g. those who block the sender). */
  excludeUserIds?: readonly string[];
}

export type ConnectionListener = (conn: Connection) => void;
export type DisconnectListener = (conn: Connection, code: number) => void;

export interface Gateway {
  /** Registers the handler of a client message type (one per type), optionally with a budget of its own. */
  handle<T extends ClientMessageType>(
    type: T,
    handler: MessageHandler<T>,
    options?: HandleOptions,
  ): void;
  /** Sends to one socket of this instance; false when it was dropped (backpressure) or the socket is closed. */
  send(conn: Connection, message: ServerMessage, options?: SendOptions): boolean;
  /** Sends to every socket of these users, on every instance. */
  sendToUsers(
    userIds: readonly string[],
    message: ServerMessage,
    options?: SendOptions,
  ): Promise<void>;
  /** Sends to every socket that joined `channel`, on every instance. */
  broadcast(channel: string, message: ServerMessage, options?: BroadcastOptions): Promise<void>;
  join(conn: Connection, channel: string): void;
  leave(conn: Connection, channel: string): void;
  onConnect(listener: ConnectionListener): void;
  onDisconnect(listener: DisconnectListener): void;
  /** Closes the sockets of a session on every instance with 4401 (logout, revocation). */
  revoke(sessionId: string): Promise<void>;
  /** Closes every socket of a user on every instance with the error's close code (4403 for a ban). */
  disconnectUser(userId: string, error: AppError): Promise<void>;
  /** This instance's sockets of a user. */
  socketsOf(userId: string): readonly Connection[];
  /** This instance's socket with this id (relayed frames name their sockets by id). */
  connection(id: string): Connection | undefined;
  stats(): { connections: number; users: number };
  /** The `upgrade` listener of the HTTP server. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every socket with 1001 and stops; the bus is the caller's to close. */
  close(timeoutMs?: number): Promise<void>;
}

export async function createGateway(deps: GatewayDeps): Promise<Gateway> {
  return new GatewayImpl(deps).start();
}

class GatewayImpl implements Gateway {
  readonly #deps: GatewayDeps;
  readonly #table: Readonly<Record<string, MessageSpec>>;
  readonly #registry: ConnectionRegistry;
  readonly #dispatcher: Dispatcher;
  readonly #wss: WebSocketServer;
  readonly #connectListeners: ConnectionListener[] = [];
  readonly #disconnectListeners: DisconnectListener[] = [];
  readonly #cleanup: Array<() => Promise<void> | void> = [];
  #closing = false;

  constructor(deps: GatewayDeps) {
    this.#deps = deps;
    this.#table = deps.messages ?? messages;
    this.#registry = new ConnectionRegistry(deps.config.maxSocketsPerUser);
    const limits = { ratePerSecond: deps.config.ratePerSecond, burst: deps.config.burst };
    const send = (conn: Connection, message: ServerMessage): boolean => this.send(conn, message);
    this.#dispatcher = new Dispatcher(this.#table, {
      logger: deps.logger,
      metrics: deps.metrics,
      limits,
      send,
      now: () => performance.now(),
    });
    // No compression: it would cost CPU and memory per socket and defeat prepared frames (frame.ts).
    this.#wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: deps.config.maxMessageBytes,
    });
  }

  async start(): Promise<this> {
    const { bus, logger } = this.#deps;
    this.#cleanup.push(await bus.subscribe(deliverTopic, (event) => this.#onDeliver(event)));
    this.#cleanup.push(await bus.subscribe(controlTopic, (event) => this.#onControl(event)));
    this.handle(
      'ping',
      ({ reply }) => void reply({ type: 'pong', serverTime: new Date().toISOString() }),
    );
    this.#cleanup.push(
      startHeartbeat(() => this.#registry.all(), this.#deps.config.pingIntervalMs),
    );
    logger.debug({ 'bus.kind': bus.kind }, 'websocket gateway ready');
    return this;
  }

  handle<T extends ClientMessageType>(
    type: T,
    handler: MessageHandler<T>,
    options?: HandleOptions,
  ): void {
    this.#dispatcher.handle(type, handler, options);
  }

  send(conn: Connection, message: ServerMessage, options?: SendOptions): boolean {
    return sendToAll([conn], this.#prepare(message, options), this.#sendDeps()) === 1;
  }

  async sendToUsers(
    userIds: readonly string[],
    message: ServerMessage,
    options?: SendOptions,
  ): Promise<void> {
    if (userIds.length === 0) return;
    await this.#publish({
      kind: 'users',
      users: [...new Set(userIds)],
      ...this.#payload(message, options),
    });
  }

  async broadcast(
    channel: string,
    message: ServerMessage,
    options: BroadcastOptions = {},
  ): Promise<void> {
    const event: DeliverEvent = { kind: 'channel', channel, ...this.#payload(message, options) };
    if (options.excludeUserIds?.length) event.exclude = [...options.excludeUserIds];
    await this.#publish(event);
  }

  join(conn: Connection, channel: string): void {
    this.#registry.join(conn, channel);
  }

  leave(conn: Connection, channel: string): void {
    this.#registry.leave(conn, channel);
  }

  onConnect(listener: ConnectionListener): void {
    this.#connectListeners.push(listener);
  }

  onDisconnect(listener: DisconnectListener): void {
    this.#disconnectListeners.push(listener);
  }

  async revoke(sessionId: string): Promise<void> {
    await this.#closeEverywhere({
      kind: 'close',
      sessionId,
      code: 'UNAUTHENTICATED',
      reason: 'The session was revoked',
    });
  }

  async disconnectUser(userId: string, error: AppError): Promise<void> {
    await this.#closeEverywhere({ kind: 'close', userId, code: error.code, reason: error.message });
  }

  /** Closes this instance's sockets at once (no frame of theirs is handled after), then tells the others. */
  async #closeEverywhere(event: ControlEvent): Promise<void> {
    this.#closeLocally(event);
    await this.#deps.bus.publish(controlTopic, event);
  }

  connection(id: string): Connection | undefined {
    return this.#registry.byId(id);
  }

  socketsOf(userId: string): readonly Connection[] {
    return this.#registry.ofUser(userId);
  }

  stats(): { connections: number; users: number } {
    return { connections: this.#registry.size, users: this.#registry.userCount };
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    this.#upgrade(req, socket, head).catch((err: unknown) => {
      this.#deps.logger.error({ err }, 'websocket upgrade failed');
      refuseUpgrade(socket, toAppError(err));
    });
  }

  async close(timeoutMs = 5_000): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    const open = [...this.#registry.all()];
    const closed = open.map(
      (conn) => new Promise<void>((resolve) => conn.socket.once('close', () => resolve())),
    );
    for (const conn of open) conn.closeWithCode(1001, 'Server shutting down');
    const timer = setTimeout(() => open.forEach((conn) => conn.terminate()), timeoutMs);
    await Promise.all(closed);
    clearTimeout(timer);
    for (const cleanup of this.#cleanup.splice(0)) await cleanup();
    this.#wss.close();
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== websocketPath)
      return refuseUpgrade(
        socket,
        new AppError('NOT_FOUND', `No WebSocket endpoint at ${url.pathname}`),
      );
    if (this.#closing)
      return refuseUpgrade(
        socket,
        new AppError('UNAVAILABLE', 'The server is shutting down', undefined, {
          'Retry-After': '1',
        }),
      );
    const token = tokenOf(req, url);
    const authenticate = this.#deps.authenticateToken;
    if (!token || !authenticate)
      return refuseUpgrade(socket, new AppError('UNAUTHENTICATED', 'An access token is required'));
    let identity: SocketIdentity;
    try {
      identity = await authenticate(token);
    } catch (err) {
      return refuseUpgrade(socket, toAppError(err));
    }
    if (socket.destroyed) return;
    if (this.#closing)
      return refuseUpgrade(socket, new AppError('UNAVAILABLE', 'The server is shutting down'));
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, identity));
  }

  #accept(ws: WebSocket, identity: SocketIdentity): void {
    const { config, metrics } = this.#deps;
    const conn = new Connection({
      id: randomUUID(),
      identity,
      socket: ws,
      limits: config,
      now: performance.now(),
    });
    metrics.opened();
    ws.on('message', (data: Buffer, isBinary: boolean) =>
      this.#dispatcher.onFrame(conn, data, isBinary),
    );
    ws.on('pong', () => (conn.alive = true));
    ws.on('error', (err: Error & { code?: string }) => this.#onSocketError(conn, err));
    ws.once('close', (code: number) => this.#onClose(conn, code));
    for (const old of this.#registry.add(conn))
      old.closeWith(new AppError('CONFLICT', 'Replaced by a newer connection of the same user'));
    this.send(conn, {
      type: 'hello',
      connectionId: conn.id,
      userId: conn.userId,
      sessionId: conn.sessionId,
      serverTime: new Date().toISOString(),
      limits: {
        maxMessageBytes: config.maxMessageBytes,
        messagesPerSecond: config.ratePerSecond,
        burst: config.burst,
        pingIntervalMs: config.pingIntervalMs,
      },
    });
    this.#notify(this.#connectListeners, (listener) => listener(conn));
  }

  #onSocketError(conn: Connection, err: Error & { code?: string }): void {
    // ws closes the socket itself after a protocol error; remember why for the metrics.
    if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') conn.closeCode ??= 1009;
    else conn.closeCode ??= 1002;
    this.#deps.logger.debug({ err, 'ws.connection.id': conn.id }, 'websocket protocol error');
  }

  #onClose(conn: Connection, code: number): void {
    this.#registry.remove(conn);
    const finalCode = conn.closeCode ?? code;
    this.#deps.metrics.closed(finalCode);
    this.#notify(this.#disconnectListeners, (listener) => listener(conn, finalCode));
  }

  #notify<L>(listeners: readonly L[], call: (listener: L) => void): void {
    for (const listener of listeners) {
      try {
        call(listener);
      } catch (err) {
        this.#deps.logger.error({ err }, 'websocket connection listener failed');
      }
    }
  }

  #onDeliver(raw: unknown): void {
    const parsed = deliverEventSchema.safeParse(raw);
    if (!parsed.success)
      return this.#deps.logger.warn(
        { issues: parsed.error.issues.length },
        'malformed bus delivery event ignored',
      );
    const event = parsed.data;
    const targets =
      event.kind === 'users'
        ? event.users.flatMap((id) => this.#registry.ofUser(id))
        : this.#registry.ofChannel(event.channel);
    deliverLocally(event, targets, this.#sendDeps());
  }

  #onControl(raw: unknown): void {
    const parsed = controlEventSchema.safeParse(raw);
    if (!parsed.success)
      return this.#deps.logger.warn(
        { issues: parsed.error.issues.length },
        'malformed bus control event ignored',
      );
    this.#closeLocally(parsed.data);
  }

  #closeLocally({ sessionId, userId, code, reason }: ControlEvent): void {
    const targets = sessionId
      ? this.#registry.ofSession(sessionId)
      : userId
        ? [...this.#registry.ofUser(userId)]
        : [];
    for (const conn of targets) conn.closeWith(new AppError(code, reason));
  }

  #sendDeps() {
    return {
      limits: { backpressureBytes: this.#deps.config.backpressureBytes },
      metrics: this.#deps.metrics,
    };
  }

  #payload(
    message: ServerMessage,
    options?: SendOptions,
  ): { type: string; droppable: boolean; payload: string } {
    const spec = this.#table[message.type];
    if (!spec || spec.direction !== 'server')
      throw new Error(`${message.type} is not a server message of the contract`);
    if (this.#deps.validateOutgoing) spec.schema.parse(message);
    return {
      type: message.type,
      droppable: options?.droppable ?? spec.droppable ?? false,
      payload: JSON.stringify(message),
    };
  }

  #prepare(message: ServerMessage, options?: SendOptions): PreparedFrame {
    const { type, droppable, payload } = this.#payload(message, options);
    return prepareFrame(payload, type, droppable);
  }

  async #publish(event: DeliverEvent): Promise<void> {
    await this.#deps.bus.publish(deliverTopic, event);
  }
}
