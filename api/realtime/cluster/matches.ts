/**
 * Live matches across instances. Every live match has one owner, the
 * instance whose runner steps it (ownership.ts); every call about a match
 * goes to its owner: straight to this process's runner when that is us, else
 * through the relay, where the owner serves it (owner-requests.ts). A socket
 * on this instance playing or watching a match owned elsewhere is a remote
 * peer on the owner (remote-peers.ts): the owner's transport batches its
 * frames back here (transport.ts), and this instance writes them to the socket.
 *
 * This class is what the rest of the process sees: the MatchHost the games
 * services call, the socket operations the gateway calls, and the request
 * handler the relay calls on the owner.
 */
import type { GameView } from '../../contract/game.ts';
import { AppError } from '../../contract/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { summaryOf, type LiveSummary, type MatchHost } from '../../domain/games/host.ts';
import type { PeerRef } from '../../game/checkpoint.ts';
import { everyone } from '../../game/broadcast.ts';
import type { EndDecision, MatchInspection, MatchSpec, Peer } from '../../game/live-match.ts';
import type { InputMessage, Runner } from '../../game/runner.ts';
import type { Bus } from '../bus.ts';
import type { Connection } from '../connection.ts';
import { serveRelayed } from './owner-requests.ts';
import {
  Ownership,
  type CheckpointEntry,
  type CheckpointSlice,
  type OwnershipMetrics,
} from './ownership.ts';
import type { Relay } from './relay.ts';
import { isRemote, RemotePeers } from './remote-peers.ts';
import type { ClusterStore } from './store.ts';

export interface ClusterMatchesOptions {
  instanceId: string;
  runner: Runner;
  store: ClusterStore;
  relay: Relay;
  bus: Bus;
  logger: Logger;
  /** This instance's sockets by id. */
  connection(id: string): Connection | undefined;
  /** Records the owner on the match row (null once it has left every runner). */
  recordOwner(matchId: string, instance: string | null): Promise<void>;
  /** Where a new match should run: an instance with a socket of one of these users, else us. */
  placeFor(userIds: readonly string[]): Promise<string>;
  metrics?: OwnershipMetrics;
}

export class ClusterMatches implements MatchHost {
  readonly #o: ClusterMatchesOptions;
  readonly #ownership: Ownership;
  readonly #peers: RemotePeers;
  /** Our sockets engaged with matches owned elsewhere: socket id → owners. */
  readonly #away = new Map<string, Set<string>>();

  constructor(options: ClusterMatchesOptions) {
    this.#o = options;
    this.#ownership = new Ownership(options);
    this.#peers = new RemotePeers(options.instanceId, options.connection);
  }

  start(): Promise<void> {
    return this.#ownership.start();
  }

  get instanceId(): string {
    return this.#o.instanceId;
  }

  /** Matches this instance owns, with their epochs. */
  owned(): ReadonlyMap<string, number> {
    return this.#ownership.owned();
  }

  // ---- MatchHost: the games services' calls ----

  async add(spec: MatchSpec): Promise<void> {
    const users = spec.players.flatMap((p) => ('userId' in p ? [p.userId] : []));
    const target = await this.#o.placeFor(users);
    if (target === this.#o.instanceId) await this.#ownership.addHere(spec);
    else await this.#o.relay.request(target, 'add', [spec]);
  }

  accept(matchId: string): Promise<void> {
    return this.#route(matchId, 'accept', [matchId], async () => {
      this.#o.runner.accept(matchId);
    });
  }

  end(matchId: string, decision: EndDecision): Promise<void> {
    return this.#route(matchId, 'end', [matchId, decision], () =>
      this.#o.runner.end(matchId, decision),
    );
  }

  inspect(matchId: string): Promise<MatchInspection> {
    return this.#route(matchId, 'inspect', [matchId], async () => this.#o.runner.inspect(matchId));
  }

  async live(matchId: string): Promise<LiveSummary | null> {
    return (await this.liveMany([matchId])).get(matchId) ?? null;
  }

  async liveMany(matchIds: readonly string[]): Promise<Map<string, LiveSummary>> {
    const found = new Map<string, LiveSummary>();
    const elsewhere: string[] = [];
    for (const id of matchIds) {
      const here = summaryOf(this.#o.runner, id);
      if (here) found.set(id, here);
      else elsewhere.push(id);
    }
    for (const [id, summary] of await this.#o.store.summaries(elsewhere)) found.set(id, summary);
    return found;
  }

  // ---- the gateway's calls, for a socket of this instance ----

  join(conn: Connection, matchId: string): Promise<GameView> {
    return this.#forSocket(conn, matchId, 'join', [], () => this.#o.runner.join(conn, matchId));
  }

  ready(conn: Connection, matchId: string): Promise<void> {
    return this.#forSocket(conn, matchId, 'ready', [], () => this.#o.runner.ready(conn, matchId));
  }

  input(conn: Connection, message: InputMessage): void | Promise<void> {
    // Ours: straight to the runner, no promise (most inputs; the rest go to the owner).
    if (this.#o.runner.get(message.matchId)) return void this.#o.runner.input(conn, message);
    return this.#forSocket(conn, message.matchId, 'input', [message], () => {
      this.#o.runner.input(conn, message);
    });
  }

  leave(conn: Connection, matchId: string): Promise<void> {
    return this.#forSocket(conn, matchId, 'leave', [], () => this.#o.runner.leave(conn, matchId));
  }

  spectate(conn: Connection, matchId: string): Promise<GameView> {
    this.#unwatchElsewhere(conn);
    return this.#forSocket(conn, matchId, 'spectate', [], () =>
      this.#o.runner.spectate(conn, matchId),
    );
  }

  stopSpectating(conn: Connection): void {
    this.#o.runner.stopSpectating(conn);
    this.#unwatchElsewhere(conn);
  }

  /** A socket closed: its seats and watching end here and on every owner it was engaged with. */
  detach(conn: Connection): void {
    this.#o.runner.detach(conn);
    const owners = this.#away.get(conn.id);
    if (!owners) return;
    this.#away.delete(conn.id);
    for (const owner of owners) this.#tell(owner, 'detach', [this.#refOf(conn)]);
  }

  // ---- the owner's side: requests relayed from other instances, ownership ----

  serve(op: string, args: unknown[]): Promise<unknown> {
    return serveRelayed(
      {
        runner: this.#o.runner,
        peers: this.#peers,
        addHere: (spec) => this.#ownership.addHere(spec),
        adopt: (matchId, reason) => this.adopt(matchId, reason),
      },
      op,
      args,
    );
  }

  /** The runner's peer for a socket reference: our own socket, a remote peer, or null when its instance is gone. */
  peerOf(ref: PeerRef): Peer | null {
    return this.#peers.peerOf(ref);
  }

  /** How our sockets and remote peers look in a checkpoint. */
  readonly refOf = (peer: Peer): PeerRef => this.#peers.refOf(peer);

  /**
   * Takes a match over from its previous owner (dead, or handing it over);
   * the checkpoint's sockets on instances `peerAlive` refuses are left empty.
   * False when another instance got there first or there is no checkpoint.
   */
  adopt(
    matchId: string,
    reason: 'lease_expired' | 'handover',
    peerAlive: (ref: PeerRef) => boolean = () => true,
  ): Promise<boolean> {
    return this.#ownership.adopt(matchId, reason, (ref) =>
      peerAlive(ref) ? this.#peers.peerOf(ref) : null,
    );
  }

  /** Our match left the runner (ended, or handed over): its ownership goes too. */
  released(matchId: string, handedTo?: string): Promise<void> {
    return this.#ownership.released(matchId, handedTo);
  }

  /** A match went to `target` (hand-over): our sockets in it, still in our runner, now talk to the new owner. */
  handedOver(matchId: string, target: string): void {
    const match = this.#o.runner.get(matchId);
    if (match)
      for (const peer of everyone(match)) if (!isRemote(peer)) this.#engaged(peer.id, target);
    this.#ownership.handedOver(matchId, target);
  }

  /** Lets go of every match without ending it (our lease was lost: another instance takes them over). */
  abandonAll(): number {
    return this.#ownership.abandonAll();
  }

  /** Writes the checkpoints of the matches we own that have begun; `all` adds invites and waiting rooms (ownership.ts). */
  saveCheckpoints(all = false, slice?: CheckpointSlice): Promise<CheckpointEntry[]> {
    return this.#ownership.saveCheckpoints(all, this.refOf, slice);
  }

  /** Runs `here` when we own the match, else asks its owner (once more if it moved meanwhile). */
  async #route<T>(
    matchId: string,
    op: string,
    args: unknown[],
    here: () => T | Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const owner = await this.#ownership.ownerOf(matchId, attempt > 0);
      if (owner === this.#o.instanceId) return here();
      try {
        return (await this.#o.relay.request(owner, op, args)) as T;
      } catch (err) {
        const moved = err instanceof AppError && err.code === 'NOT_FOUND' && attempt === 0;
        if (!moved) throw err;
      }
    }
  }

  #forSocket<T>(
    conn: Connection,
    matchId: string,
    op: string,
    rest: unknown[],
    here: () => T | Promise<T>,
  ): Promise<T> {
    const args = op === 'input' ? [this.#refOf(conn), ...rest] : [this.#refOf(conn), matchId];
    return this.#route(matchId, op, args, here).finally(() => {
      const owner = this.#ownership.cachedOwner(matchId);
      if (owner && owner !== this.#o.instanceId) this.#engaged(conn.id, owner);
    });
  }

  /** Our socket is engaged with a match owned by `owner`: its close and unwatch go there too. */
  #engaged(socketId: string, owner: string): void {
    let owners = this.#away.get(socketId);
    if (!owners) this.#away.set(socketId, (owners = new Set()));
    owners.add(owner);
  }

  #refOf(conn: Connection): PeerRef {
    return { id: conn.id, userId: conn.userId, instance: this.#o.instanceId };
  }

  #unwatchElsewhere(conn: Connection): void {
    for (const owner of this.#away.get(conn.id) ?? [])
      this.#tell(owner, 'unwatch', [this.#refOf(conn)]);
  }

  /** A request whose answer nobody waits for. */
  #tell(owner: string, op: string, args: unknown[]): void {
    this.#o.relay
      .request(owner, op, args)
      .catch((err: unknown) =>
        this.#o.logger.debug({ err, 'cluster.instance': owner }, `relayed ${op} not answered`),
      );
  }
}
