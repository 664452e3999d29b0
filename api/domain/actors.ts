/**
 * Who performs an action, and the role order: the one home for both. Every
 * edge (HTTP, WebSocket, scheduler) turns its credentials into an `Actor` and
 * every service decides with these guards, so a rule changes in one place.
 */
import { AppError } from '../contract/errors.ts';

export type Role = 'player' | 'moderator' | 'admin';

/** A signed-in user with a role. */
export interface UserActor {
  kind: 'user';
  id: string;
  role: Role;
  /** Set when signed in with a session (JWT); absent for personal access tokens. */
  sessionId?: string;
  /** Lowercase username key, for the audit log. */
  username?: string;
  /** Set when authenticated with a personal access token. */
  tokenId?: string;
}

/** The platform itself: schedulers, the runner, imports. */
export interface SystemActor {
  kind: 'system';
}

/** Whoever performs an action: a signed-in user with a role, or the system itself. */
export type Actor = UserActor | SystemActor;

export const systemActor: SystemActor = Object.freeze({ kind: 'system' });

const rank: Record<Role, number> = { player: 0, moderator: 1, admin: 2 };

/** Whether `role` is at least `needed` in the order player < moderator < admin. */
export const hasRole = (role: Role, needed: Role): boolean => rank[role] >= rank[needed];

/** Moderators and admins. */
export const isStaff = (actor: UserActor): boolean => hasRole(actor.role, 'moderator');

/** The system or an admin: who may see and change everything. */
export const isAdminOrSystem = (actor: Actor): boolean =>
  actor.kind === 'system' || actor.role === 'admin';

/** The user behind `actor`, or FORBIDDEN with `message` (the system has no account). */
export function requireUser(actor: Actor, message = 'A signed-in user is required'): UserActor {
  if (actor.kind !== 'user') throw new AppError('FORBIDDEN', message);
  return actor;
}

/** A user of at least `needed` role, or FORBIDDEN. */
export function requireRole(
  actor: Actor,
  needed: Role,
  message = `This needs the ${needed} role`,
): UserActor {
  if (actor.kind !== 'user' || !hasRole(actor.role, needed))
    throw new AppError('FORBIDDEN', message);
  return actor;
}

/** Staff act on those below them (admins on anyone), never on themselves. */
export function assertMayActOn(actor: UserActor, target: { id: string; role: Role }): void {
  if (target.id === actor.id)
    throw new AppError('FORBIDDEN', 'You cannot do this to your own account', { reason: 'SELF' });
  if (actor.role !== 'admin' && hasRole(target.role, actor.role))
    throw new AppError('FORBIDDEN', `A ${actor.role} cannot act on a ${target.role}`);
}

/** FORBIDDEN unless the system or an admin acts. */
export function requireAdminOrSystem(actor: Actor): void {
  if (!isAdminOrSystem(actor)) throw new AppError('FORBIDDEN', 'This needs the admin role');
}

/** How the audit log names whoever acted. */
export const auditNameOf = (actor: Actor): string =>
  actor.kind === 'user' ? (actor.username ?? actor.id) : 'system';

/** The acting user's id, for audit rows; the system has none. */
export const actorUserId = (actor: Actor): string | undefined =>
  actor.kind === 'user' ? actor.id : undefined;
