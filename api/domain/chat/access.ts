/**
 * Who may do what in a conversation, and the small lookups every chat service
 * starts with. Everyone is in conversations with implicit members (world);
 * otherwise a member row decides. Staff may read any channel, never someone
 * else's direct conversation.
 */
import { AppError } from '../../core/errors.ts';
import type { Actor } from '../../http/context.ts';
import type { ChatDeps } from './deps.ts';
import * as repo from './repo.ts';

export type UserActor = Extract<Actor, { kind: 'user' }>;

const rank = { player: 0, moderator: 1, admin: 2 } as const;

export function userOf(actor: Actor): UserActor {
  if (actor.kind !== 'user') throw new AppError('FORBIDDEN', 'Chat needs a signed-in user');
  return actor;
}

export const isStaff = (actor: UserActor): boolean => rank[actor.role] >= rank.moderator;

export const now = (deps: Pick<ChatDeps, 'clock'>): Date => new Date(deps.clock.now());

/** Parses a decimal id of the contract into the number the database uses. */
export function numericId(id: string): number {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new AppError('VALIDATION', 'The id is not valid', [
      { path: 'id', message: 'must be a positive decimal id', code: 'invalid_id' },
    ]);
  return n;
}

/** The other user of a direct conversation. */
export function peerOf(conv: repo.ConversationRow, userId: string): string {
  return conv.user_low === userId ? conv.user_high! : conv.user_low!;
}

/**
 * Loads a conversation the actor may `read` (history, typing) or `write`
 * (send, read receipts). A direct conversation of others is NOT_FOUND, so its
 * existence does not leak; a channel not joined is FORBIDDEN.
 */
export async function conversationFor(
  deps: ChatDeps,
  actor: UserActor,
  input: { id: string; mode: 'read' | 'write' },
): Promise<repo.ConversationRow> {
  const conv = await repo.findConversation(deps.db, numericId(input.id));
  if (!conv) throw new AppError('NOT_FOUND', `No conversation ${input.id}`);
  if (conv.implicit_members) return conv;
  if (conv.kind === 'direct') {
    if (conv.user_low !== actor.id && conv.user_high !== actor.id)
      throw new AppError('NOT_FOUND', `No conversation ${input.id}`);
    return conv;
  }
  if (await repo.isMemberRow(deps.db, conv.id, actor.id)) return conv;
  if (input.mode === 'read' && isStaff(actor)) return conv;
  throw new AppError('FORBIDDEN', `Join #${conv.name} first`, { reason: 'NOT_A_MEMBER' });
}

/** Counts one message against the sender's window; RATE_LIMITED with Retry-After beyond it. */
export async function takeSendToken(deps: ChatDeps, userId: string): Promise<void> {
  const { rateLimit, rateWindowSeconds } = deps.config;
  const { count, retryAfterSec } = await deps.counters.hit(
    `chat:send:${userId}`,
    rateWindowSeconds * 1000,
  );
  if (count > rateLimit) {
    throw new AppError(
      'RATE_LIMITED',
      `At most ${rateLimit} messages per ${rateWindowSeconds} s; try again in ${retryAfterSec} s`,
      { retryAfterSec },
      { 'Retry-After': String(retryAfterSec) },
    );
  }
}
