/** Handlers of /me and /users. */
import type { userEndpoints } from '../../contract/users.ts';
import { deleteAvatar, putAvatar, serveAvatar } from '../../domain/accounts/avatar-service.ts';
import type { AccountsDeps } from '../../domain/accounts/deps.ts';
import * as profile from '../../domain/accounts/profile.ts';
import type { HandlersFor } from '../routes.ts';

/** The users endpoints but users.get, which social serves with presence (handlers/social.ts). */
export function userHandlers(
  deps: AccountsDeps,
): HandlersFor<Omit<typeof userEndpoints, 'users.get'>> {
  return {
    'me.get': async ({ actor }) => ({ data: await profile.getMe(deps, actor) }),
    'me.update': async ({ actor, body }) => ({ data: await profile.updateMe(deps, actor, body) }),
    'me.changePassword': async ({ actor, body }) => ({
      data: await profile.changePassword(deps, actor, body),
    }),
    'me.avatarPut': async ({ actor, body }) => ({
      data: await putAvatar(
        deps,
        actor,
        Buffer.from(body.buffer, body.byteOffset, body.byteLength),
      ),
    }),
    'me.avatarDelete': async ({ actor }) => ({ data: await deleteAvatar(deps, actor) }),
    'me.twoFactorSetup': async ({ actor }) => ({
      data: await profile.setupTwoFactor(deps, actor),
    }),
    'me.twoFactorEnable': async ({ actor, body }) => ({
      data: await profile.enableTwoFactor(deps, actor, body),
    }),
    'me.twoFactorDisable': async ({ actor, body }) => ({
      data: await profile.disableTwoFactor(deps, actor, body),
    }),
    'me.tokensCreate': async ({ actor, body }) => ({
      data: await profile.createToken(deps, actor, body),
    }),
    'me.tokensList': async ({ actor, query }) => {
      const page = await profile.listTokens(deps, actor, query);
      return { data: page.items, meta: { nextCursor: page.nextCursor } };
    },
    'me.tokensRevoke': async ({ actor, params }) => ({
      data: await profile.revokeToken(deps, actor, params),
    }),
    'users.list': async ({ actor, query }) => {
      const page = await profile.listUsers(deps, actor, query);
      return { data: page.items, meta: { nextCursor: page.nextCursor } };
    },
    'users.avatar': async ({ params, ctx }) => {
      const image = await serveAvatar(deps, params);
      const etag = `"${image.etag}"`;
      const headers = {
        ETag: etag,
        'Cache-Control': 'public, max-age=300, must-revalidate',
        // Images may be embedded by the web client on another origin.
        'Cross-Origin-Resource-Policy': 'cross-origin',
      };
      if (
        ctx
          .get('if-none-match')
          .split(/\s*,\s*/)
          .includes(etag)
      )
        return { raw: '', contentType: image.contentType, headers, status: 304 };
      return { raw: image.body, contentType: image.contentType, headers };
    },
  };
}
