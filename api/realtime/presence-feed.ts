/**
 * Feeds presence from the gateway's socket events: every accepted socket
 * counts up, every closed one counts down (on every instance, through the
 * presence store). The presence service does the rest: transitions, friends'
 * presence.update events, last-seen times.
 */
import type { Presence } from '../domain/social/presence.ts';
import type { Gateway } from './gateway.ts';

export function followPresence(
  gateway: Pick<Gateway, 'onConnect' | 'onDisconnect'>,
  presence: Pick<Presence, 'connected' | 'disconnected'>,
): void {
  gateway.onConnect((conn) => void presence.connected(conn.userId));
  gateway.onDisconnect((conn) => void presence.disconnected(conn.userId));
}
