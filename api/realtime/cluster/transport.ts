/**
 * The owner's transport when matches cross instances: frames for this
 * instance's sockets take the direct path (the gateway's transport), frames
 * for remote peers are collected during the loop tick and published at its
 * end, one message per instance holding any of them (relay.ts). Each frame's
 * JSON text is serialised once however many peers and instances get it.
 */
import type { GameTransport } from '../../game/broadcast.ts';
import type { Peer } from '../../game/live-match.ts';
import { isRemote } from './remote-peers.ts';
import type { Relay, RelayedFrame } from './relay.ts';

interface ClusterFrame {
  json: string;
  type: string;
  droppable: boolean;
  ascii: boolean;
  /** The local transport's prepared frame, made on first use. */
  local: unknown;
  /** A combined frame's frames: relayed one by one, written locally as one. */
  parts?: ClusterFrame[];
}

export function clusterTransport(local: GameTransport, relay: Relay): GameTransport {
  /** instance → frame → socket ids, for this tick. */
  const pending = new Map<string, Map<ClusterFrame, string[]>>();
  const localOf = (f: ClusterFrame): unknown =>
    (f.local ??= f.parts
      ? local.combine(f.parts.map(localOf))
      : local.prepare(f.json, f.type, f.droppable, f.ascii));
  return {
    prepare: (json, type, droppable, ascii = false) => ({
      json,
      type,
      droppable,
      ascii,
      local: undefined,
    }),
    // Players' frames: the local encodings share one head (most players are on the owner).
    prepareEach: (head, tails, type, ascii = false) => {
      const locals = local.prepareEach(head, tails, type, ascii);
      return tails.map((tail, i) => ({
        json: head + tail,
        type,
        droppable: false,
        ascii,
        local: locals[i],
      }));
    },
    combine: (frames) => {
      const parts = (frames as ClusterFrame[]).flatMap((f) => f.parts ?? [f]);
      return {
        ...parts.at(-1)!,
        droppable: parts.every((f) => f.droppable),
        local: undefined,
        parts,
      };
    },
    write(peers: Iterable<Peer>, frame: unknown) {
      const f = frame as ClusterFrame;
      let here: Peer[] | undefined;
      for (const peer of peers) {
        if (!isRemote(peer)) {
          (here ??= []).push(peer);
          continue;
        }
        let frames = pending.get(peer.instance);
        if (!frames) pending.set(peer.instance, (frames = new Map()));
        for (const part of f.parts ?? [f]) {
          const ids = frames.get(part);
          if (ids) ids.push(peer.id);
          else frames.set(part, [peer.id]);
        }
      }
      if (here) local.write(here, localOf(f));
    },
    flush() {
      local.flush?.();
      for (const [instance, frames] of pending) {
        const batch: RelayedFrame[] = [];
        for (const [f, ids] of frames) batch.push([f.type, f.droppable, f.json, ids]);
        relay.sendFrames(instance, batch);
      }
      pending.clear();
    },
  };
}
