/**
 * One authenticated WebSocket: who it belongs to, its heartbeat flag, its
 * token bucket and the channels it joined. Kept small on purpose: an idle
 * socket should cost well under 20 KiB, and there are no per-socket timers.
 */
import type { WebSocket } from 'ws';
import type { AppError } from '../contract/errors.ts';
import type { Role, UserActor } from '../domain/actors.ts';

/** Who a socket belongs to; what `authenticateToken` returns during the upgrade. */
export interface SocketIdentity {
  userId: string;
  role: Role;
  sessionId: string;
}

export interface BucketLimits {
  ratePerSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  refilledAt: number;
}

/** Token bucket: refills at `ratePerSecond` up to `burst`; false when the message must be refused. */
function takeToken(bucket: Bucket, limits: BucketLimits, now: number): boolean {
  const elapsed = now - bucket.refilledAt;
  bucket.refilledAt = now;
  bucket.tokens = Math.min(limits.burst, bucket.tokens + (elapsed * limits.ratePerSecond) / 1000);
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

/** A close frame carries at most 123 bytes of reason; cut on a character boundary. */
export function fitCloseReason(reason: string): string {
  let out = reason;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}

export class Connection {
  readonly id: string;
  readonly userId: string;
  readonly role: SocketIdentity['role'];
  readonly sessionId: string;
  readonly socket: WebSocket;
  /** performance.now() at accept: the registry closes the oldest first. */
  readonly openedAt: number;
  /** Channels joined through the gateway (chat conversations, match audiences). */
  readonly channels = new Set<string>();
  /** Cleared by each heartbeat round, set again by a pong or any message. */
  alive = true;
  /** The code the server closed with, when it did; metrics prefer it to what the peer echoes. */
  closeCode: number | undefined;
  readonly #general: Bucket;
  /** Buckets of message types with a budget of their own (game.input), made on first use. */
  #own: Map<string, Bucket> | undefined;

  constructor(options: {
    id: string;
    identity: SocketIdentity;
    socket: WebSocket;
    limits: BucketLimits;
    now: number;
  }) {
    this.id = options.id;
    this.userId = options.identity.userId;
    this.role = options.identity.role;
    this.sessionId = options.identity.sessionId;
    this.socket = options.socket;
    this.openedAt = options.now;
    this.#general = { tokens: options.limits.burst, refilledAt: options.now };
  }

  /**
   * Takes a token from the socket's general bucket, or from the bucket of
   * `budget` (a message type metered on its own); false when the message must
   * be refused.
   */
  take(limits: BucketLimits, now: number, budget?: string): boolean {
    if (budget === undefined) return takeToken(this.#general, limits, now);
    this.#own ??= new Map();
    let bucket = this.#own.get(budget);
    if (!bucket) this.#own.set(budget, (bucket = { tokens: limits.burst, refilledAt: now }));
    return takeToken(bucket, limits, now);
  }

  /** Closes with the close code of the error table; the reason is the error's message, cut to fit a close frame. */
  closeWith(error: AppError): void {
    this.closeWithCode(error.wsCloseCode, error.message);
  }

  closeWithCode(code: number, reason: string): void {
    if (this.closeCode !== undefined) return;
    this.closeCode = code;
    this.socket.close(code, fitCloseReason(reason));
  }

  /** Drops the TCP connection without a close handshake (dead peers). */
  terminate(): void {
    if (this.closeCode === undefined) this.closeCode = 1006;
    this.socket.terminate();
  }
}

/** The actor a socket's messages act as. */
export function actorOf(conn: Connection): UserActor {
  return { kind: 'user', id: conn.userId, role: conn.role, sessionId: conn.sessionId };
}
