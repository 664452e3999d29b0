/**
 * Pure pairing of matchmaking tickets by rating. Each ticket accepts opponents
 * within a window that widens with its waiting time (by default ±100, +50 every
 * 5 s); two tickets pair only when each is inside the other's window, they are
 * in the same pool (e.g. ranked / casual), and neither blocks the other. Time
 * is an argument, so tests can queue for minutes in milliseconds.
 *
 * Order is deterministic: the longest-waiting ticket chooses first and takes the
 * closest rating; ties go to the longer waiter, then the smaller user id.
 */

export interface QueueTicket {
  userId: string;
  rating: number;
  /** When the ticket entered the queue (ms, same clock as `now`). */
  enqueuedAt: number;
  /** Tickets pair only within one pool (e.g. "ranked", "casual"). */
  pool: string;
}

export interface PairingOptions {
  /** Half-width of the window of a ticket that just arrived. */
  baseWindow: number;
  /** How much the half-width grows each `widenEveryMs`. */
  widenBy: number;
  widenEveryMs: number;
  /** Largest half-width; omit for no limit. */
  maxWindow?: number;
  /** True when either user blocks the other; such users are never paired. */
  blocked: (a: string, b: string) => boolean;
}

export const DEFAULT_PAIRING_WINDOW = Object.freeze({
  baseWindow: 100,
  widenBy: 50,
  widenEveryMs: 5000,
});

export interface Pairing {
  a: QueueTicket;
  b: QueueTicket;
}

export interface PairingResult {
  pairs: Pairing[];
  /** Tickets left in the queue, in priority order (longest waiting first). */
  waiting: QueueTicket[];
}

/** The current half-width of a ticket's rating window. */
export function windowOf(
  ticket: QueueTicket,
  now: number,
  options: Omit<PairingOptions, 'blocked'>,
): number {
  const waited = Math.max(0, now - ticket.enqueuedAt);
  const steps = options.widenEveryMs > 0 ? Math.floor(waited / options.widenEveryMs) : 0;
  const width = options.baseWindow + steps * options.widenBy;
  return options.maxWindow === undefined ? width : Math.min(width, options.maxWindow);
}

function byPriority(x: QueueTicket, y: QueueTicket): number {
  return x.enqueuedAt - y.enqueuedAt || (x.userId < y.userId ? -1 : x.userId > y.userId ? 1 : 0);
}

/** Pairs what can be paired now; a user with several tickets is considered once (its oldest). */
export function pairTickets(
  tickets: readonly QueueTicket[],
  now: number,
  options: PairingOptions,
): PairingResult {
  const queue = uniqueUsers([...tickets].sort(byPriority));
  const windows = new Map(queue.map((t) => [t, windowOf(t, now, options)]));
  // Rating order lets each chooser scan outwards from its own rating and stop at its window.
  const byRating = [...queue].sort((x, y) => x.rating - y.rating || byPriority(x, y));
  const position = new Map(byRating.map((t, i) => [t, i]));
  const taken = new Set<QueueTicket>();
  const pairs: Pairing[] = [];
  for (const chooser of queue) {
    if (taken.has(chooser)) continue;
    const partner = bestPartner(chooser, {
      byRating,
      position,
      windows,
      taken,
      blocked: options.blocked,
    });
    if (partner === undefined) continue;
    taken.add(chooser);
    taken.add(partner);
    pairs.push({ a: chooser, b: partner });
  }
  return { pairs, waiting: queue.filter((t) => !taken.has(t)) };
}

function uniqueUsers(sorted: QueueTicket[]): QueueTicket[] {
  const seen = new Set<string>();
  return sorted.filter((t) => (seen.has(t.userId) ? false : (seen.add(t.userId), true)));
}

interface Scan {
  byRating: QueueTicket[];
  position: Map<QueueTicket, number>;
  windows: Map<QueueTicket, number>;
  taken: Set<QueueTicket>;
  blocked: (a: string, b: string) => boolean;
}

function bestPartner(chooser: QueueTicket, scan: Scan): QueueTicket | undefined {
  const at = scan.position.get(chooser)!;
  // Only gaps up to the best found so far are worth scanning: it starts at the chooser's window.
  let limit = scan.windows.get(chooser)!;
  let best: QueueTicket | undefined;
  for (const direction of [-1, 1]) {
    for (let i = at + direction; i >= 0 && i < scan.byRating.length; i += direction) {
      const other = scan.byRating[i]!;
      const gap = Math.abs(other.rating - chooser.rating);
      if (gap > limit) break;
      if (!acceptable(chooser, other, gap, scan)) continue;
      if (best === undefined || better(other, best, chooser)) best = other;
      limit = gap;
    }
  }
  return best;
}

function acceptable(chooser: QueueTicket, other: QueueTicket, gap: number, scan: Scan): boolean {
  if (scan.taken.has(other) || other.pool !== chooser.pool) return false;
  if (gap > scan.windows.get(other)!) return false;
  return !scan.blocked(chooser.userId, other.userId) && !scan.blocked(other.userId, chooser.userId);
}

function better(candidate: QueueTicket, current: QueueTicket, chooser: QueueTicket): boolean {
  const dc = Math.abs(candidate.rating - chooser.rating);
  const dk = Math.abs(current.rating - chooser.rating);
  return dc !== dk ? dc < dk : byPriority(candidate, current) < 0;
}
