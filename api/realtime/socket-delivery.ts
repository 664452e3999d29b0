/**
 * Getting server messages onto sockets. Local sends go straight to a socket;
 * sends to users and channels travel as one bus event that every instance
 * receives and delivers to its own sockets, so a chat message to 1,000 users
 * is one publish, one JSON encoding and one framing per instance, whatever
 * the number of sockets. Backpressure is applied per socket here.
 */
import { z } from 'zod';
import { errorCodes, AppError } from '../contract/errors.ts';
import type { WsMetrics } from '../core/ws-metrics.ts';
import type { Connection } from './connection.ts';
import { prepareFrame, writeFrame, type PreparedFrame } from './frame.ts';

export const deliverTopic = 'ws.deliver';
export const controlTopic = 'ws.control';

const frameFields = { type: z.string().min(1), droppable: z.boolean(), payload: z.string() };

/** A server message on its way to sockets on any instance; `payload` is the serialised message. */
export const deliverEventSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('users'), users: z.array(z.string()).min(1), ...frameFields }),
  z.strictObject({
    kind: z.literal('channel'),
    channel: z.string().min(1),
    exclude: z.array(z.string()).optional(),
    ...frameFields,
  }),
]);
export type DeliverEvent = z.infer<typeof deliverEventSchema>;

/** Closes sockets on every instance: by session (revocation) or by user (ban). */
export const controlEventSchema = z.strictObject({
  kind: z.literal('close'),
  sessionId: z.string().optional(),
  userId: z.string().optional(),
  code: z.enum(errorCodes),
  reason: z.string(),
});
export type ControlEvent = z.infer<typeof controlEventSchema>;

export interface DeliveryLimits {
  /** Above this many buffered bytes, droppable frames are skipped. */
  backpressureBytes: number;
}

/** Above this multiple of the threshold even non-droppable frames would pile up without bound: the reader is gone. */
const slowConsumerFactor = 16;

export type SendOutcome = 'sent' | 'dropped' | 'refused';

/**
 * Writes one frame to one socket unless backpressure says otherwise. Metrics
 * are left to the caller so a fan-out records one increment, not one per socket.
 */
export function writeWithBackpressure(
  conn: Connection,
  frame: PreparedFrame,
  limits: DeliveryLimits,
): SendOutcome {
  const buffered = conn.socket.bufferedAmount;
  if (buffered > limits.backpressureBytes) {
    if (frame.droppable) return 'dropped';
    if (buffered > limits.backpressureBytes * slowConsumerFactor) {
      conn.closeWith(new AppError('UNAVAILABLE', 'The socket is not reading its messages'));
      return 'refused';
    }
  }
  writeFrame(conn.socket, frame);
  return 'sent';
}

/** Sends one frame to a set of sockets and records the metrics once. */
export function sendToAll(
  targets: Iterable<Connection>,
  frame: PreparedFrame,
  deps: { limits: DeliveryLimits; metrics: WsMetrics; exclude?: ReadonlySet<string> },
): number {
  let sent = 0;
  let dropped = 0;
  for (const conn of targets) {
    if (deps.exclude?.has(conn.userId)) continue;
    const outcome = writeWithBackpressure(conn, frame, deps.limits);
    if (outcome === 'sent') sent++;
    else if (outcome === 'dropped') dropped++;
  }
  if (sent > 0) deps.metrics.messages('out', frame.type, sent);
  if (dropped > 0) deps.metrics.dropped(frame.type, dropped);
  return sent;
}

/** Delivers a bus event to the matching sockets of this instance. */
export function deliverLocally(
  event: DeliverEvent,
  targets: Iterable<Connection>,
  deps: { limits: DeliveryLimits; metrics: WsMetrics },
): number {
  const frame = prepareFrame(event.payload, event.type, event.droppable);
  const exclude =
    event.kind === 'channel' && event.exclude?.length ? new Set(event.exclude) : undefined;
  return sendToAll(targets, frame, { ...deps, exclude });
}
