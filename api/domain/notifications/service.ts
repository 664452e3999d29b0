/**
 * Notifications: `notify` stores one for a user and pushes it as a
 * `notification` message to the user's open sockets on every instance; users
 * list theirs with the unread count and mark them read. Other areas call
 * `notify` (friend requests here; direct messages from chat; game invites and
 * tournament matches later).
 */
import { z } from 'zod';
import type { Knex } from 'knex';
import type { NotificationType, NotificationView } from '../../contract/notifications.ts';
import type { ServerMessage } from '../../contract/messages.ts';
import type { Clock } from '../../core/clock.ts';
import { cursorPart, decodeCursor, pageOf } from '../../core/cursor.ts';
import type { Logger } from '../../core/logger.ts';
import { requireUser, type Actor } from '../actors.ts';
import * as repo from './repo.ts';

/** The part of the WebSocket gateway domain code uses: reach every socket of some users, on every instance. */
export interface Pusher {
  sendToUsers(
    userIds: readonly string[],
    message: ServerMessage,
    options?: { droppable?: boolean },
  ): Promise<void>;
}

export interface NotificationDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  /** Audit stream logger (broadcasts are audited). */
  auditLogger: Logger;
  push: Pusher;
  /** Those of these users with an open socket anywhere (a broadcast pushes only to them). */
  onlineAmong(userIds: readonly string[]): Promise<Set<string>>;
  /** Users per broadcast statement. */
  broadcastBatchSize: number;
}

export function notificationView(row: repo.NotificationRow): NotificationView {
  return {
    id: String(row.id),
    type: row.type as NotificationType,
    payload: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<
      string,
      unknown
    >,
    createdAt: new Date(row.created_at).toISOString(),
    readAt: row.read_at === null ? null : new Date(row.read_at).toISOString(),
  };
}

/**
 * Stores a notification for `userId` and pushes it to the user's open
 * sockets. Call it after the transaction that caused it has committed. A
 * failed push is logged: the notification is stored and will be listed.
 */
export async function notify(
  deps: Pick<NotificationDeps, 'db' | 'clock' | 'logger' | 'push'>,
  userId: string,
  type: NotificationType,
  payload: Record<string, unknown>,
): Promise<NotificationView> {
  const row = await repo.insertNotification(deps.db, {
    user_id: userId,
    type,
    payload,
    created_at: new Date(deps.clock.now()),
  });
  const notification = notificationView(row);
  await deps.push
    .sendToUsers([userId], { type: 'notification', notification })
    .catch((err: unknown) => deps.logger.warn({ err }, 'notification push failed'));
  return notification;
}

function userId(actor: Actor): string {
  return requireUser(actor, 'Only users have notifications').id;
}

export async function listNotifications(
  deps: Pick<NotificationDeps, 'db'>,
  actor: Actor,
  input: { unread: boolean; limit: number; cursor?: string },
) {
  const me = userId(actor);
  const before = decodeCursor(input.cursor, z.tuple([cursorPart.serial]))?.[0];
  const [rows, unreadCount] = await Promise.all([
    repo.listNotifications(deps.db, me, { unread: input.unread, limit: input.limit, before }),
    repo.countUnread(deps.db, me),
  ]);
  const page = pageOf(rows, input.limit, (r) => [Number(r.id)]);
  return { items: page.items.map(notificationView), nextCursor: page.nextCursor, unreadCount };
}

/** Marks some or all of the caller's notifications read; ids of others' notifications are silently not theirs to mark. */
export async function markRead(
  deps: Pick<NotificationDeps, 'db' | 'clock'>,
  actor: Actor,
  input: { ids: string[] } | { all: true },
) {
  const me = userId(actor);
  const ids = 'ids' in input ? input.ids.map(Number) : null;
  return deps.db.transaction(async (trx) => {
    const updated = await repo.markRead(trx, me, ids, new Date(deps.clock.now()));
    return { updated, unreadCount: await repo.countUnread(trx, me) };
  });
}
