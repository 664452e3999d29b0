/**
 * The runner's transport over the gateway's sockets: frames are prepared once
 * (frame.ts) and written with the gateway's per-socket backpressure rule, and
 * the ws message metrics are counted locally and recorded once per loop tick —
 * a tick of 500 matches writes thousands of frames, and a labelled counter
 * increment per write would cost more than the writes' bookkeeping.
 */
import type { WsMetrics } from '../core/ws-metrics.ts';
import type { GameTransport } from '../game/broadcast.ts';
import type { Peer } from '../game/live-match.ts';
import type { Connection } from './connection.ts';
import { writeWithBackpressure, type DeliveryLimits } from './socket-delivery.ts';
import {
  combineFrames,
  prepareFrame,
  prepareFramesWithTails,
  type PreparedFrame,
} from './frame.ts';

export function gatewayTransport(limits: DeliveryLimits, metrics: WsMetrics): GameTransport {
  const sent = new Map<string, number>();
  const dropped = new Map<string, number>();
  const add = (map: Map<string, number>, type: string, n: number) =>
    n > 0 && map.set(type, (map.get(type) ?? 0) + n);
  return {
    prepare: prepareFrame,
    prepareEach: prepareFramesWithTails,
    combine: (frames) => combineFrames(frames as PreparedFrame[]),
    write(peers: Iterable<Peer>, frame: unknown) {
      const prepared = frame as PreparedFrame;
      let sentTo = 0;
      let droppedFor = 0;
      for (const peer of peers) {
        const outcome = writeWithBackpressure(peer as Connection, prepared, limits);
        if (outcome === 'sent') sentTo++;
        else if (outcome === 'dropped') droppedFor++;
      }
      for (const { type } of prepared.parts ?? [prepared]) {
        add(sent, type, sentTo);
        add(dropped, type, droppedFor);
      }
    },
    flush() {
      for (const [type, count] of sent) metrics.messages('out', type, count);
      for (const [type, count] of dropped) metrics.dropped(type, count);
      sent.clear();
      dropped.clear();
    },
  };
}
