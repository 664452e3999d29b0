/**
 * Notifications: stored per user, pushed as `notification` to open sockets
 * when created, listed with the unread count, marked read; and the admin
 * broadcast of a `system` notification to every user.
 */
import { z } from 'zod';
import { timestampSchema } from './shapes.ts';
import { defineEndpoints } from './endpoint.ts';
import { defineMessages, messageSchema } from './realtime.ts';

/** Every notification type; later areas add theirs here (game_invite, tournament_match_ready). */
export const notificationTypeSchema = z.enum([
  'friend_request',
  'friend_accept',
  'message',
  'system',
  'game_invite',
  'tournament_match_ready',
]);
export type NotificationType = z.infer<typeof notificationTypeSchema>;

export const notificationSchema = z.strictObject({
  id: z.string(),
  type: notificationTypeSchema,
  /** Type-specific fields, e.g. `{from}` for friend requests, `{title, body}` for system. */
  payload: z.record(z.string(), z.unknown()),
  createdAt: timestampSchema,
  readAt: timestampSchema.nullable(),
});
export type NotificationView = z.infer<typeof notificationSchema>;

const idSchema = z.string().regex(/^[1-9][0-9]{0,17}$/, 'must be a notification id');

export const notificationEndpoints = defineEndpoints({
  'notifications.list': {
    id: 'notifications.list',
    method: 'GET',
    path: '/api/v1/notifications',
    auth: 'user',
    summary: 'Your notifications, newest first; meta.unreadCount',
    tags: ['notifications'],
    errors: [],
    query: z.strictObject({
      unread: z
        .enum(['true', 'false'])
        .optional()
        .transform((v) => v === 'true'),
      limit: z.coerce.number().int().min(1).max(100).default(20),
      cursor: z.string().max(512).optional(),
    }),
    response: z.array(notificationSchema),
    meta: z.strictObject({ nextCursor: z.string().nullable(), unreadCount: z.number().int() }),
  },
  'notifications.read': {
    id: 'notifications.read',
    method: 'POST',
    path: '/api/v1/notifications/read',
    auth: 'user',
    summary: 'Mark some ({ids}) or all ({all: true}) as read',
    tags: ['notifications'],
    errors: [],
    body: z.union([
      z.strictObject({ ids: z.array(idSchema).min(1).max(500) }),
      z.strictObject({ all: z.literal(true) }),
    ]),
    response: z.strictObject({ updated: z.number().int(), unreadCount: z.number().int() }),
  },
  'admin.notificationsBroadcast': {
    id: 'admin.notificationsBroadcast',
    method: 'POST',
    path: '/api/v1/admin/notifications/broadcast',
    auth: 'admin',
    tags: ['admin'],
    errors: [],
    summary:
      'A system notification to every user, written in batches and pushed to open sockets; audited',
    body: z.strictObject({
      title: z.string().trim().min(1).max(120),
      body: z.string().trim().min(1).max(2000),
    }),
    response: z.strictObject({
      broadcastId: z.string(),
      recipients: z.number().int(),
      batches: z.number().int(),
    }),
  },
});

export const notificationMessages = defineMessages({
  notification: {
    type: 'notification',
    direction: 'server',
    summary: 'A notification was stored for you (the same object GET /notifications lists)',
    schema: messageSchema('notification', { notification: notificationSchema }),
  },
});
