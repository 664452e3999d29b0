/**
 * The sockets of this instance, indexed by user, session and channel, so that
 * delivery, revocation and channel broadcast touch only the sockets they
 * concern. The per-user limit is enforced here: the oldest socket goes.
 */
import type { Connection } from './connection.ts';

export class ConnectionRegistry {
  readonly #all = new Map<string, Connection>();
  readonly #byUser = new Map<string, Connection[]>();
  readonly #bySession = new Map<string, Set<Connection>>();
  readonly #byChannel = new Map<string, Set<Connection>>();
  readonly #maxPerUser: number;

  constructor(maxPerUser: number) {
    this.#maxPerUser = maxPerUser;
  }

  get size(): number {
    return this.#all.size;
  }

  get userCount(): number {
    return this.#byUser.size;
  }

  all(): IterableIterator<Connection> {
    return this.#all.values();
  }

  byId(id: string): Connection | undefined {
    return this.#all.get(id);
  }

  /** Adds a socket and returns the ones over the user's limit, oldest first, for the caller to close. */
  add(conn: Connection): Connection[] {
    this.#all.set(conn.id, conn);
    let sockets = this.#byUser.get(conn.userId);
    if (!sockets) this.#byUser.set(conn.userId, (sockets = []));
    sockets.push(conn); // accept order, so index 0 is the oldest
    let session = this.#bySession.get(conn.sessionId);
    if (!session) this.#bySession.set(conn.sessionId, (session = new Set()));
    session.add(conn);
    const excess = sockets.length - this.#maxPerUser;
    return excess > 0 ? sockets.slice(0, excess) : [];
  }

  remove(conn: Connection): void {
    if (this.#all.get(conn.id) !== conn) return;
    this.#all.delete(conn.id);
    const sockets = this.#byUser.get(conn.userId);
    if (sockets) {
      const index = sockets.indexOf(conn);
      if (index >= 0) sockets.splice(index, 1);
      if (sockets.length === 0) this.#byUser.delete(conn.userId);
    }
    const session = this.#bySession.get(conn.sessionId);
    session?.delete(conn);
    if (session?.size === 0) this.#bySession.delete(conn.sessionId);
    for (const channel of conn.channels) this.leave(conn, channel);
  }

  ofUser(userId: string): readonly Connection[] {
    return this.#byUser.get(userId) ?? [];
  }

  ofSession(sessionId: string): readonly Connection[] {
    return [...(this.#bySession.get(sessionId) ?? [])];
  }

  ofChannel(channel: string): ReadonlySet<Connection> {
    return this.#byChannel.get(channel) ?? new Set();
  }

  join(conn: Connection, channel: string): void {
    if (this.#all.get(conn.id) !== conn) return;
    let members = this.#byChannel.get(channel);
    if (!members) this.#byChannel.set(channel, (members = new Set()));
    members.add(conn);
    conn.channels.add(channel);
  }

  leave(conn: Connection, channel: string): void {
    conn.channels.delete(channel);
    const members = this.#byChannel.get(channel);
    members?.delete(conn);
    if (members?.size === 0) this.#byChannel.delete(channel);
  }
}
