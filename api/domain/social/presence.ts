/**
 * Presence: online / in_game / offline, derived from open sockets counted by
 * the presence store (shared through Redis when there are several
 * instances). On a transition the user's accepted friends get a
 * `presence.update` (a droppable frame) through the gateway, which carries it
 * over the bus to every instance; the last-seen time is written then too.
 * Changes of one user are applied in order, so a quick connect/disconnect
 * cannot announce "online" after "offline".
 */
import type { Knex } from 'knex';
import type { PresenceStatus, UserPresence } from '../../contract/presence.ts';
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import type { Pusher } from '../notifications/service.ts';
import type { PresenceSnapshot, PresenceStore } from './presence-store.ts';
import * as repo from './repo.ts';

export interface PresenceDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  store: PresenceStore;
  push: Pusher;
  /** How often to sweep sockets of dead instances (shared stores only); default 10 s. */
  sweepMs?: number;
}

export interface Presence {
  /** A socket of the user opened (gateway connect listener). */
  connected(userId: string): Promise<void>;
  /** A socket of the user closed (gateway disconnect listener). */
  disconnected(userId: string): Promise<void>;
  /** For the games area: the user is playing `matchId`, or no longer playing (null). */
  setInGame(userId: string, matchId: string | null): Promise<void>;
  statusOf(userIds: readonly string[]): Promise<Map<string, PresenceStatus>>;
  /** True when the user has an open socket on any instance (chat: notify by `message` only when false). */
  isOnline(userId: string): Promise<boolean>;
  /** Those of these users with an open socket. */
  onlineAmong(userIds: readonly string[]): Promise<Set<string>>;
  snapshot(): Promise<PresenceSnapshot>;
  /** Tells two new friends each other's presence. */
  exchange(a: string, b: string): Promise<void>;
  /** Calls `listener` with each user whose last socket anywhere closed (here, elsewhere, or on a dead instance). */
  onOffline(listener: (userId: string) => void): void;
  /** Stops following sockets, waits for pending announcements, closes the store. */
  close(): Promise<void>;
}

const iso = (t: Date | string | null | undefined) => (t ? new Date(t).toISOString() : null);

export function presenceOf(
  status: PresenceStatus,
  lastSeen: Date | string | null | undefined,
): UserPresence {
  return { status, lastSeenAt: iso(lastSeen) };
}

function statusFrom(sockets: number, match: string | undefined): PresenceStatus {
  if (sockets <= 0) return 'offline';
  return match === undefined ? 'online' : 'in_game';
}

/** Runs each user's changes one after another; failures are logged, never thrown at the socket layer. */
function serialiser(logger: Logger) {
  const chains = new Map<string, Promise<void>>();
  const serial = (userId: string, fn: () => Promise<void>): Promise<void> => {
    const next = (chains.get(userId) ?? Promise.resolve())
      .then(fn)
      .catch((err: unknown) => logger.error({ err, 'user.id': userId }, 'presence update failed'));
    chains.set(userId, next);
    void next.then(() => chains.get(userId) === next && chains.delete(userId));
    return next;
  };
  return { serial, drain: () => Promise.all([...chains.values()]) };
}

/** Status lookups and the presence.update fan-out to friends. */
function announcer(deps: PresenceDeps) {
  const { db, store } = deps;
  const statusOf = async (userIds: readonly string[]) => {
    const [counts, matches] = await Promise.all([
      store.socketCounts(userIds),
      store.matches(userIds),
    ]);
    return new Map(userIds.map((id) => [id, statusFrom(counts.get(id) ?? 0, matches.get(id))]));
  };
  const tell = async (recipients: readonly string[], userId: string, status: PresenceStatus) => {
    if (recipients.length === 0) return;
    const [row] = await repo.usersByIds(db, [userId]);
    if (!row) return;
    await deps.push.sendToUsers(recipients, {
      type: 'presence.update',
      username: row.username,
      status,
      lastSeenAt: iso(row.last_seen_at),
    });
  };
  /** Tells the user's friends the user's current status; `touch` writes the last-seen time first. */
  const announce = async (userId: string, touch: boolean) => {
    if (touch) await repo.touchLastSeen(db, userId, new Date(deps.clock.now()));
    const status = (await statusOf([userId])).get(userId)!;
    await tell(await repo.friendIds(db, userId), userId, status);
  };
  return { statusOf, tell, announce };
}

export function createPresence(deps: PresenceDeps): Presence {
  const { store, logger } = deps;
  const { serial, drain } = serialiser(logger);
  const { statusOf, tell, announce } = announcer(deps);
  let closed = false;
  const offline = new Set<(userId: string) => void>();
  const wentOffline = (userId: string) => {
    for (const listener of offline) listener(userId);
  };
  const onSocket = (userId: string, change: (id: string) => Promise<boolean>) =>
    closed
      ? Promise.resolve()
      : serial(userId, async () => void ((await change(userId)) && (await announce(userId, true))));

  const sweep = async () => {
    for (const userId of await store.sweep()) {
      wentOffline(userId);
      void serial(userId, () => announce(userId, true));
    }
  };
  const timer =
    store.kind === 'redis'
      ? setInterval(
          () => void sweep().catch((err: unknown) => logger.warn({ err }, 'presence sweep failed')),
          deps.sweepMs ?? 10_000,
        )
      : undefined;
  timer?.unref();

  return {
    connected: (userId) => onSocket(userId, store.connected),
    disconnected: (userId) =>
      onSocket(userId, async (id) => {
        const gone = await store.disconnected(id);
        if (gone) wentOffline(id);
        return gone;
      }),
    // After close (shutdown) matches still end; their presence no longer matters here.
    setInGame: (userId, matchId) =>
      closed
        ? Promise.resolve()
        : serial(userId, async () => {
            const before = (await statusOf([userId])).get(userId);
            await store.setMatch(userId, matchId);
            if ((await statusOf([userId])).get(userId) !== before) await announce(userId, false);
          }),
    statusOf,
    isOnline: async (userId) => ((await store.socketCounts([userId])).get(userId) ?? 0) > 0,
    async onlineAmong(userIds) {
      const counts = await store.socketCounts(userIds);
      return new Set(userIds.filter((id) => (counts.get(id) ?? 0) > 0));
    },
    snapshot: () => store.snapshot(),
    async exchange(a, b) {
      const status = await statusOf([a, b]);
      await Promise.all([tell([b], a, status.get(a)!), tell([a], b, status.get(b)!)]);
    },
    onOffline: (listener) => void offline.add(listener),
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      await drain();
      await store.close();
    },
  };
}
