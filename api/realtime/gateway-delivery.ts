/**
 * What the gateway sends: a message to one socket of this instance, to users
 * and channels on every instance (published on the bus, delivered by each
 * instance to its own sockets), and the closing of a session's or a user's
 * sockets everywhere. Each message is checked against the contract's table
 * and framed once for all its sockets.
 */
import type { ServerMessage } from '../contract/messages.ts';
import type { MessageSpec } from '../contract/realtime.ts';
import { AppError } from '../contract/errors.ts';
import type { WsConfig } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import type { WsMetrics } from '../core/ws-metrics.ts';
import type { Bus, Unsubscribe } from './bus.ts';
import type { Connection } from './connection.ts';
import { prepareFrame, type PreparedFrame } from './frame.ts';
import type { BroadcastOptions, SendOptions } from './gateway.ts';
import type { ConnectionRegistry } from './registry.ts';
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

export interface DeliveryDeps {
  config: WsConfig;
  logger: Logger;
  metrics: WsMetrics;
  bus: Bus;
  registry: ConnectionRegistry;
  table: Readonly<Record<string, MessageSpec>>;
  /** Check every outgoing message against its contract schema (tests turn this on). */
  validateOutgoing?: boolean;
}

export class GatewayDelivery {
  readonly #deps: DeliveryDeps;

  constructor(deps: DeliveryDeps) {
    this.#deps = deps;
  }

  /** Listens for deliveries and closes published by any instance; the unsubscribes. */
  async subscribe(): Promise<Unsubscribe[]> {
    const { bus } = this.#deps;
    return [
      await bus.subscribe(deliverTopic, (event) => this.#onDeliver(event)),
      await bus.subscribe(controlTopic, (event) => this.#onControl(event)),
    ];
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

  #onDeliver(raw: unknown): void {
    const parsed = deliverEventSchema.safeParse(raw);
    if (!parsed.success)
      return this.#deps.logger.warn(
        { issues: parsed.error.issues.length },
        'malformed bus delivery event ignored',
      );
    const event = parsed.data;
    const { registry } = this.#deps;
    const targets =
      event.kind === 'users'
        ? event.users.flatMap((id) => registry.ofUser(id))
        : registry.ofChannel(event.channel);
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
    const { registry } = this.#deps;
    const targets = sessionId
      ? registry.ofSession(sessionId)
      : userId
        ? [...registry.ofUser(userId)]
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
    const spec = this.#deps.table[message.type];
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
