/**
 * The one drift-correcting loop of a process: the n-th tick is due at
 * `start + n × period` (never "period after the last one", which drifts), the
 * timer is re-armed from that timeline, late ticks are caught up back to back
 * and, when the process fell more than `maxCatchUp` ticks behind, the missed
 * ones are skipped. `setTimeout` only has millisecond resolution and fires up
 * to a millisecond late, so the timer is armed one millisecond early and the
 * last stretch is waited out with `setImmediate`, which lets I/O run meanwhile.
 * The scheduler is injectable so tests can drive time by hand.
 */

/** Time and timers; `performance.now()` and Node's timers in production. */
export interface Scheduler {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Runs `fn` after about `ms` milliseconds. */
  timeout(fn: () => void, ms: number): unknown;
  /** Runs `fn` after pending I/O (a yield, not a delay). */
  immediate(fn: () => void): unknown;
  cancel(handle: unknown): void;
}

export const systemScheduler: Scheduler = Object.freeze({
  now: () => performance.now(),
  timeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  immediate: (fn: () => void) => setImmediate(fn),
  cancel: (handle: unknown) => {
    clearTimeout(handle as NodeJS.Timeout);
    clearImmediate(handle as NodeJS.Immediate);
  },
});

export interface TickInfo {
  /** Tick number since the loop (re)started. */
  n: number;
  /** When the tick was due, and how late the loop was (against the oldest due tick), in milliseconds (>= 0). */
  due: number;
  lateMs: number;
}

export interface TickerOptions {
  periodMs: number;
  scheduler: Scheduler;
  onTick(info: TickInfo): void;
  /** Called when ticks were skipped because the loop fell too far behind. */
  onSkip?(count: number): void;
  /** Ticks run back to back at most before skipping ahead (default 5). */
  maxCatchUp?: number;
}

export interface Ticker {
  start(): void;
  stop(): void;
  readonly running: boolean;
}

/** A tick is run when it is due within this many milliseconds (the immediate spin stops here). */
const EARLY_MS = 0.05;
/** How much earlier than the due time the millisecond timer is armed. */
const TIMER_LEAD_MS = 1;

export function createTicker(options: TickerOptions): Ticker {
  const { periodMs, scheduler } = options;
  const maxCatchUp = options.maxCatchUp ?? 5;
  let handle: unknown;
  let running = false;
  let start = 0;
  let n = 0;

  const arm = (): void => {
    const wait = start + n * periodMs - scheduler.now();
    if (wait > TIMER_LEAD_MS + EARLY_MS)
      handle = scheduler.timeout(wake, Math.floor(wait - TIMER_LEAD_MS));
    else handle = scheduler.immediate(wake);
  };

  function wake(): void {
    if (!running) return;
    // Every tick due by now runs, oldest first, at most maxCatchUp per wake so
    // I/O gets a turn; when further behind than that, the missed ones are skipped.
    for (let ran = 0; running && ran < maxCatchUp; ran++) {
      const now = scheduler.now();
      const lag = now - (start + n * periodMs);
      if (lag < -EARLY_MS) break;
      const behind = Math.floor(lag / periodMs);
      if (behind >= maxCatchUp) {
        n += behind;
        options.onSkip?.(behind);
      }
      // Lateness is measured against the oldest due tick, so a stall shows even when ticks were skipped.
      options.onTick({ n, due: start + n * periodMs, lateMs: Math.max(0, lag) });
      n += 1;
    }
    if (running) arm();
  }

  return {
    start() {
      if (running) return;
      running = true;
      start = scheduler.now();
      n = 0;
      arm();
    },
    stop() {
      running = false;
      if (handle !== undefined) scheduler.cancel(handle);
      handle = undefined;
    },
    get running() {
      return running;
    },
  };
}

/** True on the ticks where a `hz` stream of a `tickRate` loop sends: evenly spread, `hz` per second. */
export function sendsOnTick(n: number, hz: number, tickRate: number): boolean {
  if (hz >= tickRate || n === 0) return true;
  return Math.floor((n * hz) / tickRate) !== Math.floor(((n - 1) * hz) / tickRate);
}
