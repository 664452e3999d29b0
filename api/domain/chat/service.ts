/**
 * Chat services: conversations (list, get, open a direct one), history,
 * sending, read receipts and typing. Every edge (HTTP and WebSocket) calls
 * these, so the rules (membership, blocks, rate limit, body length) hold the
 * same everywhere.
 */
import { z } from 'zod';
import { cursorPart, decodeCursor, pageOf } from '../../core/cursor.ts';
import { AppError } from '../../contract/errors.ts';
import { requireUser, type Actor, type UserActor } from '../actors.ts';
import { blockedUserIds, isBlockedEitherWay } from '../social/blocks.ts';
import { conversationFor, peerOf } from './conversation-access.ts';
import { numericId } from './ids.ts';
import { takeSendToken } from './send-rate.ts';
import { deliverToConversation, deliverToUsers } from './fan-out.ts';
import { now, type ChatDeps } from './deps.ts';
import { usernameKey } from '../accounts/views.ts';
import * as repo from './repo.ts';
import { conversationView, messageView, type ChatMessage, type ConversationView } from './views.ts';

async function viewOf(deps: ChatDeps, actor: UserActor, id: number): Promise<ConversationView> {
  const hiddenSenders = await blockedUserIds(deps.db, actor.id);
  const [row] = await repo.conversationViews(deps.db, {
    userId: actor.id,
    hiddenSenders,
    limit: 1,
    only: id,
  });
  if (!row) throw new AppError('NOT_FOUND', `No conversation ${id}`);
  return conversationView(row);
}

/** The actor's conversations, newest activity first. */
export async function listConversations(
  deps: ChatDeps,
  actor: Actor,
  input: { limit: number; cursor?: string },
) {
  const me = requireUser(actor);
  const key = decodeCursor(input.cursor, z.tuple([cursorPart.instant, cursorPart.serial]));
  const hiddenSenders = await blockedUserIds(deps.db, me.id);
  const rows = await repo.conversationViews(deps.db, {
    userId: me.id,
    hiddenSenders,
    limit: input.limit + 1,
    after: key ? { at: key[0], id: key[1] } : undefined,
  });
  const page = pageOf(rows, input.limit, (r) => [
    new Date(r.activity_at).toISOString(),
    Number(r.id),
  ]);
  return { items: page.items.map(conversationView), nextCursor: page.nextCursor };
}

export async function getConversation(
  deps: ChatDeps,
  actor: Actor,
  input: { id: string },
): Promise<ConversationView> {
  const me = requireUser(actor);
  const conv = await conversationFor(deps, me, { id: input.id, mode: 'write' });
  return viewOf(deps, me, conv.id);
}

/** Gets or creates the direct conversation with `username`; refused when either blocks the other. */
export async function openDirect(
  deps: ChatDeps,
  actor: Actor,
  input: { username: string },
): Promise<ConversationView> {
  const me = requireUser(actor);
  const other = await repo.findUserByKey(deps.db, usernameKey(input.username));
  if (!other || other.status === 'deleted')
    throw new AppError('NOT_FOUND', `No user named ${input.username}`);
  if (other.id === me.id)
    throw new AppError('VALIDATION', 'A direct conversation needs another user', [
      { path: 'body.username', message: 'is yourself', code: 'self' },
    ]);
  if (await isBlockedEitherWay(deps.db, me.id, other.id))
    throw new AppError('FORBIDDEN', `You cannot message ${other.username}`, { reason: 'BLOCKED' });
  const [low, high] = me.id < other.id ? [me.id, other.id] : [other.id, me.id];
  const conv = await deps.db.transaction(async (trx) => {
    const row = await repo.insertDirect(trx, { low, high, createdBy: me.id, now: now(deps) });
    await repo.addMembers(trx, row.id, [low, high], now(deps));
    return row;
  });
  return viewOf(deps, me, conv.id);
}

/** History, newest first; `nextCursor` is the `before` of the next older page. */
export async function listMessages(
  deps: ChatDeps,
  actor: Actor,
  input: { id: string; before?: string; limit: number },
) {
  const me = requireUser(actor);
  const conv = await conversationFor(deps, me, { id: input.id, mode: 'read' });
  const rows = await repo.historyPage(deps.db, {
    conversationId: conv.id,
    before: input.before === undefined ? undefined : numericId(input.before),
    limit: input.limit + 1,
    hiddenSenders: await blockedUserIds(deps.db, me.id),
  });
  const items = rows.slice(0, input.limit).map(messageView);
  return { items, nextCursor: rows.length > input.limit ? items.at(-1)!.id : null };
}

async function notifyIfOffline(
  deps: ChatDeps,
  conv: repo.ConversationRow,
  message: ChatMessage,
): Promise<void> {
  const peer = peerOf(conv, message.sender.id);
  if (!deps.notify) return;
  try {
    if (await deps.isOnline(peer)) return;
    await deps.notify(peer, 'message', {
      conversationId: message.conversationId,
      messageId: message.id,
      from: { username: message.sender.username, displayName: message.sender.displayName },
      preview: [...message.body!].slice(0, 140).join(''),
    });
  } catch (err) {
    deps.logger.error({ err }, 'message notification failed');
  }
}

/** Stores a message and delivers `chat.message` to every socket of every member. */
export function sendMessage(
  deps: ChatDeps,
  actor: Actor,
  input: { conversationId: string; body: string },
): Promise<ChatMessage> {
  return post(deps, actor, input, null);
}

/**
 * Posts a game invite: a message whose `invite` the server sets. Only the games
 * domain calls this (the invite from chat); no edge passes user input to it.
 */
export function sendInvite(
  deps: ChatDeps,
  actor: Actor,
  input: { conversationId: string; body: string; invite: repo.InviteColumns },
): Promise<ChatMessage> {
  return post(deps, actor, input, input.invite);
}

async function post(
  deps: ChatDeps,
  actor: Actor,
  input: { conversationId: string; body: string },
  invite: repo.InviteColumns | null,
): Promise<ChatMessage> {
  const me = requireUser(actor);
  const body = input.body.trim();
  if (body === '')
    throw new AppError('VALIDATION', 'The message is empty', [
      { path: 'body', message: 'must not be empty', code: 'too_small' },
    ]);
  // Counted on arrival, before anything that can wait on the database: messages that queued
  // behind a stall are not all counted at once when it ends.
  await takeSendToken(deps, me.id);
  const conv = await conversationFor(deps, me, { id: input.conversationId, mode: 'write' });
  if (
    conv.kind === 'direct' &&
    (await isBlockedEitherWay(deps.db, conv.user_low!, conv.user_high!))
  ) {
    throw new AppError('FORBIDDEN', 'Messages between these users are blocked', {
      reason: 'BLOCKED',
    });
  }
  const id = await deps.db.transaction((trx) =>
    repo.insertMessage(trx, {
      conversationId: conv.id,
      senderId: me.id,
      body,
      now: now(deps),
      invite,
    }),
  );
  const message = messageView((await repo.findMessage(deps.db, id))!);
  await deliverToConversation(deps, conv, { type: 'chat.message', message }, { fromUserId: me.id });
  if (conv.kind === 'direct') await notifyIfOffline(deps, conv, message);
  return message;
}

export interface ReadResult {
  conversationId: string;
  lastReadMessageId: string;
  unreadCount: number;
}

/** The `chat.read` event of a read position. */
export interface ReadReceipt {
  type: 'chat.read';
  conversationId: string;
  userId: string;
  username: string;
  messageId: string;
  readAt: string;
}

/**
 * Moves the read position forward (never back). When it moved, the receipt
 * goes to the reader's sockets and to the other side of a direct conversation.
 */
export async function markReadWithReceipt(
  deps: ChatDeps,
  actor: Actor,
  input: { conversationId: string; messageId: string },
): Promise<{ result: ReadResult; receipt: ReadReceipt }> {
  const me = requireUser(actor);
  const conv = await conversationFor(deps, me, { id: input.conversationId, mode: 'write' });
  const message = await repo.findMessage(deps.db, numericId(input.messageId));
  if (!message || message.conversation_id !== conv.id)
    throw new AppError('NOT_FOUND', `No message ${input.messageId} in this conversation`);
  const at = now(deps);
  const stored = await repo.advanceRead(deps.db, {
    conversationId: conv.id,
    userId: me.id,
    messageId: message.id,
    now: at,
    upsert: conv.implicit_members,
  });
  if (stored === undefined)
    throw new AppError('FORBIDDEN', 'Join the channel first', { reason: 'NOT_A_MEMBER' });
  const hiddenSenders = await blockedUserIds(deps.db, me.id);
  const unreadCount = await repo.unreadCount(deps.db, {
    conversationId: conv.id,
    userId: me.id,
    after: stored,
    hiddenSenders,
  });
  const username = (await repo.findUserById(deps.db, me.id))!.username;
  const receipt: ReadReceipt = {
    type: 'chat.read',
    conversationId: String(conv.id),
    userId: me.id,
    username,
    messageId: String(stored),
    readAt: at.toISOString(),
  };
  if (stored === message.id) {
    const peer = conv.kind === 'direct' ? peerOf(conv, me.id) : undefined;
    await deliverToUsers(
      deps,
      peer && !hiddenSenders.includes(peer) ? [me.id, peer] : [me.id],
      receipt,
    );
  }
  return {
    result: { conversationId: String(conv.id), lastReadMessageId: String(stored), unreadCount },
    receipt,
  };
}

export async function markRead(
  deps: ChatDeps,
  actor: Actor,
  input: { conversationId: string; messageId: string },
): Promise<ReadResult> {
  return (await markReadWithReceipt(deps, actor, input)).result;
}

/**
 * Forwards a typing signal to the other members, at most once per interval
 * per user and conversation; throttled signals are dropped quietly. Returns
 * whether it was forwarded.
 */
export async function typing(
  deps: ChatDeps,
  actor: Actor,
  input: { conversationId: string },
): Promise<boolean> {
  const me = requireUser(actor);
  const conv = await conversationFor(deps, me, { id: input.conversationId, mode: 'write' });
  if (!deps.typing.allow(me.id, String(conv.id))) return false;
  const user = (await repo.findUserById(deps.db, me.id))!;
  const event = {
    type: 'chat.typing' as const,
    conversationId: String(conv.id),
    user: { id: user.id, username: user.username, displayName: user.display_name },
  };
  await deliverToConversation(deps, conv, event, { fromUserId: me.id, skipSender: true });
  return true;
}
