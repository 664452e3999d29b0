/**
 * The WebSocket gateway's metrics (ws_connections, ws_messages_total,
 * ws_dropped_frames_total, ws_closes_total). Label values come only from
 * allow-lists: message types of the contract and the documented close codes;
 * anything else is counted under `other`, never under a value a client chose.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { metrics as spec } from '../contract/metrics.ts';
import { messageTypes } from '../contract/messages.ts';
import { closeCodes } from '../contract/realtime.ts';

export interface WsMetrics {
  opened(): void;
  closed(code: number): void;
  /** `count` lets a fan-out record one increment instead of one per socket. */
  messages(direction: 'in' | 'out', type: string, count?: number): void;
  dropped(type: string, count?: number): void;
}

/** Label for messages that were not JSON or had no known type. */
export const invalidMessageType = 'other';

export function createWsMetrics(registry: Registry): WsMetrics {
  const allowedCodes = new Set(closeCodes.map((c) => String(c.code)));
  const typeLabel = (type: string): string => (messageTypes.has(type) ? type : invalidMessageType);
  const connections = new Gauge({
    name: spec.wsConnections.name,
    help: spec.wsConnections.help,
    registers: [registry],
  });
  const messages = new Counter({
    name: spec.wsMessagesTotal.name,
    help: spec.wsMessagesTotal.help,
    labelNames: [...spec.wsMessagesTotal.labels],
    registers: [registry],
  });
  const dropped = new Counter({
    name: spec.wsDroppedFramesTotal.name,
    help: spec.wsDroppedFramesTotal.help,
    labelNames: [...spec.wsDroppedFramesTotal.labels],
    registers: [registry],
  });
  const closes = new Counter({
    name: spec.wsClosesTotal.name,
    help: spec.wsClosesTotal.help,
    labelNames: [...spec.wsClosesTotal.labels],
    registers: [registry],
  });
  return {
    opened: () => connections.inc(),
    closed(code) {
      connections.dec();
      const label = String(code);
      closes.inc({ code: allowedCodes.has(label) ? label : 'other' });
    },
    messages: (direction, type, count = 1) =>
      messages.inc({ direction, type: typeLabel(type) }, count),
    dropped: (type, count = 1) => dropped.inc({ type: typeLabel(type) }, count),
  };
}
