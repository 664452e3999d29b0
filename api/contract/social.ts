/**
 * Friends, blocks and presence (`/friends`, `/blocks`, `/admin/presence`) and
 * the `presence.update` WebSocket event. Friend edges follow Nakama's states
 * (FRIEND, INVITE_SENT, INVITE_RECEIVED), seen from the caller's side as
 * accepted, outgoing and incoming.
 */
import { z } from 'zod';
import { timestampSchema } from './shapes.ts';
import { defineEndpoints } from './endpoint.ts';
import { presenceStatusSchema, userPresenceSchema } from './presence.ts';
import { defineMessages, messageSchema } from './realtime.ts';
import { listMetaSchema, pageQuery, usernameParams } from './users.ts';

export const friendStateSchema = z.enum(['accepted', 'incoming', 'outgoing']);
export type FriendState = z.infer<typeof friendStateSchema>;

/** One edge of the caller's friend list. */
export const friendSchema = z.strictObject({
  username: z.string(),
  displayName: z.string(),
  avatarUrl: z.string(),
  state: friendStateSchema,
  /** When the edge reached its state (request sent or received, friendship accepted). */
  since: timestampSchema,
  /** Accepted friends only; null for pending requests (presence is for friends). */
  presence: userPresenceSchema.nullable(),
});

export const blockSchema = z.strictObject({
  username: z.string(),
  displayName: z.string(),
  avatarUrl: z.string(),
  blockedAt: timestampSchema,
});

const friendTarget = z.strictObject({ username: z.string().min(1).max(64) });
const edgeResult = z.strictObject({ username: z.string(), state: friendStateSchema });

const friends = defineEndpoints({
  'friends.list': {
    id: 'friends.list',
    method: 'GET',
    path: '/api/v1/friends',
    auth: 'user',
    summary: 'Friends (with presence), incoming or outgoing requests',
    tags: ['friends'],
    errors: [],
    query: z.strictObject({ state: friendStateSchema.default('accepted'), ...pageQuery }),
    response: z.array(friendSchema),
    meta: listMetaSchema,
  },
  'friends.request': {
    id: 'friends.request',
    method: 'POST',
    path: '/api/v1/friends/requests',
    auth: 'user',
    status: 201,
    tags: ['friends'],
    errors: ['NOT_FOUND', 'CONFLICT'],
    summary: 'Send a friend request; if they already asked you, both are accepted (state accepted)',
    body: friendTarget,
    response: edgeResult,
    otherStatuses: { 200: 'They had already asked you: both are now friends (state accepted)' },
  },
  'friends.accept': {
    id: 'friends.accept',
    method: 'POST',
    path: '/api/v1/friends/requests/{username}/accept',
    auth: 'user',
    summary: 'Accept an incoming request',
    tags: ['friends'],
    errors: ['NOT_FOUND', 'CONFLICT'],
    params: usernameParams,
    response: edgeResult,
  },
  'friends.decline': {
    id: 'friends.decline',
    method: 'POST',
    path: '/api/v1/friends/requests/{username}/decline',
    auth: 'user',
    summary: 'Decline an incoming request',
    tags: ['friends'],
    errors: ['NOT_FOUND'],
    params: usernameParams,
    response: z.strictObject({ declined: z.literal(true) }),
  },
  'friends.cancel': {
    id: 'friends.cancel',
    method: 'DELETE',
    path: '/api/v1/friends/requests/{username}',
    auth: 'user',
    summary: 'Cancel an outgoing request',
    tags: ['friends'],
    errors: ['NOT_FOUND'],
    params: usernameParams,
    response: z.strictObject({ cancelled: z.literal(true) }),
  },
  'friends.remove': {
    id: 'friends.remove',
    method: 'DELETE',
    path: '/api/v1/friends/{username}',
    auth: 'user',
    summary: 'End a friendship',
    tags: ['friends'],
    errors: ['NOT_FOUND'],
    params: usernameParams,
    response: z.strictObject({ removed: z.literal(true) }),
  },
});

const blocks = defineEndpoints({
  'blocks.list': {
    id: 'blocks.list',
    method: 'GET',
    path: '/api/v1/blocks',
    auth: 'user',
    summary: 'Users you block, newest first',
    tags: ['blocks'],
    errors: [],
    query: z.strictObject(pageQuery),
    response: z.array(blockSchema),
    meta: listMetaSchema,
  },
  'blocks.put': {
    id: 'blocks.put',
    method: 'PUT',
    path: '/api/v1/blocks/{username}',
    auth: 'user',
    tags: ['blocks'],
    errors: ['NOT_FOUND'],
    summary:
      'Block a user (idempotent): ends friendship and pending requests; no requests, direct messages or invites either way',
    params: usernameParams,
    response: z.strictObject({ username: z.string(), blocked: z.literal(true) }),
  },
  'blocks.delete': {
    id: 'blocks.delete',
    method: 'DELETE',
    path: '/api/v1/blocks/{username}',
    auth: 'user',
    summary: 'Unblock a user',
    tags: ['blocks'],
    errors: ['NOT_FOUND'],
    params: usernameParams,
    response: z.strictObject({ username: z.string(), blocked: z.literal(false) }),
  },
});

export const onlineUserSchema = z.strictObject({
  username: z.string(),
  status: presenceStatusSchema.exclude(['offline']),
  /** Open sockets across every instance. */
  sockets: z.number().int(),
});

export const presenceCountsSchema = z.strictObject({
  /** Users with at least one socket (in_game included). */
  online: z.number().int(),
  inGame: z.number().int(),
  sockets: z.number().int(),
});

const adminPresence = defineEndpoints({
  'admin.presence': {
    id: 'admin.presence',
    method: 'GET',
    path: '/api/v1/admin/presence',
    auth: 'admin',
    summary: 'Presence counts and the online users (every instance)',
    tags: ['admin'],
    errors: [],
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      cursor: z.string().max(512).optional(),
    }),
    response: z.strictObject({ counts: presenceCountsSchema, users: z.array(onlineUserSchema) }),
    meta: listMetaSchema,
  },
});

export const socialEndpoints = { ...friends, ...blocks, ...adminPresence };

export const presenceUpdateSchema = messageSchema('presence.update', {
  username: z.string(),
  status: presenceStatusSchema,
  lastSeenAt: timestampSchema.nullable(),
});

export const socialMessages = defineMessages({
  'presence.update': {
    type: 'presence.update',
    direction: 'server',
    summary:
      "A friend's presence changed (online, in_game, offline); skipped for a socket whose send buffer is full",
    schema: presenceUpdateSchema,
    droppable: true,
  },
});
