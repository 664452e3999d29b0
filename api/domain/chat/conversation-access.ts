/**
 * Who may see or write to a conversation. Everyone is in conversations with implicit members (world);
 * otherwise a member row decides. Staff may read any channel, never someone
 * else's direct conversation.
 */
import { AppError } from '../../contract/errors.ts';
import { isStaff, type UserActor } from '../actors.ts';
import type { ChatDeps } from './deps.ts';
import { numericId } from './ids.ts';
import * as repo from './repo.ts';

/** The other user of a direct conversation. */
export function peerOf(conv: repo.ConversationRow, userId: string): string {
  return conv.user_low === userId ? conv.user_high! : conv.user_low!;
}

/**
 * Why `conv` is out of the actor's reach for `mode`, or null when it is not:
 * `hidden` for a direct conversation of others (it must not seem to exist),
 * `not-member` for a channel not joined (staff may still read it).
 */
async function refusal(
  deps: ChatDeps,
  actor: UserActor,
  conv: repo.ConversationRow,
  mode: 'read' | 'write',
): Promise<'hidden' | 'not-member' | null> {
  if (conv.implicit_members) return null;
  if (conv.kind === 'direct')
    return conv.user_low === actor.id || conv.user_high === actor.id ? null : 'hidden';
  if (await repo.isMemberRow(deps.db, conv.id, actor.id)) return null;
  if (mode === 'read' && isStaff(actor)) return null;
  return 'not-member';
}

/** Whether the actor may read the conversation's history (what it may see, it may learn exists). */
export async function maySee(
  deps: ChatDeps,
  actor: UserActor,
  conv: repo.ConversationRow,
): Promise<boolean> {
  return (await refusal(deps, actor, conv, 'read')) === null;
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
  const refused = await refusal(deps, actor, conv, input.mode);
  if (refused === null) return conv;
  if (refused === 'hidden') throw new AppError('NOT_FOUND', `No conversation ${input.id}`);
  throw new AppError('FORBIDDEN', `Join #${conv.name} first`, { reason: 'NOT_A_MEMBER' });
}
