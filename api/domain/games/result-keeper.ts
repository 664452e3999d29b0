/**
 * No match result is lost: every end is first held durably (Redis when
 * configured, else, or when Redis fails too, the spool file), then stored,
 * and retried with exponential backoff until the database takes it; only
 * then is the held copy released. One attempt per match runs at a time, and
 * the store is idempotent (a match already ended is not written again), so a
 * slow attempt that finally commits and a retry never both write.
 *
 * `game.end` waits a moment for the first attempt and says whether the result
 * is stored; when it was not, `onLateStore` tells the players once it is.
 * At start, and then periodically, the keeper claims what nobody is storing:
 * the spool a previous run left, and (Redis) entries of instances that died.
 */
import type { Logger } from '../../core/logger.ts';
import type { MatchResult } from '../../game/runner-types.ts';
import type { PendingResult, PendingResultStore } from './pending-results.ts';

export type RatingChanges = [number | null, number | null];

export interface KeeperOptions {
  /** Where results wait, in order of preference (the first that takes an entry holds it). */
  stores: PendingResultStore[];
  /** The idempotent database write of one end. */
  store(entry: PendingResult): Promise<{ ratingChanges: RatingChanges }>;
  now(): number;
  logger: Logger;
  /** game_results_pending. */
  setPending?(count: number): void;
  /** A result reported unstored (or claimed from elsewhere) has been stored. */
  onLateStore?(result: MatchResult, ratingChanges: RatingChanges): void;
  /** How long game.end waits for the first attempt. */
  firstWaitMs: number;
  retryMinMs: number;
  retryMaxMs: number;
  /** How often claims are renewed and orphans looked for. */
  scanMs: number;
}

export type EndReport = { stored: true; ratingChanges: RatingChanges } | { stored: false };

interface Kept {
  entry: PendingResult;
  holder: PendingResultStore | null;
  /** Someone was told it is not stored yet: tell them when it is. */
  late: boolean;
}

class Closed extends Error {
  constructor() {
    super('the result keeper is closed; the result stays held for the next start');
  }
}

export class ResultKeeper {
  readonly #o: KeeperOptions;
  readonly #kept = new Map<string, Kept>();
  readonly #sleepers = new Set<() => void>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: KeeperOptions) {
    this.#o = options;
  }

  /** Match ids whose result is held and not yet stored (nothing may end them otherwise). */
  pendingIds(): ReadonlySet<string> {
    return new Set(this.#kept.keys());
  }

  /** Stores what earlier runs or dead instances left (one attempt each), then keeps looking. */
  async start(): Promise<void> {
    await this.#adoptOrphans();
    this.#timer = setInterval(() => void this.#scan(), this.#o.scanMs);
    this.#timer.unref();
  }

  async submit(result: MatchResult): Promise<EndReport> {
    const kept: Kept = { entry: { result, endedAt: this.#o.now() }, holder: null, late: false };
    this.#kept.set(result.spec.id, kept);
    this.#report();
    kept.holder = await this.#hold(kept.entry);
    const first = this.#attempt(kept);
    const done = this.#keep(kept, first);
    done.catch(() => undefined);
    const outcome = await Promise.race([
      first.then(
        (stored) => stored,
        () => null,
      ),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), this.#o.firstWaitMs).unref()),
    ]);
    if (outcome) return { stored: true, ...outcome };
    kept.late = true;
    return { stored: false };
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const wake of this.#sleepers) wake();
    await Promise.all(this.#o.stores.map((s) => s.close().catch(() => undefined)));
  }

  #report(): void {
    this.#o.setPending?.(this.#kept.size);
  }

  async #hold(entry: PendingResult): Promise<PendingResultStore | null> {
    for (const store of this.#o.stores) {
      try {
        await store.hold(entry);
        return store;
      } catch (err) {
        this.#o.logger.warn(
          { err, 'game.match.id': entry.result.spec.id, store: store.name },
          'could not hold a match result here; trying the next place',
        );
      }
    }
    this.#o.logger.error(
      { 'game.match.id': entry.result.spec.id },
      'a match result is held in memory only until it is stored',
    );
    return null;
  }

  #attempt(kept: Kept) {
    return this.#o.store(kept.entry);
  }

  /** Awaits the attempt in flight, then retries with backoff until one succeeds (or the keeper closes). */
  async #keep(
    kept: Kept,
    first: Promise<{ ratingChanges: RatingChanges }>,
  ): Promise<{ ratingChanges: RatingChanges }> {
    const id = kept.entry.result.spec.id;
    let attempt = first;
    let wait = this.#o.retryMinMs;
    for (let n = 1; ; n++) {
      try {
        const stored = await attempt;
        await this.#done(kept);
        if (kept.late) this.#o.onLateStore?.(kept.entry.result, stored.ratingChanges);
        if (n > 1)
          this.#o.logger.info(
            { 'game.match.id': id, attempts: n },
            'a held match result has been stored',
          );
        return stored;
      } catch (err) {
        if (this.#closed) throw new Closed();
        this.#o.logger.warn(
          { err, 'game.match.id': id, attempts: n, 'retry.in_ms': wait },
          'storing a match result failed; it is held and retried',
        );
      }
      await this.#sleep(wait);
      if (this.#closed) throw new Closed();
      wait = Math.min(wait * 2, this.#o.retryMaxMs);
      attempt = this.#attempt(kept);
    }
  }

  async #done(kept: Kept): Promise<void> {
    const id = kept.entry.result.spec.id;
    this.#kept.delete(id);
    this.#report();
    // A copy left behind is stored again by whoever finds it, which writes nothing twice.
    await kept.holder
      ?.release(id)
      .catch((err: unknown) =>
        this.#o.logger.warn({ err, 'game.match.id': id }, 'releasing a stored match result failed'),
      );
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#sleepers.add(wake);
    });
  }

  async #scan(): Promise<void> {
    if (this.#closed) return;
    for (const store of this.#o.stores) {
      const mine = [...this.#kept.values()]
        .filter((k) => k.holder === store)
        .map((k) => k.entry.result.spec.id);
      await store
        .renew(mine)
        .catch((err: unknown) =>
          this.#o.logger.warn({ err, store: store.name }, 'renewing result claims failed'),
        );
    }
    await this.#adoptOrphans().catch((err: unknown) =>
      this.#o.logger.warn({ err }, 'looking for orphaned match results failed'),
    );
  }

  /** Orphans are stored with one attempt now (so a start stores them before anything else), then kept. */
  async #adoptOrphans(): Promise<void> {
    for (const store of this.#o.stores) {
      const orphans = await store.claimOrphans().catch((err: unknown) => {
        this.#o.logger.warn({ err, store: store.name }, 'claiming orphaned match results failed');
        return [];
      });
      for (const entry of orphans) {
        const id = entry.result.spec.id;
        if (this.#kept.has(id)) continue;
        const kept: Kept = { entry, holder: store, late: true };
        this.#kept.set(id, kept);
        this.#report();
        this.#o.logger.info(
          { 'game.match.id': id, store: store.name },
          'storing a match result held by an earlier run or another instance',
        );
        const first = this.#attempt(kept);
        await first.catch(() => undefined);
        this.#keep(kept, first).catch(() => undefined);
      }
    }
  }
}
