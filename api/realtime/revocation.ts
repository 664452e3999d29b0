/**
 * Follows the accounts layer's revocations so that sockets end with their
 * credentials: a revoked session (logout, refresh-token reuse) or personal
 * access token closes its sockets, and a user whose every credential ended
 * (ban, deletion, logout everywhere, password reset) loses all of theirs, on
 * every instance (the gateway sends both over the bus). So does a user whose
 * role changed: a socket's rights were decided with the old role, and the
 * client reconnects with the new one. Profile changes keep sockets open.
 */
import { AppError } from '../contract/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Credentials } from '../domain/accounts/credentials.ts';
import type { Gateway } from './gateway.ts';

/** The gateway session of a socket opened with a personal access token (it has no sign-in session). */
export const patSessionId = (tokenId: string): string => `pat:${tokenId}`;

export function followRevocations(
  credentials: Pick<Credentials, 'onRevoke'>,
  gateway: Pick<Gateway, 'revoke' | 'disconnectUser'>,
  logger: Logger,
): () => void {
  const stop = credentials.onRevoke((event) => {
    let closing: Promise<void> | undefined;
    if (event.kind === 'session') closing = gateway.revoke(event.id);
    else if (event.kind === 'token') closing = gateway.revoke(patSessionId(event.id));
    else if (event.kind === 'role')
      closing = gateway.disconnectUser(
        event.id,
        new AppError('UNAUTHENTICATED', 'Your role changed; connect again'),
      );
    else if (event.revoked)
      closing = gateway.disconnectUser(
        event.id,
        new AppError('UNAUTHENTICATED', 'Signed out everywhere; sign in again'),
      );
    closing?.catch((err: unknown) => logger.error({ err }, 'could not close revoked sockets'));
  });
  return () => void stop();
}
