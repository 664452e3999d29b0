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
}

export function clusterTransport(local: GameTransport, relay: Relay): GameTransport {
  /** instance → frame → socket ids, for this tick. */
  const pending = new Map<string, Map<ClusterFrame, string[]>>();
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
        const ids = frames.get(f);
        if (ids) ids.push(peer.id);
        else frames.set(f, [peer.id]);
      }
      if (here)
        local.write(here, (f.local ??= local.prepare(f.json, f.type, f.droppable, f.ascii)));
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
