/**
 * Who owns each live match. The owner is recorded in Redis (store.ts,
 * changed only by compare-and-set with an epoch) and on the match row, and
 * announced on the bus so every instance keeps a cache of the owners it asked
 * about. This side adds matches here, adopts them (take-over, hand-over),
 * releases, hands over or abandons them, and checkpoints the ones it owns.
 */
import type { Logger } from '../../core/logger.ts';
import { notLive, summaryOf, type LiveSummary } from '../../domain/games/host.ts';
import {
  marksAfter,
  type CheckpointWrite,
  type PeerRef,
  type StoredMarks,
} from '../../game/checkpoint.ts';
import type { MatchSpec, Peer } from '../../game/live-match.ts';
import type { Runner } from '../../game/runner.ts';
import type { Bus } from '../bus.ts';
import type { ClusterStore, Owner } from './store.ts';

/** One of `turns` slices of the owned matches (a match is always in the same one). */
export interface CheckpointSlice {
  turn: number;
  turns: number;
}

/** A match's slice, from its UUID's last hex digits. */
function turnOf(matchId: string, turns: number): number {
  return Number.parseInt(matchId.slice(-4), 16) % turns;
}

/** A checkpoint on its way to the store, with the match's summary for listings. */
export interface CheckpointEntry {
  write: CheckpointWrite;
  /** Who writes it: the store refuses it once another owner (or epoch) holds the match. */
  owner: Owner;
  summary: LiveSummary;
}

/** What the cluster counts about ownership (api/core/cluster-metrics.ts). */
export interface OwnershipMetrics {
  takeovers(reason: 'lease_expired' | 'handover', count: number): void;
}

export interface OwnershipOptions {
  instanceId: string;
  runner: Runner;
  store: ClusterStore;
  bus: Bus;
  logger: Logger;
  /** Records the owner on the match row (null once it has left every runner). */
  recordOwner(matchId: string, instance: string | null): Promise<void>;
  metrics?: OwnershipMetrics;
}

const ownerTopic = 'cluster.owner';

export class Ownership {
  readonly #o: OwnershipOptions;
  /** Owners of matches this instance asked about (kept current by `cluster.owner` events). */
  readonly #owners = new Map<string, string>();
  /** Epochs of the matches this instance owns. */
  readonly #epochs = new Map<string, number>();
  /** How far the store's copy of each owned match goes (its closed runs, its spectators), as this instance wrote it. */
  readonly #stored = new Map<string, StoredMarks>();

  constructor(options: OwnershipOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    await this.#o.bus.subscribe(ownerTopic, (event) => {
      const { matchId, instance } = event as { matchId: string; instance: string | null };
      if (instance === null) this.#owners.delete(matchId);
      else this.#owners.set(matchId, instance);
    });
  }

  /** Matches this instance owns, with their epochs. */
  owned(): ReadonlyMap<string, number> {
    return this.#epochs;
  }

  /** The owner last seen for a match, without asking Redis. */
  cachedOwner(matchId: string): string | undefined {
    return this.#owners.get(matchId);
  }

  /** The match's owner: us when our runner holds it, else the cache (unless `fresh`), else Redis. */
  async ownerOf(matchId: string, fresh = false): Promise<string> {
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

  /** A new match runs here: epoch 1, unless Redis refuses the owner. */
  async addHere(spec: MatchSpec): Promise<void> {
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

  /**
   * Takes a match over from its previous owner (dead, or handing it over):
   * compare-and-set of the owner with a new epoch, then the runner goes on
   * from the checkpoint with the peers `peerOf` gives. False when another
   * instance got there first or there is no checkpoint.
   */
  async adopt(
    matchId: string,
    reason: 'lease_expired' | 'handover',
    peerOf: (ref: PeerRef) => Peer | null,
  ): Promise<boolean> {
    const { store, runner, logger } = this.#o;
    const [previous, stored] = await Promise.all([store.owner(matchId), store.checkpoint(matchId)]);
    // Our own id is fine when the runner does not hold it: an earlier run under the same INSTANCE_ID owned it.
    if (!previous || !stored || runner.get(matchId)) return false;
    const next: Owner = { instance: this.#o.instanceId, epoch: previous.epoch + 1 };
    if (!(await store.swapOwner(matchId, previous, next))) return false;
    this.#epochs.set(matchId, next.epoch);
    this.#stored.delete(matchId); // our first checkpoint writes the runs whole
    runner.adopt(stored, peerOf, reason === 'handover' ? 'handover' : 'takeover');
    this.#o.metrics?.takeovers(reason, 1);
    logger.warn(
      {
        'game.match.id': matchId,
        'cluster.from': previous.instance,
        'cluster.reason': reason,
        'game.tick': stored.checkpoint.log.ticks,
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
    this.#stored.delete(matchId);
    if (epoch === undefined || handedTo) return;
    await this.#o.store
      .swapOwner(matchId, { instance: this.#o.instanceId, epoch }, null)
      .catch((err: unknown) =>
        this.#o.logger.warn({ err, 'game.match.id': matchId }, 'match ownership not cleared'),
      );
    await this.#announce(matchId, null);
  }

  /** The match went to `target` (hand-over): it leaves our runner without ending. */
  handedOver(matchId: string, target: string): void {
    this.#owners.set(matchId, target);
    this.#epochs.delete(matchId);
    this.#stored.delete(matchId);
    this.#o.runner.release(matchId);
  }

  /** Lets go of every match without ending it (our lease was lost: another instance takes them over). */
  abandonAll(): number {
    const ids = [...this.#epochs.keys()];
    for (const id of ids) this.#o.runner.release(id);
    this.#epochs.clear();
    this.#stored.clear();
    return ids.length;
  }

  /**
   * Writes the checkpoints of the matches we own that have begun (countdown or
   * play), with their summaries, and returns those the store took; `all` adds invites and
   * waiting rooms (a hand-over takes everything). A match that had not begun
   * when its owner died has nothing worth resuming: it ends server_lost, and a
   * tournament gives it a new game.
   */
  async saveCheckpoints(
    all: boolean,
    refOf: (peer: Peer) => PeerRef,
    slice?: CheckpointSlice,
  ): Promise<CheckpointEntry[]> {
    const entries: CheckpointEntry[] = [];
    const { instanceId, runner, store, logger } = this.#o;
    for (const [id, epoch] of this.#epochs) {
      if (slice && turnOf(id, slice.turns) !== slice.turn) continue;
      const summary = summaryOf(runner, id);
      if (!summary || (!all && (summary.state === 'pending' || summary.state === 'ready')))
        continue;
      const write = runner.checkpoint(id, refOf, this.#stored.get(id));
      if (write) entries.push({ write, owner: { instance: instanceId, epoch }, summary });
    }
    const refused = new Set<string>();
    for (const { matchId, owner } of await store.saveCheckpoints(entries)) {
      refused.add(matchId);
      const epoch = this.#epochs.get(matchId);
      // Owned by none: it is ending or not yet recorded. Owned by another: taken over while we were away.
      if (epoch === undefined || owner === null) continue;
      logger.warn(
        { 'game.match.id': matchId, 'cluster.owner': owner.instance },
        'checkpoint refused: the match is owned elsewhere, let go',
      );
      this.#epochs.delete(matchId);
      this.#stored.delete(matchId);
      runner.release(matchId);
    }
    for (const { write } of entries) {
      const id = write.checkpoint.spec.id;
      const [left, right] = write.closed;
      const known = this.#stored.get(id);
      // Writes land in the order they were made; a later one may have been recorded already.
      const newer =
        known === undefined ||
        (known.runs[0].runs <= left.end.runs && known.runs[1].runs <= right.end.runs);
      if (this.#epochs.has(id) && !refused.has(id) && newer)
        this.#stored.set(id, marksAfter(write, known));
    }
    return entries.filter(({ write }) => !refused.has(write.checkpoint.spec.id));
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
}
