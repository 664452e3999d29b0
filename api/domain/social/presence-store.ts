/**
 * Where presence lives: how many sockets each user has open across every API
 * instance, and which users are in a match. In-process (this file) when there
 * is one instance; Redis (presence-redis.ts) when REDIS_URL is set, so the
 * counts are shared and a user with sockets on two instances stays online
 * until the last one closes.
 */

export interface PresenceSnapshot {
  /** Sockets per online user, across instances. */
  sockets: Map<string, number>;
  /** Match id per user in a match. */
  matches: Map<string, string>;
}

export interface PresenceStore {
  readonly kind: 'memory' | 'redis';
  /** One more socket for the user; true when it is the user's first anywhere (came online). */
  connected(userId: string): Promise<boolean>;
  /** One socket fewer; true when it was the user's last anywhere (went offline). */
  disconnected(userId: string): Promise<boolean>;
  /** Open sockets per user (0 for offline users). */
  socketCounts(userIds: readonly string[]): Promise<Map<string, number>>;
  /** Sets (or clears, with null) the match a user is playing. */
  setMatch(userId: string, matchId: string | null): Promise<void>;
  /** Match ids of those of these users who are in one. */
  matches(userIds: readonly string[]): Promise<Map<string, string>>;
  /** Every online user (admin view). */
  snapshot(): Promise<PresenceSnapshot>;
  /** Removes the sockets of instances that died without closing them; returns users who went offline. */
  sweep(): Promise<string[]>;
  /** Forgets this instance's sockets and stops. */
  close(): Promise<void>;
}

function memoryMatches(matches: Map<string, string>): Pick<PresenceStore, 'setMatch' | 'matches'> {
  return {
    async setMatch(userId, matchId) {
      if (matchId === null) matches.delete(userId);
      else matches.set(userId, matchId);
    },
    async matches(userIds) {
      const found = new Map<string, string>();
      for (const id of userIds) {
        const match = matches.get(id);
        if (match !== undefined) found.set(id, match);
      }
      return found;
    },
  };
}

export function createMemoryPresenceStore(): PresenceStore {
  const sockets = new Map<string, number>();
  const matches = new Map<string, string>();
  return {
    kind: 'memory',
    async connected(userId) {
      const n = (sockets.get(userId) ?? 0) + 1;
      sockets.set(userId, n);
      return n === 1;
    },
    async disconnected(userId) {
      const n = (sockets.get(userId) ?? 0) - 1;
      if (n > 0) sockets.set(userId, n);
      else return sockets.delete(userId);
      return false;
    },
    async socketCounts(userIds) {
      return new Map(userIds.map((id) => [id, sockets.get(id) ?? 0]));
    },
    ...memoryMatches(matches),
    async snapshot() {
      return { sockets: new Map(sockets), matches: new Map(matches) };
    },
    // One process: no other instance can die holding sockets.
    async sweep() {
      return [];
    },
    async close() {
      sockets.clear();
      matches.clear();
    },
  };
}
