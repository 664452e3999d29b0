/**
 * The HTTP endpoints of matches: invites (create, accept, decline, rematch),
 * live and finished lists, one match with its statistics and score timeline,
 * a user's history (newest first, cursor pages), replay data, and the admin
 * list, live state and abort. Realtime play is over the WebSocket (game.ts).
 */
import { z } from 'zod';
import { chatIdSchema, chatMessageSchema } from './chat.ts';
import { defineEndpoints } from './endpoint.ts';
import { botLevelSchema, gameSettingsSchema, gameViewSchema, matchOutcomeValues } from './game.ts';
import { listMetaSchema, pageQuery, usernameParams } from './users.ts';

export const matchKindValues = ['direct', 'matchmaking', 'tournament', 'bot'] as const;
export const matchStateValues = [
  'pending',
  'ready',
  'countdown',
  'playing',
  'finished',
  'aborted',
  'forfeited',
] as const;
export const visibilitySchema = z.enum(['public', 'private']);

const timestamp = z.string().describe('ISO 8601');
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
  /** Why it ended: points, time, left, disconnect, no_show, declined, invite_expired, not_ready, abandoned, admin: …, server_restart. */
  reason: z.string().nullable(),
  settings: gameSettingsSchema,
  players: z.tuple([matchPlayerSchema, matchPlayerSchema]),
  score: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
  winnerSide: side.nullable(),
  /** Username of the winner (`bot` for a bot), null without one. */
  winner: z.string().nullable(),
  rematchOf: z.uuid().nullable(),
  createdAt: timestamp,
  startedAt: timestamp.nullable(),
  endedAt: timestamp.nullable(),
  inviteExpiresAt: timestamp.nullable(),
  /** Finished, forfeited or aborted after play began (GET /matches/{id} only). */
  stats: matchStatsSchema.optional(),
  timeline: z
    .array(
      z.strictObject({
        tick: z.number().int().nonnegative(),
        score: z.tuple([z.number().int(), z.number().int()]),
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
  players: z.tuple([matchPlayerSchema, matchPlayerSchema]),
  outcome: z.enum(matchOutcomeValues),
  reason: z.string().nullable(),
  winner: z.string().nullable(),
  score: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
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

/**
 * How an invite posted in a direct conversation starts: clients that see a
 * chat message matching this offer to accept it (POST /matches/{id}/accept).
 */
export const chatInvitePattern = /^\[game-invite:([0-9a-f-]{36})\] /;

export const chatInviteResponseSchema = z.strictObject({
  match: matchSchema,
  /** The chat message carrying the invite. */
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
    summary:
      'Invite a user (a game_invite notification; the invite expires) or start a match against the bot (ready at once)',
    body: createMatchBodySchema,
    response: matchSchema,
  },
  'games.accept': {
    id: 'games.accept',
    method: 'POST',
    path: '/api/v1/matches/{id}/accept',
    auth: 'user',
    tags: ['games'],
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
    summary:
      'Invite the other member of a direct conversation to a match: the invite is posted as a chat message (starting [game-invite:<matchId>]) that they accept',
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
    summary: "A user's ended matches, newest first; private ones only for their players",
    params: usernameParams,
    query: z.strictObject(pageQuery),
    response: z.array(matchSchema),
    meta: listMetaSchema,
  },
  'games.replay': {
    id: 'games.replay',
    method: 'GET',
    path: '/api/v1/matches/{id}/replay',
    auth: 'user',
    tags: ['games'],
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
    summary:
      'Every match (private ones too), newest first, optionally by state (live = ready, countdown or playing)',
    query: z.strictObject({
      state: z.enum([...matchStateValues, 'live']).optional(),
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
    summary: 'Abort a match that has not ended (audited); no result, no rating change',
    params: idParams,
    body: z.strictObject({ reason: z.string().trim().min(1).max(200) }),
    response: matchSchema,
  },
});
