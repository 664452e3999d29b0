/**
 * Leaderboards: the Glicko-2 rating board (players with at least
 * RATING_BOARD_MIN_MATCHES rated matches), the wins boards per period
 * (week from Monday 00:00 UTC, calendar month, all time; a new period starts
 * empty, like Nakama's reset schedules), and a window around one player.
 */
import { z } from 'zod';
import { timestampSchema } from './shapes.ts';
import { defineEndpoints } from './endpoint.ts';
import { usernameSchema } from './users.ts';

/** Rated matches a player needs before appearing on the rating board (the migration's triggers use the same number). */
export const RATING_BOARD_MIN_MATCHES = 10;

export const boardSchema = z.enum(['rating', 'wins']);
export type Board = z.infer<typeof boardSchema>;
export const periodSchema = z.enum(['week', 'month', 'all']);
export type Period = z.infer<typeof periodSchema>;

/**
 * One row of a board. Rating board: `value` is the rating (one decimal) and
 * `rank` the position (ties broken by account id). Wins board: `value` is the
 * wins of the period and `rank` is shared by equal wins (1, 2, 2, 4).
 */
export const leaderboardEntrySchema = z.strictObject({
  rank: z.number().int().min(1),
  username: z.string(),
  value: z.number(),
  matches: z.number().int().nullable(),
  wins: z.number().int(),
  losses: z.number().int().nullable(),
});
export type LeaderboardEntry = z.infer<typeof leaderboardEntrySchema>;

const boardMeta = z.strictObject({
  nextCursor: z.string().nullable(),
  board: boardSchema,
  period: periodSchema.nullable(),
  periodStart: z.string().nullable(),
  /** When this period's board starts again from empty (null for all time and the rating board). */
  resetsAt: timestampSchema.nullable(),
  /** Players on this board. */
  players: z.number().int(),
});

const limit = z.coerce.number().int().min(1).max(100).default(50);
const cursor = z.string().max(512).optional();

export const leaderboardEndpoints = defineEndpoints({
  'leaderboards.rating': {
    id: 'leaderboards.rating',
    method: 'GET',
    path: '/api/v1/leaderboards/rating',
    auth: 'user',
    tags: ['leaderboards'],
    errors: [],
    summary: `Players by Glicko-2 rating, highest first (at least ${RATING_BOARD_MIN_MATCHES} rated matches)`,
    query: z.strictObject({ limit, cursor }),
    response: z.array(leaderboardEntrySchema),
    meta: boardMeta,
  },
  'leaderboards.wins': {
    id: 'leaderboards.wins',
    method: 'GET',
    path: '/api/v1/leaderboards/wins',
    auth: 'user',
    tags: ['leaderboards'],
    errors: [],
    summary: 'Players by wins in ranked matches during the current week, month or all time',
    query: z.strictObject({ period: periodSchema.default('week'), limit, cursor }),
    response: z.array(leaderboardEntrySchema),
    meta: boardMeta,
  },
  'leaderboards.around': {
    id: 'leaderboards.around',
    method: 'GET',
    path: '/api/v1/leaderboards/{board}/around/{username}',
    auth: 'user',
    tags: ['leaderboards'],
    errors: ['NOT_FOUND'],
    summary: 'The player and up to `radius` players above and below (404 when not on the board)',
    params: z.strictObject({ board: boardSchema, username: usernameSchema }),
    query: z.strictObject({
      radius: z.coerce.number().int().min(1).max(25).default(5),
      period: periodSchema.default('week'),
    }),
    response: z.array(leaderboardEntrySchema),
    meta: boardMeta.extend({ rank: z.number().int() }),
  },
});
