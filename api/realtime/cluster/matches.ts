/**
 * Live matches across instances. Every live match has one owner, the
 * instance whose runner steps it (recorded in Redis, store.ts, and on the
 * match row); every call about a match goes to its owner: straight to this
 * process's runner when that is us, else through the relay. A socket on this
 * instance playing or watching a match owned elsewhere is a *remote peer* on
 * the owner: the owner's transport batches its frames back here
 * (transport.ts), and this instance writes them to the socket.
 *
 * This class is both sides: the MatchHost the games services call, the
 * socket operations the gateway calls, and the request handler the relay
 * calls on the owner.
 */
import type { GameView } from '../../contract/game.ts';
import { AppError } from '../../contract/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { notLive, summaryOf, type LiveSummary, type MatchHost } from '../../domain/games/host.ts';
import { checkpointTicks, type MatchCheckpoint, type PeerRef } from '../../game/checkpoint.ts';
import type { EndDecision, MatchInspection, MatchSpec, Peer } from '../../game/live-match.ts';
import type { InputMessage, Runner } from '../../game/runner.ts';
import type { Bus } from '../bus.ts';
import type { Connection } from '../connection.ts';
import type { Relay } from './relay.ts';
import type { ClusterStore, Owner } from './store.ts';

/** A socket on another instance, as the owner's runner sees it. */
export interface RemotePeer extends Peer {
  readonly instance: string;
}

export const isRemote = (peer: Peer): peer is RemotePeer => 'instance' in peer;

/** What the cluster counts about ownership (api/core/cluster-metrics.ts). */
export interface OwnershipMetrics {
  takeovers(reason: 'lease_expired' | 'handover', count: number): void;
}

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

const ownerTopic = 'cluster.owner';

export class ClusterMatches implements MatchHost {
  readonly #o: ClusterMatchesOptions;
  /** Owners of matches this instance asked about (kept current by `cluster.owner` events). */
  readonly #owners = new Map<string, string>();
  /** Epochs of the matches this instance owns. */
  readonly #epochs = new Map<string, number>();
  /** Sockets of other instances playing or watching our matches, by socket id. */
  readonly #remote = new Map<string, RemotePeer>();
  /** Our sockets engaged with matches owned elsewhere: socket id → owners. */
  readonly #away = new Map<string, Set<string>>();

  constructor(options: ClusterMatchesOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    await this.#o.bus.subscribe(ownerTopic, (event) => {
      const { matchId, instance } = event as { matchId: string; instance: string | null };
      if (instance === null) this.#owners.delete(matchId);
      else this.#owners.set(matchId, instance);
    });
  }

  get instanceId(): string {
    return this.#o.instanceId;
  }

  /** Matches this instance owns, with their epochs. */
  owned(): ReadonlyMap<string, number> {
    return this.#epochs;
  }

  // ---- MatchHost: the games services' calls ----

  async add(spec: MatchSpec): Promise<void> {
    const users = spec.players.flatMap((p) => ('userId' in p ? [p.userId] : []));
    const target = await this.#o.placeFor(users);
    if (target === this.#o.instanceId) await this.#addHere(spec);
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

  input(conn: Connection, message: InputMessage): Promise<void> {
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

  // ---- the owner's side: requests relayed from other instances ----

  async serve(op: string, args: unknown[]): Promise<unknown> {
    const { runner } = this.#o;
    switch (op) {
      case 'add':
        return this.#addHere(args[0] as MatchSpec);
      case 'accept':
        return this.#mine(args[0] as string, () => runner.accept(args[0] as string));
      case 'end':
        return this.#mine(args[0] as string, () =>
          runner.end(args[0] as string, args[1] as EndDecision),
        );
      case 'inspect':
        return this.#mine(args[0] as string, () => runner.inspect(args[0] as string));
      case 'join':
        return this.#mine(args[1] as string, () =>
          runner.join(this.peerOf(args[0] as PeerRef)!, args[1] as string),
        );
      case 'ready':
        return this.#mine(args[1] as string, () =>
          runner.ready(this.peerOf(args[0] as PeerRef)!, args[1] as string),
        );
      case 'input': {
        const message = args[1] as InputMessage;
        return this.#mine(message.matchId, () => {
          runner.input(this.peerOf(args[0] as PeerRef)!, message);
        });
      }
      case 'leave':
        return this.#mine(args[1] as string, () =>
          runner.leave(this.peerOf(args[0] as PeerRef)!, args[1] as string),
        );
      case 'spectate':
        return this.#mine(args[1] as string, () =>
          runner.spectate(this.peerOf(args[0] as PeerRef)!, args[1] as string),
        );
      case 'unwatch': {
        const peer = this.#remote.get((args[0] as PeerRef).id);
        if (peer) runner.stopSpectating(peer);
        return null;
      }
      case 'detach': {
        const peer = this.#remote.get((args[0] as PeerRef).id);
        if (peer) {
          runner.detach(peer);
          this.#remote.delete(peer.id);
        }
        return null;
      }
      case 'adopt':
        return this.adopt(args[0] as string, args[1] as 'lease_expired' | 'handover');
      default:
        throw new AppError('VALIDATION', `Unknown relay operation ${op}`);
    }
  }

  /** The runner's peer for a socket reference: our own socket, a remote peer, or null when its instance is gone. */
  peerOf(ref: PeerRef): Peer | null {
    if (ref.instance === this.#o.instanceId) return this.#o.connection(ref.id) ?? null;
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
    instance: isRemote(peer) ? peer.instance : this.#o.instanceId,
  });

  /**
   * Takes a match over from its previous owner (dead, or handing it over):
   * compare-and-set of the owner with a new epoch, then the runner goes on
   * from the checkpoint. False when another instance got there first or there
   * is no checkpoint.
   */
  async adopt(
    matchId: string,
    reason: 'lease_expired' | 'handover',
    peerAlive: (ref: PeerRef) => boolean = () => true,
  ): Promise<boolean> {
    const { store, runner, logger } = this.#o;
    const [previous, checkpoint] = await Promise.all([
      store.owner(matchId),
      store.checkpoint(matchId),
    ]);
    // Our own id is fine when the runner does not hold it: an earlier run under the same INSTANCE_ID owned it.
    if (!previous || !checkpoint || runner.get(matchId)) return false;
    const next: Owner = { instance: this.#o.instanceId, epoch: previous.epoch + 1 };
    if (!(await store.swapOwner(matchId, previous, next))) return false;
    this.#epochs.set(matchId, next.epoch);
    runner.adopt(
      checkpoint,
      (ref) => (peerAlive(ref) ? this.peerOf(ref) : null),
      reason === 'handover' ? 'handover' : 'takeover',
    );
    this.#o.metrics?.takeovers(reason, 1);
    logger.warn(
      {
        'game.match.id': matchId,
        'cluster.from': previous.instance,
        'cluster.reason': reason,
        'game.tick': checkpointTicks(checkpoint),
      },
      'match taken over',
    );
    await this.#announce(matchId, this.#o.instanceId);
    return true;
  }

  /** Our match left the runner (ended, or handed over): its ownership goes too. */
  async released(matchId: string, handedTo?: string): Promise<void> {
    const epoch = this.#epochs.get(matchId);
    this.#epochs.delete(matchId);
    if (epoch === undefined || handedTo) return;
    await this.#o.store
      .swapOwner(matchId, { instance: this.#o.instanceId, epoch }, null)
      .catch((err: unknown) =>
        this.#o.logger.warn({ err, 'game.match.id': matchId }, 'match ownership not cleared'),
      );
    await this.#announce(matchId, null);
  }

  /** A match went to `target` (hand-over): our sockets in it now talk to the new owner. */
  handedOver(checkpoint: MatchCheckpoint, target: string): void {
    const id = checkpoint.spec.id;
    const refs = [...checkpoint.seats.map((s) => s.peer), ...checkpoint.spectators];
    for (const ref of refs) {
      if (ref === null || ref.instance !== this.#o.instanceId) continue;
      let owners = this.#away.get(ref.id);
      if (!owners) this.#away.set(ref.id, (owners = new Set()));
      owners.add(target);
    }
    this.#owners.set(id, target);
    this.#epochs.delete(id);
    this.#o.runner.release(id);
  }

  /** Lets go of every match without ending it (our lease was lost: another instance takes them over). */
  abandonAll(): number {
    const ids = [...this.#epochs.keys()];
    for (const id of ids) this.#o.runner.release(id);
    this.#epochs.clear();
    return ids.length;
  }

  /**
   * Checkpoints of the matches we own that have begun (countdown or play), with
   * their summaries; `all` adds invites and waiting rooms (a hand-over takes
   * everything). A match that had not begun when its owner died has nothing
   * worth resuming: it ends server_lost, and a tournament gives it a new game.
   */
  checkpoints(all = false): { checkpoint: MatchCheckpoint; summary: LiveSummary }[] {
    const out: { checkpoint: MatchCheckpoint; summary: LiveSummary }[] = [];
    for (const id of this.#epochs.keys()) {
      const summary = summaryOf(this.#o.runner, id);
      if (!summary || (!all && (summary.state === 'pending' || summary.state === 'ready')))
        continue;
      const checkpoint = this.#o.runner.checkpoint(id, this.refOf);
      if (checkpoint) out.push({ checkpoint, summary });
    }
    return out;
  }

  async #addHere(spec: MatchSpec): Promise<void> {
    this.#o.runner.add(spec);
    this.#epochs.set(spec.id, 1);
    try {
      await this.#o.store.swapOwner(spec.id, null, { instance: this.#o.instanceId, epoch: 1 });
    } catch (err) {
      this.#epochs.delete(spec.id);
      this.#o.runner.release(spec.id);
      throw err;
    }
    await this.#o
      .recordOwner(spec.id, this.#o.instanceId)
      .catch((err: unknown) =>
        this.#o.logger.warn({ err, 'game.match.id': spec.id }, 'owner not recorded on the match'),
      );
  }

  async #announce(matchId: string, instance: string | null): Promise<void> {
    await this.#o.bus
      .publish(ownerTopic, { matchId, instance })
      .catch((err: unknown) => this.#o.logger.debug({ err }, 'owner change not announced'));
    await this.#o
      .recordOwner(matchId, instance)
      .catch((err: unknown) =>
        this.#o.logger.warn({ err, 'game.match.id': matchId }, 'owner not recorded on the match'),
      );
  }

  async #ownerOf(matchId: string, fresh = false): Promise<string> {
    if (this.#o.runner.get(matchId)) return this.#o.instanceId;
    const cached = fresh ? undefined : this.#owners.get(matchId);
    if (cached) return cached;
    const owner = await this.#o.store.owner(matchId);
    if (!owner) {
      this.#owners.delete(matchId);
      throw notLive();
    }
    this.#owners.set(matchId, owner.instance);
    return owner.instance;
  }

  /** Runs `here` when we own the match, else asks its owner (once more if it moved meanwhile). */
  async #route<T>(
    matchId: string,
    op: string,
    args: unknown[],
    here: () => T | Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const owner = await this.#ownerOf(matchId, attempt > 0);
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
      const owner = this.#owners.get(matchId);
      if (owner && owner !== this.#o.instanceId) {
        let owners = this.#away.get(conn.id);
        if (!owners) this.#away.set(conn.id, (owners = new Set()));
        owners.add(owner);
      }
    });
  }

  /** A request served here only while the match is ours; NOT_FOUND tells the asker it moved. */
  async #mine<T>(matchId: string, run: () => T | Promise<T>): Promise<T> {
    if (!this.#o.runner.get(matchId)) throw notLive();
    return run();
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
