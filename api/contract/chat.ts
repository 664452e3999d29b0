/**
 * Chat's public face: conversations (direct pairs and channels such as
 * `world`), messages with cursor-paginated history, read receipts, deletion
 * tombstones, channel management, the admin purge, and the chat messages of
 * the WebSocket protocol. Ids of conversations and messages are decimal
 * strings (64-bit in the database).
 */
import { z } from 'zod';
import { timestampSchema } from './shapes.ts';
import { defineEndpoints } from './endpoint.ts';
import { defineMessages, messageSchema } from './realtime.ts';
import { listMetaSchema, pageQuery, usernameParams } from './users.ts';

/** Longest message, in characters (code points) after trimming. */
export const maxMessageChars = 2000;

export const chatIdSchema = z.string().regex(/^[1-9]\d{0,17}$/, 'must be a positive decimal id');

/** 1–2000 characters after trimming; the UTF-16 bound keeps the JSON Schema honest about the worst case. */
export const messageBodySchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(maxMessageChars * 2, `must be at most ${maxMessageChars} characters`)
  .refine((s) => [...s].length <= maxMessageChars, `must be at most ${maxMessageChars} characters`);

export const channelNameSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{1,31}$/,
    'must be 2-32 lowercase letters, digits, _ or -, starting with a letter or digit',
  );

/** Who wrote a message or is typing. */
export const chatUserSchema = z.strictObject({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
});

/**
 * A game invite carried by a message. Only the server sets it (POST
 * /conversations/{id}/invite); clients offer to accept from it, never from the
 * body, so a body that merely looks like an invite is text.
 */
export const chatInviteSchema = z.strictObject({
  matchId: z.uuid(),
  expiresAt: timestampSchema,
});

/** One message; a deleted one is a tombstone: `deleted: true`, `body: null`, `invite: null`. */
export const chatMessageSchema = z.strictObject({
  id: chatIdSchema,
  conversationId: chatIdSchema,
  sender: chatUserSchema,
  body: z.string().nullable(),
  /** A game invite set by the server; null on every other message. */
  invite: chatInviteSchema.nullable(),
  createdAt: timestampSchema,
  deleted: z.boolean(),
  deletedAt: timestampSchema.nullable(),
});

export const conversationSchema = z.strictObject({
  id: chatIdSchema,
  kind: z.enum(['direct', 'channel']),
  /** Channels only. */
  name: z.string().nullable(),
  /** Direct conversations only: the other user. */
  peer: chatUserSchema.nullable(),
  lastMessage: chatMessageSchema.nullable(),
  /** Messages of others after your read position (blocked senders and tombstones excluded), capped at 1000. */
  unreadCount: z.number().int().min(0),
  lastReadMessageId: chatIdSchema.nullable(),
  /** Direct conversations: how far the other user has read (read receipts). */
  peerLastReadMessageId: chatIdSchema.nullable(),
  activityAt: timestampSchema,
});

export const channelSchema = z.strictObject({
  id: chatIdSchema,
  name: z.string(),
  isPublic: z.boolean(),
  /** Every user is in it without joining (world); it cannot be left. */
  everyone: z.boolean(),
  member: z.boolean(),
  createdAt: timestampSchema,
});

const conversationParams = z.strictObject({ id: chatIdSchema });
const channelParams = z.strictObject({ name: z.string().min(1).max(64) });

export const chatEndpoints = defineEndpoints({
  'chat.conversationsList': {
    id: 'chat.conversationsList',
    method: 'GET',
    path: '/api/v1/conversations',
    auth: 'user',
    summary:
      'Your conversations, newest activity first, each with its last message and unread count',
    tags: ['chat'],
    errors: [],
    query: z.strictObject(pageQuery),
    response: z.array(conversationSchema),
    meta: listMetaSchema,
  },
  'chat.conversationsGet': {
    id: 'chat.conversationsGet',
    method: 'GET',
    path: '/api/v1/conversations/{id}',
    auth: 'user',
    summary: 'One conversation you are in',
    tags: ['chat'],
    errors: ['NOT_FOUND'],
    params: conversationParams,
    response: conversationSchema,
  },
  'chat.directOpen': {
    id: 'chat.directOpen',
    method: 'POST',
    path: '/api/v1/conversations/direct',
    auth: 'user',
    summary:
      'Get or create the direct conversation with a user (refused when either blocks the other)',
    tags: ['chat'],
    errors: ['NOT_FOUND'],
    body: z.strictObject({ username: z.string().min(1).max(64) }),
    response: conversationSchema,
  },
  'chat.messagesList': {
    id: 'chat.messagesList',
    method: 'GET',
    path: '/api/v1/conversations/{id}/messages',
    auth: 'user',
    summary: 'History, newest first: pass meta.nextCursor as `before` for the next older page',
    tags: ['chat'],
    errors: ['NOT_FOUND'],
    params: conversationParams,
    query: z.strictObject({
      before: chatIdSchema.optional(),
      limit: z.coerce.number().int().min(1).max(100).default(50),
    }),
    response: z.array(chatMessageSchema),
    meta: listMetaSchema,
  },
  'chat.messagesSend': {
    id: 'chat.messagesSend',
    method: 'POST',
    path: '/api/v1/conversations/{id}/messages',
    auth: 'user',
    summary: 'Send a message (1-2000 characters after trimming; rate limited per user)',
    tags: ['chat'],
    errors: ['NOT_FOUND', 'RATE_LIMITED'],
    status: 201,
    params: conversationParams,
    body: z.strictObject({ body: messageBodySchema }),
    response: chatMessageSchema,
  },
  'chat.markRead': {
    id: 'chat.markRead',
    method: 'POST',
    path: '/api/v1/conversations/{id}/read',
    auth: 'user',
    summary:
      'Move your read position forward to a message (never back); the other side of a direct conversation gets chat.read',
    tags: ['chat'],
    errors: ['NOT_FOUND'],
    params: conversationParams,
    body: z.strictObject({ messageId: chatIdSchema }),
    response: z.strictObject({
      conversationId: chatIdSchema,
      lastReadMessageId: chatIdSchema,
      unreadCount: z.number().int().min(0),
    }),
  },
  'chat.messagesDelete': {
    id: 'chat.messagesDelete',
    method: 'DELETE',
    path: '/api/v1/messages/{id}',
    auth: 'user',
    summary:
      'Delete a message: your own anywhere; staff also others’ in channels, of users below them (audited). A tombstone stays in history; a message you cannot see is 404',
    tags: ['chat'],
    errors: ['NOT_FOUND'],
    params: conversationParams,
    response: chatMessageSchema,
  },
  'chat.channelsList': {
    id: 'chat.channelsList',
    method: 'GET',
    path: '/api/v1/channels',
    auth: 'user',
    summary: 'Public channels by name',
    tags: ['chat'],
    errors: [],
    query: z.strictObject(pageQuery),
    response: z.array(channelSchema),
    meta: listMetaSchema,
  },
  'chat.channelsCreate': {
    id: 'chat.channelsCreate',
    method: 'POST',
    path: '/api/v1/channels',
    auth: 'moderator',
    summary: 'Create a public channel (moderators); the creator joins it',
    tags: ['chat'],
    errors: ['NOT_FOUND', 'CONFLICT'],
    status: 201,
    body: z.strictObject({ name: channelNameSchema }),
    response: channelSchema,
  },
  'chat.channelsJoin': {
    id: 'chat.channelsJoin',
    method: 'POST',
    path: '/api/v1/channels/{name}/join',
    auth: 'user',
    summary: 'Join a public channel (idempotent)',
    tags: ['chat'],
    errors: ['NOT_FOUND'],
    params: channelParams,
    response: channelSchema,
  },
  'chat.channelsLeave': {
    id: 'chat.channelsLeave',
    method: 'POST',
    path: '/api/v1/channels/{name}/leave',
    auth: 'user',
    summary: 'Leave a channel (idempotent; world cannot be left)',
    tags: ['chat'],
    errors: ['NOT_FOUND', 'CONFLICT'],
    params: channelParams,
    response: channelSchema,
  },
  'admin.chatPurge': {
    id: 'admin.chatPurge',
    method: 'DELETE',
    path: '/api/v1/admin/users/{username}/messages',
    auth: 'moderator',
    summary: 'Delete every message one user wrote (tombstones, in batches; audited)',
    tags: ['admin', 'chat'],
    errors: ['NOT_FOUND'],
    params: usernameParams,
    response: z.strictObject({
      username: z.string(),
      purged: z.number().int().min(0),
      batches: z.number().int().min(0),
    }),
  },
});

const conversationId = chatIdSchema;

/** The chat messages of the WebSocket protocol. */
export const chatMessages = defineMessages({
  'chat.send': {
    type: 'chat.send',
    direction: 'client',
    summary:
      'Send a message (same rules as POST /conversations/{id}/messages); answered by chat.sent or error with the same id',
    schema: messageSchema('chat.send', { conversationId, body: messageBodySchema }),
  },
  'chat.setTyping': {
    type: 'chat.setTyping',
    direction: 'client',
    summary:
      'You are typing in a conversation: the other members get chat.typing (at most one per 2 s per conversation; never stored)',
    schema: messageSchema('chat.setTyping', { conversationId }),
  },
  'chat.markRead': {
    type: 'chat.markRead',
    direction: 'client',
    summary:
      'Move your read position (same as POST /conversations/{id}/read); answered by chat.read with the same id',
    schema: messageSchema('chat.markRead', { conversationId, messageId: chatIdSchema }),
  },
  'chat.sent': {
    type: 'chat.sent',
    direction: 'server',
    summary:
      'The stored message, in answer to chat.send (the chat.message fan-out reaches this socket too)',
    schema: messageSchema('chat.sent', { message: chatMessageSchema }),
  },
  'chat.message': {
    type: 'chat.message',
    direction: 'server',
    summary: 'A new message, to every socket of every member (world: every socket)',
    schema: messageSchema('chat.message', { message: chatMessageSchema }),
  },
  'chat.typing': {
    type: 'chat.typing',
    direction: 'server',
    droppable: true,
    summary: 'Someone is typing in a conversation (droppable under backpressure)',
    schema: messageSchema('chat.typing', { conversationId, user: chatUserSchema }),
  },
  'chat.read': {
    type: 'chat.read',
    direction: 'server',
    summary:
      'A read receipt: to the reader’s sockets and, in a direct conversation, to the other user',
    schema: messageSchema('chat.read', {
      conversationId,
      userId: z.string(),
      username: z.string(),
      messageId: chatIdSchema,
      readAt: timestampSchema,
    }),
  },
  'chat.deleted': {
    type: 'chat.deleted',
    direction: 'server',
    summary: 'Messages became tombstones (deleted by their sender, a moderator, or a purge)',
    schema: messageSchema('chat.deleted', {
      conversationId,
      messageIds: z.array(chatIdSchema).min(1),
      deletedBy: z.enum(['sender', 'moderator']),
    }),
  },
});
