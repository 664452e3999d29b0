/**
 * Sockets of other instances in our matches. On the owner, a socket on
 * another instance is a *remote peer* (socket id, user, instance) whose frames
 * the transport batches back to it (transport.ts); checkpoints and relayed
 * requests name every socket by such a reference.
 */
import type { PeerRef } from '../../game/checkpoint.ts';
import type { Peer } from '../../game/live-match.ts';
import type { Connection } from '../connection.ts';

/** A socket on another instance, as the owner's runner sees it. */
export interface RemotePeer extends Peer {
  readonly instance: string;
}

export const isRemote = (peer: Peer): peer is RemotePeer => 'instance' in peer;

export class RemotePeers {
  readonly #instanceId: string;
  readonly #connection: (id: string) => Connection | undefined;
  /** By socket id. */
  readonly #remote = new Map<string, RemotePeer>();

  constructor(instanceId: string, connection: (id: string) => Connection | undefined) {
    this.#instanceId = instanceId;
    this.#connection = connection;
  }

  /** The runner's peer for a socket reference: our own socket, a remote peer, or null when its instance is gone. */
  peerOf(ref: PeerRef): Peer | null {
    if (ref.instance === this.#instanceId) return this.#connection(ref.id) ?? null;
    let peer = this.#remote.get(ref.id);
    if (!peer) {
      peer = { id: ref.id, userId: ref.userId, instance: ref.instance };
      this.#remote.set(ref.id, peer);
    }
    return peer;
  }

  /** How our sockets and remote peers look in a checkpoint. */
  readonly refOf = (peer: Peer): PeerRef => ({
    id: peer.id,
    userId: peer.userId,
    instance: isRemote(peer) ? peer.instance : this.#instanceId,
  });

  /** The remote peer of this reference, if it has played or watched here. */
  known(ref: PeerRef): RemotePeer | undefined {
    return this.#remote.get(ref.id);
  }

  forget(peer: RemotePeer): void {
    this.#remote.delete(peer.id);
  }
}
