/**
 * The WebSocket gateway: GET /api/v1/ws upgraded on the API's HTTP server.
 * Offers the areas (chat, presence, notifications, games) one API to receive
 * messages and reach users and channels on any instance through the bus, and
 * puts together its parts: the registry of sockets, the heartbeat, the
 * dispatcher (dispatch.ts), the sockets' lifecycle (socket-lifecycle.ts) and
 * what is sent (gateway-delivery.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { messages, type ClientMessageType, type ServerMessage } from '../contract/messages.ts';
import type { MessageSpec } from '../contract/realtime.ts';
import type { AppError } from '../contract/errors.ts';
import type { WsConfig } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import type { WsMetrics } from '../core/ws-metrics.ts';
import type { Bus } from './bus.ts';
import type { Connection, SocketIdentity } from './connection.ts';
import { Dispatcher, type HandleOptions, type MessageHandler } from './dispatch.ts';
import { GatewayDelivery } from './gateway-delivery.ts';
import { startHeartbeat } from './heartbeat.ts';
import { ConnectionRegistry } from './registry.ts';
import { SocketLifecycle } from './socket-lifecycle.ts';

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
  readonly #registry: ConnectionRegistry;
  readonly #dispatcher: Dispatcher;
  readonly #delivery: GatewayDelivery;
  readonly #lifecycle: SocketLifecycle;
  readonly #cleanup: Array<() => Promise<void> | void> = [];

  constructor(deps: GatewayDeps) {
    this.#deps = deps;
    const table = deps.messages ?? messages;
    const registry = (this.#registry = new ConnectionRegistry(deps.config.maxSocketsPerUser));
    this.#delivery = new GatewayDelivery({ ...deps, registry, table });
    const send = (conn: Connection, message: ServerMessage): boolean => this.send(conn, message);
    this.#dispatcher = new Dispatcher(table, {
      logger: deps.logger,
      metrics: deps.metrics,
      limits: { ratePerSecond: deps.config.ratePerSecond, burst: deps.config.burst },
      send,
      now: () => performance.now(),
    });
    this.#lifecycle = new SocketLifecycle({
      ...deps,
      registry,
      dispatcher: this.#dispatcher,
      send,
    });
  }

  async start(): Promise<this> {
    const { bus, logger } = this.#deps;
    this.#cleanup.push(...(await this.#delivery.subscribe()));
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
    return this.#delivery.send(conn, message, options);
  }

  sendToUsers(
    userIds: readonly string[],
    message: ServerMessage,
    options?: SendOptions,
  ): Promise<void> {
    return this.#delivery.sendToUsers(userIds, message, options);
  }

  broadcast(channel: string, message: ServerMessage, options?: BroadcastOptions): Promise<void> {
    return this.#delivery.broadcast(channel, message, options);
  }

  join(conn: Connection, channel: string): void {
    this.#registry.join(conn, channel);
  }

  leave(conn: Connection, channel: string): void {
    this.#registry.leave(conn, channel);
  }

  onConnect(listener: ConnectionListener): void {
    this.#lifecycle.onConnect(listener);
  }

  onDisconnect(listener: DisconnectListener): void {
    this.#lifecycle.onDisconnect(listener);
  }

  revoke(sessionId: string): Promise<void> {
    return this.#delivery.revoke(sessionId);
  }

  disconnectUser(userId: string, error: AppError): Promise<void> {
    return this.#delivery.disconnectUser(userId, error);
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
    this.#lifecycle.handleUpgrade(req, socket, head);
  }

  async close(timeoutMs = 5_000): Promise<void> {
    if (!(await this.#lifecycle.closeSockets(timeoutMs))) return;
    for (const cleanup of this.#cleanup.splice(0)) await cleanup();
    this.#lifecycle.stop();
  }
}
