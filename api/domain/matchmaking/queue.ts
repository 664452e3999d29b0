/**
 * The matchmaking queue: one ticket per user, kept in a store. In this
 * process's memory without Redis (this file); with REDIS_URL one queue in Redis
 * for the whole deployment (queue-redis.ts), so players queued through
 * different instances meet. Tickets carry what pairing needs (rating, mode,
 * when they joined) and the users each ticket's owner must never meet (blocks,
 * loaded when joining, and added to when a late block turns a pair down).
 * Every write that must not interleave is one step of the store: a join keeps
 * the place of a same-mode ticket, and a pair is taken whole or not at all.
 */
import type { QueueMode } from '../../contract/matchmaking.ts';
import type { QueueTicket } from './pairing.ts';

export interface Ticket extends QueueTicket {
  username: string;
  mode: QueueMode;
  /** Users this one blocks or is blocked by. */
  blocked: Set<string>;
  /** Identifies one join: a pair is taken only if both tickets are still the ones the matcher saw. */
  joinId: string;
  /** When this join happened (ms); the place in the queue is `enqueuedAt`, kept across same-mode joins. */
  joinedAt: number;
  /** The window last reported to the player in `queue.status`. */
  reportedWindow?: number;
}

/** Where tickets live. Every method is one atomic step, whatever the store. */
export interface QueueStore {
  readonly kind: 'memory' | 'redis';
  /** True while a matcher pass of this process runs, so passes never overlap. */
  busy: boolean;
  get(userId: string): Promise<Ticket | undefined>;
  /**
   * Adds or replaces the user's ticket; a ticket of the same mode keeps its
   * `enqueuedAt` (the place in the queue). Resolves with the stored ticket and
   * whether the user was already queued.
   */
  join(ticket: Ticket): Promise<{ ticket: Ticket; existed: boolean }>;
  /** Removes and returns the user's ticket. */
  take(userId: string): Promise<Ticket | undefined>;
  /** Removes both tickets if both are still these joins; false (and nothing removed) otherwise. */
  takePair(a: Ticket, b: Ticket): Promise<boolean>;
  /** Puts a taken ticket back, unless the user has queued again since; true when put back. */
  restore(ticket: Ticket): Promise<boolean>;
  tickets(): Promise<Ticket[]>;
  size(): Promise<number>;
  /** Remembers the window last told to a queued user. */
  setReported(userId: string, window: number): Promise<void>;
  /** Counts one match started from the queue. */
  countMatch(): Promise<void>;
  /** Matches started from this queue (this process's in memory, the deployment's in Redis). */
  matchesMade(): Promise<number>;
  /** Forgets this process's part: the memory store empties, the Redis one closes its connection. */
  close(): Promise<void>;
}

export function createMemoryQueueStore(): QueueStore {
  const tickets = new Map<string, Ticket>();
  let made = 0;
  return {
    kind: 'memory',
    busy: false,
    get: async (userId) => tickets.get(userId),
    async join(ticket) {
      const existing = tickets.get(ticket.userId);
      const stored = {
        ...ticket,
        enqueuedAt: existing?.mode === ticket.mode ? existing.enqueuedAt : ticket.enqueuedAt,
        reportedWindow: existing?.mode === ticket.mode ? existing.reportedWindow : undefined,
      };
      tickets.set(ticket.userId, stored);
      return { ticket: stored, existed: existing !== undefined };
    },
    async take(userId) {
      const ticket = tickets.get(userId);
      tickets.delete(userId);
      return ticket;
    },
    async takePair(a, b) {
      const same = (t: Ticket) => tickets.get(t.userId)?.joinId === t.joinId;
      if (a.userId === b.userId || !same(a) || !same(b)) return false;
      tickets.delete(a.userId);
      tickets.delete(b.userId);
      return true;
    },
    async restore(ticket) {
      if (tickets.has(ticket.userId)) return false;
      tickets.set(ticket.userId, ticket);
      return true;
    },
    tickets: async () => [...tickets.values()],
    size: async () => tickets.size,
    async setReported(userId, window) {
      const ticket = tickets.get(userId);
      if (ticket) ticket.reportedWindow = window;
    },
    countMatch: async () => void made++,
    matchesMade: async () => made,
    close: async () => tickets.clear(),
  };
}
