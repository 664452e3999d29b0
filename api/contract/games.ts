/**
 * The HTTP endpoints of matches: invites (create, accept, decline, rematch),
 * live and finished lists, one match with its statistics and score timeline,
 * a user's history (newest first, cursor pages), replay data, and the admin
 * list, live state and abort. Realtime play is over the WebSocket (game.ts).
 */
import { z } from 'zod';
import { pair, timestampSchema } from './shapes.ts';
import { chatIdSchema, chatMessageSchema } from './chat.ts';
import { defineEndpoints } from './endpoint.ts';
import { botLevelSchema, gameSettingsSchema, gameViewSchema, matchOutcomeValues } from './game.ts';
import { listMetaSchema, pageQuery, usernameParams } from './users.ts';
import { matchStateFilterValues, matchStateValues } from './match-states.ts';

export { matchStateFilterValues, matchStateValues };

export const matchKindValues = ['direct', 'matchmaking', 'tournament', 'bot'] as const;
export const visibilitySchema = z.enum(['public', 'private']);

const side = z.union([z.literal(0), z.literal(1)]);

export const matchPlayerSchema = z.strictObject({
  side,
  /** Null for a bot, or for an account that was deleted. */
  username: z.string().nullable(),
  bot: botLevelSchema.nullable(),
  points: z.number().int().nonnegative(),
  hits: z.number().int().nonnegative(),
  /** Ranked matches: the Glicko-2 rating before and after. */
  ratingBefore: z.number().nullable(),
  ratingAfter: z.number().nullable(),
});

export const matchStatsSchema = z.strictObject({
  durationSec: z.number().nonnegative(),
  longestRally: z.number().int().nonnegative(),
  averageRally: z.number().nonnegative(),
  /** Field units per second. */
  maxBallSpeed: z.number().int().nonnegative(),
});

export const matchSchema = z.strictObject({
  id: z.uuid(),
  kind: z.enum(matchKindValues),
  ranked: z.boolean(),
  visibility: visibilitySchema,
  state: z.enum(matchStateValues),
  /** Why it ended: points, time, left, disconnect, no_show, declined, invite_expired, crossed (an invite met one the other player had sent first), not_ready, abandoned, admin: …, server_restart. */
  reason: z.string().nullable(),
  settings: gameSettingsSchema,
  players: pair(matchPlayerSchema),
  score: pair(z.number().int().nonnegative()),
  winnerSide: side.nullable(),
  /** Username of the winner (`bot` for a bot), null without one. */
  winner: z.string().nullable(),
  rematchOf: z.uuid().nullable(),
  createdAt: timestampSchema,
  startedAt: timestampSchema.nullable(),
  endedAt: timestampSchema.nullable(),
  inviteExpiresAt: timestampSchema.nullable(),
  /** Finished, forfeited or aborted after play began (GET /matches/{id} only). */
  stats: matchStatsSchema.optional(),
  timeline: z
    .array(
      z.strictObject({
        tick: z.number().int().nonnegative(),
        score: pair(z.number().int()),
      }),
    )
    .optional(),
});
export type MatchView = z.infer<typeof matchSchema>;

export const createMatchBodySchema = z
  .strictObject({
    opponent: z.string().min(1).max(64).optional(),
    bot: botLevelSchema.optional(),
    settings: gameSettingsSchema.optional(),
    visibility: visibilitySchema.default('public'),
  })
  .refine((b) => (b.opponent === undefined) !== (b.bot === undefined), {
    message: 'give either opponent or bot',
  });

export const replaySchema = z.strictObject({
  matchId: z.uuid(),
  settings: gameSettingsSchema,
  seed: z.number().int(),
  /** Run-length encoded inputs (api/game/input-log.ts): `1:<ticks>:<left runs>:<right runs>`. */
  inputLog: z.string(),
  ticks: z.number().int().nonnegative(),
  players: pair(matchPlayerSchema),
  outcome: z.enum(matchOutcomeValues),
  reason: z.string().nullable(),
  winner: z.string().nullable(),
  score: pair(z.number().int().nonnegative()),
});

export const liveMatchStateSchema = z.strictObject({
  state: z.enum(['pending', 'ready', 'countdown', 'playing']),
  paused: z.boolean(),
  deadlineInMs: z.number().int().nonnegative().nullable(),
  view: gameViewSchema,
  seats: z.array(
    z.strictObject({
      username: z.string(),
      bot: botLevelSchema.nullable(),
      connected: z.boolean(),
      ready: z.boolean(),
      lastSeq: z.number().int().nonnegative(),
    }),
  ),
  spectators: z.number().int().nonnegative(),
});

const idParams = z.strictObject({ id: z.uuid() });

export const chatInviteResponseSchema = z.strictObject({
  match: matchSchema,
  /** The chat message carrying the invite (its `invite` names the match). */
  message: chatMessageSchema,
});

export const gameEndpoints = defineEndpoints({
  'games.create': {
    id: 'games.create',
    method: 'POST',
    path: '/api/v1/matches',
    auth: 'user',
    status: 201,
    tags: ['games'],
    errors: ['NOT_FOUND', 'CONFLICT'],
    summary:
      'Invite a user (a game_invite notification; the invite expires) or start a match against the bot (ready at once); when that user has already invited you, their invite is accepted instead, so crossing invites make one match',
    body: createMatchBodySchema,
    response: matchSchema,
    examples: { body: { bot: 'normal', visibility: 'public' } },
  },
  'games.accept': {
    id: 'games.accept',
    method: 'POST',
    path: '/api/v1/matches/{id}/accept',
    auth: 'user',
    tags: ['games'],
    errors: ['NOT_FOUND', 'CONFLICT'],
    summary: 'Accept an invite: the match becomes ready; join it over the WebSocket',
    params: idParams,
    response: matchSchema,
  },
  'games.decline': {
    id: 'games.decline',
    method: 'POST',
    path: '/api/v1/matches/{id}/decline',
    auth: 'user',
    tags: ['games'],
    errors: ['NOT_FOUND', 'CONFLICT'],
    summary: 'Decline an invite (or withdraw your own)',
    params: idParams,
    response: matchSchema,
  },
  'games.rematch': {
    id: 'games.rematch',
    method: 'POST',
    path: '/api/v1/matches/{id}/rematch',
    auth: 'user',
    status: 201,
    tags: ['games'],
    errors: ['NOT_FOUND', 'CONFLICT'],
    summary: 'Offer the same opponent a new match with the same settings after an ended one',
    params: idParams,
    response: matchSchema,
  },
  'games.chatInvite': {
    id: 'games.chatInvite',
    method: 'POST',
    path: '/api/v1/conversations/{id}/invite',
    auth: 'user',
    status: 201,
    tags: ['games', 'chat'],
    errors: ['NOT_FOUND', 'CONFLICT', 'RATE_LIMITED'],
    summary:
      'Invite the other member of a direct conversation to a match: the invite is posted as a chat message whose `invite` (set by the server only) names the match they accept',
    params: z.strictObject({ id: chatIdSchema }),
    body: z.strictObject({
      settings: gameSettingsSchema.optional(),
      visibility: visibilitySchema.default('public'),
    }),
    response: chatInviteResponseSchema,
  },
  'games.list': {
    id: 'games.list',
    method: 'GET',
    path: '/api/v1/matches',
    auth: 'user',
    tags: ['games'],
    errors: [],
    summary: 'Public matches: live ones (to watch) or recently ended ones, newest first',
    query: z.strictObject({ state: z.enum(['live', 'ended']).default('live'), ...pageQuery }),
    response: z.array(matchSchema),
    meta: listMetaSchema,
  },
  'games.get': {
    id: 'games.get',
    method: 'GET',
    path: '/api/v1/matches/{id}',
    auth: 'user',
    tags: ['games'],
    errors: ['NOT_FOUND'],
    summary:
      'One match, with statistics and the score timeline once it has ended; private matches only for their players',
    params: idParams,
    response: matchSchema,
  },
  'games.history': {
    id: 'games.history',
    method: 'GET',
    path: '/api/v1/users/{username}/matches',
    auth: 'user',
    tags: ['games'],
    errors: ['NOT_FOUND'],
    summary: "A user's ended matches, newest first; private ones only for their players",
    params: usernameParams,
    query: z.strictObject(pageQuery),
    response: z.array(matchSchema),
    meta: listMetaSchema,
  },
  'games.mine': {
    id: 'games.mine',
    method: 'GET',
    path: '/api/v1/me/matches',
    auth: 'user',
    tags: ['games'],
    errors: [],
    summary:
      'Your own matches, newest first: open invites (sent and received), live and ended ones, private ones too',
    query: z.strictObject({
      state: z.enum(matchStateFilterValues).optional(),
      ...pageQuery,
    }),
    response: z.array(matchSchema),
    meta: listMetaSchema,
  },
  'games.replay': {
    id: 'games.replay',
    method: 'GET',
    path: '/api/v1/matches/{id}/replay',
    auth: 'user',
    tags: ['games'],
    errors: ['NOT_FOUND', 'CONFLICT'],
    summary:
      'Settings, seed and input log of an ended match: re-simulating them gives the same match bit for bit',
    params: idParams,
    response: replaySchema,
  },
  'admin.matchesList': {
    id: 'admin.matchesList',
    method: 'GET',
    path: '/api/v1/admin/matches',
    auth: 'admin',
    tags: ['admin', 'games'],
    errors: ['NOT_FOUND'],
    summary:
      'Every match (private ones too), newest first, optionally by state (live = ready, countdown or playing; ended = finished, aborted or forfeited) and by player',
    query: z.strictObject({
      state: z.enum(matchStateFilterValues).optional(),
      user: z.string().min(1).max(64).optional(),
      ...pageQuery,
    }),
    response: z.array(matchSchema),
    meta: listMetaSchema,
  },
  'admin.matchState': {
    id: 'admin.matchState',
    method: 'GET',
    path: '/api/v1/admin/matches/{id}/state',
    auth: 'admin',
    tags: ['admin', 'games'],
    errors: ['NOT_FOUND'],
    summary:
      'Live state of a match held by this server: seats, connections, deadline, the current view',
    params: idParams,
    response: liveMatchStateSchema,
  },
  'admin.matchAbort': {
    id: 'admin.matchAbort',
    method: 'POST',
    path: '/api/v1/admin/matches/{id}/abort',
    auth: 'admin',
    tags: ['admin', 'games'],
    errors: ['NOT_FOUND', 'CONFLICT'],
    summary: 'Abort a match that has not ended (audited); no result, no rating change',
    params: idParams,
    body: z.strictObject({ reason: z.string().trim().min(1).max(200) }),
    response: matchSchema,
  },
});
