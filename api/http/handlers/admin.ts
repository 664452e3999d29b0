/** Handlers of /admin/users, /admin/audit and /admin/mail. */
import type { adminUserEndpoints } from '../../contract/admin-users.ts';
import type { auditEndpoints } from '../../contract/audit.ts';
import type { mailEndpoints } from '../../contract/mail.ts';
import * as admin from '../../domain/accounts/admin.ts';
import type { AccountsDeps } from '../../domain/accounts/deps.ts';
import { listMail } from '../../domain/accounts/outbox.ts';
import { listAudit } from '../../domain/audit/service.ts';
import type { HandlersFor } from '../routes.ts';

export function adminHandlers(
  deps: AccountsDeps,
): HandlersFor<typeof adminUserEndpoints & typeof auditEndpoints & typeof mailEndpoints> {
  return {
    'admin.usersList': async ({ actor, query }) => {
      const page = await admin.listUsersAdmin(deps, actor, query);
      return { data: page.items, meta: { nextCursor: page.nextCursor } };
    },
    'admin.usersCreate': async ({ actor, body, ctx }) => ({
      data: await admin.createUser(deps, actor, { ...body, requestId: ctx.state.requestId }),
    }),
    'admin.usersGet': async ({ actor, params }) => ({
      data: await admin.getUserAdmin(deps, actor, params),
    }),
    'admin.usersUpdate': async ({ actor, params, body, ctx }) => ({
      data: await admin.updateUserAdmin(deps, actor, {
        ...body,
        ...params,
        requestId: ctx.state.requestId,
      }),
    }),
    'admin.usersDelete': async ({ actor, params, ctx }) => ({
      data: await admin.deleteUserAdmin(deps, actor, {
        ...params,
        requestId: ctx.state.requestId,
      }),
    }),
    'admin.usersBan': async ({ actor, params, body, ctx }) => ({
      data: await admin.banUser(deps, actor, {
        ...body,
        ...params,
        requestId: ctx.state.requestId,
      }),
    }),
    'admin.usersUnban': async ({ actor, params, ctx }) => ({
      data: await admin.unbanUser(deps, actor, { ...params, requestId: ctx.state.requestId }),
    }),
    'admin.usersPasswordReset': async ({ actor, params, ctx }) => ({
      data: await admin.adminPasswordReset(deps, actor, {
        ...params,
        requestId: ctx.state.requestId,
      }),
    }),
    'admin.mailList': async ({ actor, query, ctx }) => {
      const page = await listMail(deps, actor, { ...query, requestId: ctx.state.requestId });
      return { data: page.items, meta: { nextCursor: page.nextCursor } };
    },
    'admin.auditList': async ({ actor, query }) => {
      const page = await listAudit(deps, actor, query);
      return { data: page.items, meta: { nextCursor: page.nextCursor } };
    },
  };
}
