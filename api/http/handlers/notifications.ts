/** Handlers of /notifications and /admin/notifications/broadcast. */
import type { notificationEndpoints } from '../../contract/notifications.ts';
import { broadcastSystem } from '../../domain/notifications/broadcast.ts';
import {
  listNotifications,
  markRead,
  type NotificationDeps,
} from '../../domain/notifications/service.ts';
import type { HandlersFor } from '../routes.ts';

export function notificationHandlers(
  deps: NotificationDeps,
): HandlersFor<typeof notificationEndpoints> {
  return {
    'notifications.list': async ({ actor, query }) => {
      const page = await listNotifications(deps, actor, query);
      return {
        data: page.items,
        meta: { nextCursor: page.nextCursor, unreadCount: page.unreadCount },
      };
    },
    'notifications.read': async ({ actor, body }) => ({ data: await markRead(deps, actor, body) }),
    'admin.notificationsBroadcast': async ({ actor, body, ctx }) => ({
      data: await broadcastSystem(deps, actor, { ...body, requestId: ctx.state.requestId }),
    }),
  };
}
