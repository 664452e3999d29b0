/**
 * The HTTP `authenticate` seam: reads `Authorization: Bearer <token>` (an
 * access JWT or a `pong_pat_` token), resolves it through the accounts
 * credential cache (no database query on a hit), and checks the role.
 */
import type Koa from 'koa';
import { AppError } from '../contract/errors.ts';
import type { AccountsDeps } from '../domain/accounts/deps.ts';
import { assertRole, authenticateBearer } from '../domain/accounts/authenticate.ts';
import type { UserActor } from '../domain/actors.ts';
import type { Authenticate } from './context.ts';

const bearer = /^Bearer\s+(\S{16,4096})\s*$/i;

function tokenOf(ctx: Koa.Context): string {
  const header = ctx.get('authorization');
  if (header === '')
    throw new AppError(
      'UNAUTHENTICATED',
      'Authentication required: send Authorization: Bearer <token>',
    );
  const match = bearer.exec(header);
  if (!match)
    throw new AppError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>"');
  return match[1]!;
}

export function createAuthenticate(
  deps: Pick<AccountsDeps, 'credentials' | 'clock'>,
): Authenticate {
  return async (ctx, requirement) => {
    const principal = await authenticateBearer(deps, tokenOf(ctx));
    const { user } = principal;
    assertRole(user.role, requirement);
    const actor: UserActor = {
      kind: 'user',
      id: user.id,
      role: user.role,
      username: user.username_key,
    };
    if (principal.sessionId) actor.sessionId = principal.sessionId;
    if (principal.tokenId) actor.tokenId = principal.tokenId;
    return actor;
  };
}
