/**
 * The HTTP endpoints of tournaments: create, list, show (players, bracket or
 * table by rounds, current round, standings), register with an alias and
 * withdraw, and the creator's and admins' actions: start, pause, resume,
 * cancel, kick, and overriding a match result (audited).
 */
import { z } from 'zod';
import { pair, timestampSchema } from './shapes.ts';
import { defineEndpoints } from './endpoint.ts';
import type { Tag } from './tags.ts';
import { gameSettingsSchema } from './game.ts';
import { listMetaSchema, pageQuery } from './users.ts';

export const tournamentFormatValues = ['single_elimination', 'round_robin'] as const;
export const tournamentStateValues = [
  'registration',
  'running',
  'paused',
  'finished',
  'cancelled',
] as const;
export const tournamentMatchStateValues = [
  'waiting',
  'scheduled',
  'ready',
  'finished',
  'cancelled',
] as const;

/** The name a player plays under in one tournament (the ft_transcendence "tournament name"). */
export const aliasSchema = z
  .string()
  .trim()
  .min(1, 'must be 1-20 characters')
  .max(20, 'must be 1-20 characters')
  // A refinement, not .regex(): a Unicode pattern in the document is misread by tools without the u flag.
  .refine((alias) => /^[\p{L}\p{N}_.\- ]+$/u.test(alias), 'may use letters, digits, spaces, _ . -')
  .describe('1-20 letters (any script), digits, spaces, _ . -');

export const tournamentNameSchema = z
  .string()
  .trim()
  .min(1, 'must be 1-60 characters')
  .max(60, 'must be 1-60 characters');

const entrantSchema = z.strictObject({
  username: z.string().nullable(),
  alias: z.string(),
  seed: z.number().int().positive().nullable(),
});

export const tournamentPlayerSchema = z.strictObject({
  username: z.string().nullable(),
  alias: z.string(),
  /** Given at the start, by rating (1 = best). */
  seed: z.number().int().positive().nullable(),
  /** The Glicko-2 rating the player was seeded with. */
  rating: z.number().nullable(),
  status: z.enum(['active', 'eliminated', 'forfeited']),
  registeredAt: timestampSchema,
});

export const tournamentMatchSchema = z.strictObject({
  /** The tournament match (the id of POST …/matches/{matchId}/result). */
  id: z.uuid(),
  round: z.number().int().positive(),
  position: z.number().int().nonnegative(),
  state: z.enum(tournamentMatchStateValues),
  a: entrantSchema.nullable(),
  /** Null for a bye (single elimination) or a slot not decided yet. */
  b: entrantSchema.nullable(),
  /** The game being played now (join it over the WebSocket), or the last one. */
  gameId: z.uuid().nullable(),
  winner: z.string().nullable().describe('username of the winner'),
  score: pair(z.number().int()).nullable(),
  reason: z.string().nullable(),
  forfeit: z.enum(['a', 'b', 'both']).nullable(),
  /** Players who have not joined and readied by then forfeit. */
  joinBy: timestampSchema.nullable(),
  finishedAt: timestampSchema.nullable(),
});
export type TournamentMatchView = z.infer<typeof tournamentMatchSchema>;

export const tournamentRoundSchema = z.strictObject({
  number: z.number().int().positive(),
  name: z.string(),
  state: z.enum(['pending', 'running', 'finished']),
  startedAt: timestampSchema.nullable(),
  finishedAt: timestampSchema.nullable(),
  matches: z.array(tournamentMatchSchema),
});

export const standingSchema = z.strictObject({
  /** Final rank once finished (ties share one), else the current order. */
  rank: z.number().int().positive(),
  username: z.string().nullable(),
  alias: z.string(),
  seed: z.number().int().positive().nullable(),
  played: z.number().int().nonnegative(),
  wins: z.number().int().nonnegative(),
  losses: z.number().int().nonnegative(),
  draws: z.number().int().nonnegative(),
  /** Table points: 2 per win, 1 per draw. */
  points: z.number().int().nonnegative(),
  pointsFor: z.number().int().nonnegative(),
  pointsAgainst: z.number().int().nonnegative(),
  forfeits: z.number().int().nonnegative(),
  eliminatedRound: z.number().int().positive().nullable(),
});

export const tournamentSummarySchema = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  format: z.enum(tournamentFormatValues),
  state: z.enum(tournamentStateValues),
  capacity: z.number().int(),
  players: z.number().int().nonnegative(),
  createdBy: z.string().nullable(),
  currentRound: z.number().int().nonnegative(),
  roundsTotal: z.number().int().nonnegative(),
  winner: z.strictObject({ username: z.string().nullable(), alias: z.string() }).nullable(),
  registrationClosesAt: timestampSchema.nullable(),
  startsAt: timestampSchema.nullable(),
  createdAt: timestampSchema,
  startedAt: timestampSchema.nullable(),
  finishedAt: timestampSchema.nullable(),
});
export type TournamentSummary = z.infer<typeof tournamentSummarySchema>;

export const tournamentSchema = tournamentSummarySchema.extend({
  settings: gameSettingsSchema,
  entrants: z.array(tournamentPlayerSchema),
  /** The bracket (single elimination) or the schedule (round robin), by round. */
  rounds: z.array(tournamentRoundSchema),
  standings: z.array(standingSchema),
});
export type TournamentView = z.infer<typeof tournamentSchema>;

export const createTournamentBodySchema = z
  .strictObject({
    name: tournamentNameSchema,
    capacity: z.number().int().min(4, 'must be 4-64').max(64, 'must be 4-64'),
    format: z.enum(tournamentFormatValues),
    settings: gameSettingsSchema.optional(),
    registrationClosesAt: z.iso.datetime({ offset: true }).optional(),
    startsAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine(
    (b) =>
      !b.registrationClosesAt ||
      !b.startsAt ||
      Date.parse(b.registrationClosesAt) <= Date.parse(b.startsAt),
    {
      message: 'registrationClosesAt must not be after startsAt',
      path: ['registrationClosesAt'],
    },
  );

const idParams = z.strictObject({ id: z.uuid() });
const tags: Tag[] = ['tournaments'];

export const tournamentEndpoints = defineEndpoints({
  'tournaments.create': {
    id: 'tournaments.create',
    method: 'POST',
    path: '/api/v1/tournaments',
    auth: 'user',
    status: 201,
    tags,
    errors: ['NOT_FOUND'],
    summary:
      'Create a tournament (any player); it opens for registration and starts at startsAt or when its creator starts it',
    body: createTournamentBodySchema,
    response: tournamentSchema,
  },
  'tournaments.list': {
    id: 'tournaments.list',
    method: 'GET',
    path: '/api/v1/tournaments',
    auth: 'user',
    tags,
    errors: [],
    summary: 'Tournaments, newest first, optionally by state',
    query: z.strictObject({ state: z.enum(tournamentStateValues).optional(), ...pageQuery }),
    response: z.array(tournamentSummarySchema),
    meta: listMetaSchema,
  },
  'tournaments.get': {
    id: 'tournaments.get',
    method: 'GET',
    path: '/api/v1/tournaments/{id}',
    auth: 'user',
    tags,
    errors: ['NOT_FOUND'],
    summary:
      'One tournament: players, the bracket or table by round, the current round and standings',
    params: idParams,
    response: tournamentSchema,
  },
  'tournaments.register': {
    id: 'tournaments.register',
    method: 'POST',
    path: '/api/v1/tournaments/{id}/register',
    auth: 'user',
    status: 201,
    tags,
    errors: ['NOT_FOUND', 'CONFLICT'],
    summary:
      'Register for a tournament under an alias unique within it, while registration is open and there is room',
    params: idParams,
    body: z.strictObject({ alias: aliasSchema }),
    response: tournamentPlayerSchema,
  },
  'tournaments.unregister': {
    id: 'tournaments.unregister',
    method: 'DELETE',
    path: '/api/v1/tournaments/{id}/register',
    auth: 'user',
    tags,
    errors: ['NOT_FOUND', 'CONFLICT'],
    summary: 'Withdraw your registration before the start',
    params: idParams,
    response: z.strictObject({ withdrawn: z.literal(true) }),
  },
  'tournaments.start': {
    id: 'tournaments.start',
    method: 'POST',
    path: '/api/v1/tournaments/{id}/start',
    auth: 'user',
    tags,
    errors: ['NOT_FOUND', 'CONFLICT'],
    summary:
      'Start now (creator or admin; audited): seed by rating, draw the bracket or schedule, create the first round',
    params: idParams,
    response: tournamentSchema,
  },
  'tournaments.pause': {
    id: 'tournaments.pause',
    method: 'POST',
    path: '/api/v1/tournaments/{id}/pause',
    auth: 'user',
    tags,
    errors: ['NOT_FOUND', 'CONFLICT'],
    summary:
      'Pause (creator or admin; audited): games in progress finish, no new ones start, join timeouts stop',
    params: idParams,
    response: tournamentSchema,
  },
  'tournaments.resume': {
    id: 'tournaments.resume',
    method: 'POST',
    path: '/api/v1/tournaments/{id}/resume',
    auth: 'user',
    tags,
    errors: ['NOT_FOUND', 'CONFLICT'],
    summary:
      'Resume a paused tournament (creator or admin; audited); waiting players get a fresh join window',
    params: idParams,
    response: tournamentSchema,
  },
  'tournaments.cancel': {
    id: 'tournaments.cancel',
    method: 'POST',
    path: '/api/v1/tournaments/{id}/cancel',
    auth: 'user',
    tags,
    errors: ['NOT_FOUND', 'CONFLICT'],
    summary:
      'Cancel (creator or admin; audited): games in progress are aborted and everyone registered is told',
    params: idParams,
    response: tournamentSchema,
  },
  'tournaments.kick': {
    id: 'tournaments.kick',
    method: 'DELETE',
    path: '/api/v1/tournaments/{id}/players/{username}',
    auth: 'user',
    tags,
    errors: ['NOT_FOUND', 'CONFLICT'],
    summary:
      'Remove a player (creator or admin; audited): before the start the registration goes, after it the player forfeits',
    params: z.strictObject({ id: z.uuid(), username: z.string().min(1).max(64) }),
    response: tournamentSchema,
  },
  'tournaments.result': {
    id: 'tournaments.result',
    method: 'POST',
    path: '/api/v1/tournaments/{id}/matches/{matchId}/result',
    auth: 'user',
    tags,
    errors: ['NOT_FOUND', 'CONFLICT'],
    summary:
      'Decide an open match (creator or admin; audited; a creator never decides a match they play in, 403 OWN_MATCH): the winner by username or alias advances; a game in progress is aborted',
    params: z.strictObject({ id: z.uuid(), matchId: z.uuid() }),
    body: z.strictObject({
      winner: z.string().trim().min(1).max(64),
      reason: z.string().trim().min(1).max(200),
    }),
    response: tournamentSchema,
  },
});
