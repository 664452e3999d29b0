/**
 * Fan-out of chat events to the sockets of a conversation's members. World
 * (implicit members) is one broadcast on the channel every socket joined:
 * one publish and one encoding whatever the number of sockets. Other
 * conversations go to their members' sockets on every instance. Users who
 * block the sender, or whom the sender blocks, are left out.
 *
 * A message is stored before it is delivered; a delivery failure (bus down) is
 * logged and does not undo the send: clients catch up from history.
 */
import type { ServerMessage } from '../../contract/messages.ts';
import { blockedUserIds } from '../social/blocks.ts';
import { everyoneChannel, type ChatDeps } from './deps.ts';
import * as repo from './repo.ts';

export interface DeliverOptions {
  /** Whose event this is: users blocked either way with them are left out. */
  fromUserId?: string;
  /** Not to the sender's own sockets (typing). */
  skipSender?: boolean;
}

async function excluded(deps: ChatDeps, options: DeliverOptions): Promise<string[]> {
  if (!options.fromUserId) return [];
  const hidden = await blockedUserIds(deps.db, options.fromUserId);
  if (options.skipSender) hidden.push(options.fromUserId);
  return hidden;
}

async function recipients(deps: ChatDeps, conv: repo.ConversationRow): Promise<string[]> {
  if (conv.kind === 'direct') return [conv.user_low!, conv.user_high!];
  return repo.memberIds(deps.db, conv.id);
}

/** Delivers one event to everyone in the conversation (see the module comment). */
export async function deliverToConversation(
  deps: ChatDeps,
  conv: repo.ConversationRow,
  message: ServerMessage,
  options: DeliverOptions = {},
): Promise<void> {
  try {
    const exclude = await excluded(deps, options);
    if (conv.implicit_members) {
      await deps.delivery.broadcast(everyoneChannel, message, { excludeUserIds: exclude });
      return;
    }
    const skip = new Set(exclude);
    const users = (await recipients(deps, conv)).filter((id) => !skip.has(id));
    await deps.delivery.sendToUsers(users, message);
  } catch (err) {
    deps.logger.error({ err, 'chat.event': message.type }, 'chat delivery failed');
  }
}

/** Delivers to a few users (read receipts), logging rather than failing. */
export async function deliverToUsers(
  deps: ChatDeps,
  userIds: readonly string[],
  message: ServerMessage,
): Promise<void> {
  try {
    await deps.delivery.sendToUsers(userIds, message);
  } catch (err) {
    deps.logger.error({ err, 'chat.event': message.type }, 'chat delivery failed');
  }
}
