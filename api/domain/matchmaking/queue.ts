/**
 * The matchmaking queue of this process: one ticket per user, in memory.
 * Tickets carry what pairing needs (rating, mode, when they joined) and the
 * users each ticket's owner must never meet (blocks, loaded when joining and
 * extended when a late block turns a pair down). Built by the composition
 * root and passed down; the matcher (service.ts) reads and trims it.
 */
import type { QueueMode } from '../../contract/matchmaking.ts';
import type { QueueTicket } from './pairing.ts';

export interface Ticket extends QueueTicket {
  username: string;
  mode: QueueMode;
  /** Users this one blocks or is blocked by. */
  blocked: Set<string>;
  /** The window last reported to the player in `queue.status`. */
  reportedWindow?: number;
}

export class MatchQueue {
  readonly #tickets = new Map<string, Ticket>();
  /** Matches started by the matcher since start-up (GET /matchmaking/stats). */
  matchesMade = 0;
  /** True while a matcher pass runs, so passes never overlap. */
  busy = false;

  get size(): number {
    return this.#tickets.size;
  }

  get(userId: string): Ticket | undefined {
    return this.#tickets.get(userId);
  }

  /** Adds or replaces the user's ticket. */
  put(ticket: Ticket): void {
    this.#tickets.set(ticket.userId, ticket);
  }

  /** Removes and returns the user's ticket. */
  take(userId: string): Ticket | undefined {
    const ticket = this.#tickets.get(userId);
    this.#tickets.delete(userId);
    return ticket;
  }

  tickets(): Ticket[] {
    return [...this.#tickets.values()];
  }

  countOf(mode: QueueMode): number {
    let n = 0;
    for (const t of this.#tickets.values()) if (t.mode === mode) n++;
    return n;
  }

  /** When the longest-waiting ticket joined, or undefined for an empty queue. */
  oldestEnqueuedAt(): number | undefined {
    let oldest: number | undefined;
    for (const t of this.#tickets.values())
      if (oldest === undefined || t.enqueuedAt < oldest) oldest = t.enqueuedAt;
    return oldest;
  }

  /** A block between two users, learned after they queued: they are never paired. */
  noteBlock(a: string, b: string): void {
    this.#tickets.get(a)?.blocked.add(b);
    this.#tickets.get(b)?.blocked.add(a);
  }
}
