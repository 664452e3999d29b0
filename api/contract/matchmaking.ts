/**
 * The HTTP endpoints of the matchmaking queue: join (ranked or casual), leave,
 * your own place in it, and the queue's statistics. The queue pairs players by
 * rating with a window that widens while they wait; a pair is told over the
 * WebSocket (`queue.matched`, below), so joining needs an open socket and
 * closing the last one leaves the queue.
 */
import { z } from 'zod';
import { defineEndpoints } from './endpoint.ts';
import { matchId, username } from './game.ts';
import { defineMessages, messageSchema } from './realtime.ts';

export const queueModeValues = ['ranked', 'casual'] as const;
export const queueModeSchema = z.enum(queueModeValues);
export type QueueMode = z.infer<typeof queueModeSchema>;

/** One user's place in the queue (the same fields as the `queue.status` message). */
export const queueStatusSchema = z.strictObject({
  queued: z.boolean(),
  mode: queueModeSchema.optional(),
  /** Whole seconds waited so far. */
  waitedSec: z.number().int().nonnegative().optional(),
  /** Current half-width of the rating window: opponents within ±window are acceptable. */
  window: z.number().int().nonnegative().optional(),
  /** Tickets waiting in the queue (all modes). */
  queueSize: z.number().int().nonnegative(),
});
export type QueueStatus = z.infer<typeof queueStatusSchema>;

export const queueStatsSchema = z.strictObject({
  queueSize: z.number().int().nonnegative(),
  byMode: z.strictObject({
    ranked: z.number().int().nonnegative(),
    casual: z.number().int().nonnegative(),
  }),
  /** Seconds the longest-waiting ticket has waited (0 when the queue is empty). */
  oldestWaitSec: z.number().int().nonnegative(),
  /** Matches the matcher has started: since this server started, or with Redis by the whole deployment. */
  matchesMade: z.number().int().nonnegative(),
  /** The rating window rule: ±base, widening by `widenBy` every `widenEverySec`. */
  window: z.strictObject({
    base: z.number().int(),
    widenBy: z.number().int(),
    widenEverySec: z.number(),
  }),
});
export type QueueStats = z.infer<typeof queueStatsSchema>;

export const matchmakingEndpoints = defineEndpoints({
  'matchmaking.join': {
    id: 'matchmaking.join',
    method: 'POST',
    path: '/api/v1/matchmaking/queue',
    auth: 'user',
    tags: ['matchmaking'],
    errors: ['CONFLICT'],
    summary:
      'Enter the matchmaking queue (needs an open WebSocket, where queue.matched arrives); joining again in the same mode keeps your place, another mode restarts the wait',
    body: z.strictObject({ mode: queueModeSchema }),
    response: queueStatusSchema,
  },
  'matchmaking.leave': {
    id: 'matchmaking.leave',
    method: 'DELETE',
    path: '/api/v1/matchmaking/queue',
    auth: 'user',
    tags: ['matchmaking'],
    errors: [],
    summary: 'Leave the matchmaking queue (idempotent)',
    response: queueStatusSchema,
  },
  'matchmaking.status': {
    id: 'matchmaking.status',
    method: 'GET',
    path: '/api/v1/matchmaking/queue',
    auth: 'user',
    tags: ['matchmaking'],
    errors: [],
    summary: 'Your place in the queue: mode, time waited, current rating window',
    response: queueStatusSchema,
  },
  'matchmaking.stats': {
    id: 'matchmaking.stats',
    method: 'GET',
    path: '/api/v1/matchmaking/stats',
    auth: 'user',
    tags: ['matchmaking'],
    errors: [],
    summary: 'Queue size (per mode), the oldest wait, and matches made by this server',
    response: queueStatsSchema,
  },
});

/** The queue's WebSocket messages (the same status fields as the HTTP answer). */
export const matchmakingMessages = defineMessages({
  'queue.join': {
    type: 'queue.join',
    direction: 'client',
    summary: 'Enter the matchmaking queue; answered with queue.status, then queue.matched',
    schema: messageSchema('queue.join', { mode: queueModeSchema }),
  },
  'queue.leave': {
    type: 'queue.leave',
    direction: 'client',
    summary: 'Leave the matchmaking queue',
    schema: messageSchema('queue.leave', {}),
  },
  'queue.status': {
    type: 'queue.status',
    direction: 'server',
    summary:
      'Your place in the queue: whether queued, time waited, current rating window, queue size',
    schema: messageSchema('queue.status', queueStatusSchema.shape),
  },
  'queue.matched': {
    type: 'queue.matched',
    direction: 'server',
    summary: 'An opponent was found: join the match with game.join, then game.ready',
    schema: messageSchema('queue.matched', { matchId, opponent: username, mode: queueModeSchema }),
  },
});
