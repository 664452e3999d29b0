/**
 * The relay between instances, over the bus (Redis pub/sub): each instance
 * listens on `relay.<its id>` for
 *
 * - requests (`req`): a client message or REST action for a match this
 *   instance owns, forwarded by the instance that holds the socket or served
 *   the request; answered with `res` on the asker's topic, or refused with
 *   UNAVAILABLE when no answer comes within the timeout;
 * - frames (`frames`): what the owner's loop wrote to peers whose sockets are
 *   here, batched once per loop tick per instance. Each frame's JSON text is
 *   framed once here and written to every local socket it names.
 *
 * Pub/sub keeps the order of one publisher's messages, so a player's inputs
 * and the frames of one match arrive in the order they were sent.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { errorCodes, AppError } from '../../contract/errors.ts';
import { toAppError, unavailable } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { WsMetrics } from '../../core/ws-metrics.ts';
import type { Bus } from '../bus.ts';
import type { Connection } from '../connection.ts';
import { writeWithBackpressure, type DeliveryLimits } from '../socket-delivery.ts';
import { prepareFrame } from '../frame.ts';

/** What the relay counts (api/core/cluster-metrics.ts). */
export interface RelayMetrics {
  relayedMessages(direction: 'out' | 'in', count: number): void;
  relayedFrames(direction: 'out' | 'in', count: number): void;
  relayLatency(seconds: number): void;
}

/** One frame for several sockets of one instance: type, droppable, JSON text, socket ids. */
export type RelayedFrame = [type: string, droppable: boolean, json: string, peers: string[]];

const requestSchema = z.strictObject({
  k: z.literal('req'),
  id: z.string(),
  from: z.string(),
  op: z.string(),
  args: z.array(z.unknown()),
});
const replySchema = z.strictObject({
  k: z.literal('res'),
  id: z.string(),
  value: z.unknown().optional(),
  error: z
    .strictObject({ code: z.enum(errorCodes), message: z.string(), details: z.unknown() })
    .optional(),
});
const framesSchema = z.strictObject({
  k: z.literal('frames'),
  f: z.array(z.tuple([z.string(), z.boolean(), z.string(), z.array(z.string())])),
});
const envelopeSchema = z.discriminatedUnion('k', [requestSchema, replySchema, framesSchema]);

export type RequestHandler = (op: string, args: unknown[], from: string) => Promise<unknown>;

export interface RelayOptions {
  bus: Bus;
  instanceId: string;
  timeoutMs: number;
  logger: Logger;
  /** This instance's sockets, for frames relayed to them. */
  connection(id: string): Connection | undefined;
  limits: DeliveryLimits;
  wsMetrics: WsMetrics;
  metrics?: RelayMetrics;
}

interface Waiting {
  resolve(value: unknown): void;
  reject(err: AppError): void;
  timer: NodeJS.Timeout;
  sentAt: number;
}

export class Relay {
  readonly #options: RelayOptions;
  readonly #waiting = new Map<string, Waiting>();
  #handler: RequestHandler = async () => {
    throw new AppError('NOT_FOUND', 'No live match with this id');
  };

  constructor(options: RelayOptions) {
    this.#options = options;
  }

  async start(handler: RequestHandler): Promise<void> {
    this.#handler = handler;
    await this.#options.bus.subscribe(`relay.${this.#options.instanceId}`, (event) =>
      this.#receive(event),
    );
  }

  /** Asks `instance` to run `op`; its answer, or its AppError, or UNAVAILABLE after the timeout. */
  request(instance: string, op: string, args: unknown[]): Promise<unknown> {
    const id = randomUUID();
    const { timeoutMs, bus, instanceId, metrics } = this.#options;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(unavailable('The server running this match did not answer; try again shortly'));
      }, timeoutMs);
      timer.unref();
      this.#waiting.set(id, { resolve, reject, timer, sentAt: performance.now() });
      metrics?.relayedMessages('out', 1);
      bus
        .publish(`relay.${instance}`, { k: 'req', id, from: instanceId, op, args })
        .catch((err: unknown) => {
          clearTimeout(timer);
          this.#waiting.delete(id);
          reject(toAppError(err));
        });
    });
  }

  /** Publishes one loop tick's frames for the sockets of `instance`. */
  sendFrames(instance: string, frames: RelayedFrame[]): void {
    let count = 0;
    for (const f of frames) count += f[3].length;
    this.#options.metrics?.relayedFrames('out', count);
    this.#options.bus
      .publish(`relay.${instance}`, { k: 'frames', f: frames })
      .catch((err: unknown) =>
        this.#options.logger.debug({ err, 'cluster.instance': instance }, 'relaying frames failed'),
      );
  }

  /** Refuses what still waits for an answer. The subscription ends with the bus, so frames for our sockets keep arriving until they close. */
  async close(): Promise<void> {
    for (const [id, waiting] of this.#waiting) {
      clearTimeout(waiting.timer);
      waiting.reject(unavailable('This server is shutting down'));
      this.#waiting.delete(id);
    }
  }

  #receive(event: unknown): void {
    const parsed = envelopeSchema.safeParse(event);
    if (!parsed.success) {
      this.#options.logger.warn(
        { 'cluster.issues': parsed.error.issues.length },
        'malformed relay message',
      );
      return;
    }
    const message = parsed.data;
    if (message.k === 'frames') this.#deliver(message.f);
    else if (message.k === 'res') this.#answer(message);
    else void this.#serve(message);
  }

  #deliver(frames: RelayedFrame[]): void {
    const { limits, wsMetrics, metrics } = this.#options;
    let delivered = 0;
    for (const [type, droppable, json, peers] of frames) {
      const frame = prepareFrame(json, type, droppable);
      let sent = 0;
      for (const id of peers) {
        const conn = this.#options.connection(id);
        if (conn && writeWithBackpressure(conn, frame, limits) === 'sent') sent++;
      }
      if (sent > 0) wsMetrics.messages('out', type, sent);
      delivered += peers.length;
    }
    metrics?.relayedFrames('in', delivered);
  }

  #answer(reply: z.infer<typeof replySchema>): void {
    const waiting = this.#waiting.get(reply.id);
    if (!waiting) return; // timed out already
    this.#waiting.delete(reply.id);
    clearTimeout(waiting.timer);
    this.#options.metrics?.relayLatency((performance.now() - waiting.sentAt) / 1000);
    if (reply.error)
      waiting.reject(new AppError(reply.error.code, reply.error.message, reply.error.details));
    else waiting.resolve(reply.value);
  }

  async #serve(request: z.infer<typeof requestSchema>): Promise<void> {
    this.#options.metrics?.relayedMessages('in', 1);
    let reply: z.infer<typeof replySchema>;
    try {
      const value = await this.#handler(request.op, request.args, request.from);
      reply = { k: 'res', id: request.id, value: value ?? null };
    } catch (err) {
      const e = toAppError(err);
      reply = {
        k: 'res',
        id: request.id,
        error: { code: e.code, message: e.message, details: e.details },
      };
    }
    await this.#options.bus
      .publish(`relay.${request.from}`, reply)
      .catch((err: unknown) => this.#options.logger.debug({ err }, 'relay answer not sent'));
  }
}
