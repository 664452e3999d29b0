/**
 * The one credential check shared by HTTP and the WebSocket upgrade: resolve
 * the bearer token through the cache, refuse deleted and banned accounts, and
 * enforce the role order player < moderator < admin.
 */
import { AppError } from '../../contract/errors.ts';
import { hasRole, type Role } from '../actors.ts';
import type { AccountsDeps } from './deps.ts';
import type { Principal } from './credentials.ts';
import { assertNotBanned } from './views.ts';

/** A valid, unbanned principal for `token`, or AppError UNAUTHENTICATED / FORBIDDEN. */
export async function authenticateBearer(
  deps: Pick<AccountsDeps, 'credentials' | 'clock'>,
  token: string,
): Promise<Principal> {
  const principal = await deps.credentials.resolve(token);
  assertNotBanned(principal.user, deps.clock.now());
  return principal;
}

export function assertRole(role: Role, needed: 'user' | Role): void {
  if (needed === 'user' || hasRole(role, needed)) return;
  throw new AppError('FORBIDDEN', `This needs the ${needed} role`, {
    reason: 'ROLE',
    required: needed,
  });
}
