/**
 * A socket's life on the gateway: the upgrade (path, shutdown, access token
 * checked before the WebSocket handshake), the accepted socket (registered,
 * its frames to the dispatcher, `hello`), protocol errors, the close, and the
 * listeners told of each connect and disconnect.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServerMessage } from '../contract/messages.ts';
import { websocketPath } from '../contract/realtime.ts';
import { AppError } from '../contract/errors.ts';
import type { WsConfig } from '../core/config.ts';
import { toAppError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { WsMetrics } from '../core/ws-metrics.ts';
import { Connection, type SocketIdentity } from './connection.ts';
import type { Dispatcher } from './dispatch.ts';
import type { AuthenticateToken, ConnectionListener, DisconnectListener } from './gateway.ts';
import type { ConnectionRegistry } from './registry.ts';
import { refuseUpgrade, tokenOf } from './upgrade.ts';

export interface LifecycleDeps {
  config: WsConfig;
  logger: Logger;
  metrics: WsMetrics;
  authenticateToken?: AuthenticateToken;
  registry: ConnectionRegistry;
  dispatcher: Dispatcher;
  send(conn: Connection, message: ServerMessage): boolean;
}

export class SocketLifecycle {
  readonly #deps: LifecycleDeps;
  readonly #wss: WebSocketServer;
  readonly #connectListeners: ConnectionListener[] = [];
  readonly #disconnectListeners: DisconnectListener[] = [];
  #closing = false;

  constructor(deps: LifecycleDeps) {
    this.#deps = deps;
    // No compression: it would cost CPU and memory per socket and defeat prepared frames (frame.ts).
    this.#wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: deps.config.maxMessageBytes,
    });
  }

  onConnect(listener: ConnectionListener): void {
    this.#connectListeners.push(listener);
  }

  onDisconnect(listener: DisconnectListener): void {
    this.#disconnectListeners.push(listener);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    this.#upgrade(req, socket, head).catch((err: unknown) => {
      this.#deps.logger.error({ err }, 'websocket upgrade failed');
      refuseUpgrade(socket, toAppError(err));
    });
  }

  /** Refuses new upgrades and closes every socket with 1001 (bounded by timeoutMs); false when already closing. */
  async closeSockets(timeoutMs: number): Promise<boolean> {
    if (this.#closing) return false;
    this.#closing = true;
    const open = [...this.#deps.registry.all()];
    const closed = open.map(
      (conn) => new Promise<void>((resolve) => conn.socket.once('close', () => resolve())),
    );
    for (const conn of open) conn.closeWithCode(1001, 'Server shutting down');
    const timer = setTimeout(() => open.forEach((conn) => conn.terminate()), timeoutMs);
    await Promise.all(closed);
    clearTimeout(timer);
    return true;
  }

  stop(): void {
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
    const { config, metrics, registry, dispatcher } = this.#deps;
    const conn = new Connection({
      id: randomUUID(),
      identity,
      socket: ws,
      limits: config,
      now: performance.now(),
    });
    metrics.opened();
    ws.on('message', (data: Buffer, isBinary: boolean) => dispatcher.onFrame(conn, data, isBinary));
    ws.on('pong', () => (conn.alive = true));
    ws.on('error', (err: Error & { code?: string }) => this.#onSocketError(conn, err));
    ws.once('close', (code: number) => this.#onClose(conn, code));
    for (const old of registry.add(conn))
      old.closeWith(new AppError('CONFLICT', 'Replaced by a newer connection of the same user'));
    this.#deps.send(conn, {
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
    this.#deps.registry.remove(conn);
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
}
