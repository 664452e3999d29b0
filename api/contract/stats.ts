/**
 * Player and platform statistics, the weekly digest setting, and the admin
 * tools that feed them: backdating a registration and importing finished
 * match results (used by `pongctl simulate`; both audited). Private matches
 * count only in the player's own view.
 */
import { z } from 'zod';
import { pair, timestampSchema } from './shapes.ts';
import { defineEndpoints } from './endpoint.ts';
import { listMetaSchema, usernameSchema } from './users.ts';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const days = z.coerce.number().int().min(1).max(365).default(30);
const count = z.number().int().min(0);

export const userStatsSchema = z.strictObject({
  username: z.string(),
  /** The window (UTC days, both ends included) the counters cover. */
  from: day,
  to: day,
  /** True when private matches are included (the player's own view). */
  includesPrivate: z.boolean(),
  matches: count,
  wins: count,
  losses: count,
  draws: count,
  /** wins / matches, 0 without matches. */
  winRate: z.number(),
  /** current: consecutive wins (> 0) or losses (< 0) up to the latest match, whatever the window; best: longest win run in the window. */
  streak: z.strictObject({ current: z.number().int(), best: count }),
  points: z.strictObject({ for: count, against: count }),
  rally: z.strictObject({ average: z.number(), longest: count }),
  averageDurationSec: z.number(),
  rating: z
    .strictObject({
      rating: z.number(),
      deviation: z.number(),
      matches: count,
      rank: z.number().int().nullable(),
    })
    .nullable(),
  /** All time, most matches first. */
  opponents: z.array(
    z.strictObject({ username: z.string(), matches: count, wins: count, losses: count }),
  ),
  activity: z.array(z.strictObject({ day, matches: count, wins: count, losses: count })),
});
export type UserStats = z.infer<typeof userStatsSchema>;

export const ratingPointSchema = z.strictObject({
  at: timestampSchema,
  matchId: z.string(),
  rating: z.number(),
  deviation: z.number(),
  delta: z.number(),
});

export const versusSchema = z.strictObject({
  players: pair(z.string()),
  includesPrivate: z.boolean(),
  matches: count,
  wins: pair(count),
  draws: count,
  points: pair(count),
  lastPlayedAt: timestampSchema.nullable(),
  recent: z.array(
    z.strictObject({
      matchId: z.string(),
      endedAt: timestampSchema,
      score: pair(count),
      winner: z.string().nullable(),
    }),
  ),
});

export const platformStatsSchema = z.strictObject({
  from: day,
  to: day,
  totals: z.strictObject({
    registrations: count,
    matches: count,
    averageDurationSec: z.number(),
    /** Seconds waited in the matchmaking queue (from a histogram: within one bucket). */
    queueWait: z.strictObject({
      samples: count,
      p50: z.number().nullable(),
      p95: z.number().nullable(),
    }),
    peakConcurrentPlayers: count,
  }),
  /** One row per UTC day; dau counts users who played a match or sent analytics events that day. */
  daily: z.array(
    z.strictObject({
      day,
      registrations: count,
      activeUsers: count,
      matches: count,
      averageDurationSec: z.number(),
      peakPlayers: count,
    }),
  ),
  /** Calendar weeks (from Monday) and months overlapping the window. */
  weekly: z.array(z.strictObject({ start: day, activeUsers: count })),
  monthly: z.array(z.strictObject({ start: day, activeUsers: count })),
});

const finite = z.number().finite();
export const importedMatchSchema = z.strictObject({
  left: usernameSchema,
  right: usernameSchema,
  score: pair(z.number().int().min(0).max(99)),
  ranked: z.boolean().default(true),
  visibility: z.enum(['public', 'private']).default('public'),
  startedAt: z.iso.datetime({ offset: true }),
  endedAt: z.iso.datetime({ offset: true }),
  stats: z
    .strictObject({
      longestRally: z.number().int().min(0).max(10_000),
      averageRally: finite.min(0).max(10_000),
      maxBallSpeed: z.number().int().min(0).max(100_000),
    })
    .optional(),
  /** The score after each point, in order; the last one equals `score`. */
  timeline: z
    .array(
      z.strictObject({
        tick: z.number().int().min(0),
        score: pair(z.number().int().min(0)),
      }),
    )
    .max(200)
    .optional(),
  /** Seconds each side waited in the matchmaking queue. */
  queueWaitSec: pair(finite.min(0).max(86_400)).optional(),
});
export type ImportedMatch = z.infer<typeof importedMatchSchema>;

export const digestResultSchema = z.strictObject({
  weekStart: day,
  dryRun: z.boolean(),
  optedIn: count,
  sent: count,
  alreadySent: count,
  unchanged: count,
  items: z.array(
    z.strictObject({
      username: z.string(),
      trend: z.enum(['better', 'worse', 'unchanged']),
      thisWeek: z.strictObject({ matches: count, winRate: z.number() }),
      lastWeek: z.strictObject({ matches: count, winRate: z.number() }),
      sent: z.boolean(),
    }),
  ),
});

const userParams = z.strictObject({ username: usernameSchema });

export const statsEndpoints = defineEndpoints({
  'stats.user': {
    id: 'stats.user',
    method: 'GET',
    path: '/api/v1/users/{username}/stats',
    auth: 'user',
    tags: ['stats'],
    errors: ['NOT_FOUND'],
    summary:
      "A player's stats over the last `days` UTC days (private matches only in their own view)",
    params: userParams,
    query: z.strictObject({ days }),
    response: userStatsSchema,
  },
  'stats.ratingHistory': {
    id: 'stats.ratingHistory',
    method: 'GET',
    path: '/api/v1/users/{username}/stats/rating-history',
    auth: 'user',
    tags: ['stats'],
    errors: ['NOT_FOUND'],
    summary: 'Rating after each rated match, newest first',
    params: userParams,
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      cursor: z.string().max(512).optional(),
    }),
    response: z.array(ratingPointSchema),
    meta: listMetaSchema,
  },
  'stats.versus': {
    id: 'stats.versus',
    method: 'GET',
    path: '/api/v1/users/{a}/versus/{b}',
    auth: 'user',
    tags: ['stats'],
    errors: ['NOT_FOUND'],
    summary: 'Head to head of two players (private matches only when one of them asks)',
    params: z.strictObject({ a: usernameSchema, b: usernameSchema }),
    response: versusSchema,
  },
  'admin.statsPlatform': {
    id: 'admin.statsPlatform',
    method: 'GET',
    path: '/api/v1/admin/stats/platform',
    auth: 'admin',
    tags: ['admin', 'stats'],
    errors: [],
    summary:
      'Registrations, active users, matches, durations, queue waits and peak players per day',
    query: z.strictObject({ days }),
    response: platformStatsSchema,
  },
  'admin.usersBackdate': {
    id: 'admin.usersBackdate',
    method: 'POST',
    path: '/api/v1/admin/users/{username}/backdate',
    auth: 'admin',
    tags: ['admin'],
    errors: ['NOT_FOUND'],
    summary: 'Move a registration date into the past (simulated data); audited',
    params: userParams,
    body: z.strictObject({ registeredAt: z.iso.datetime({ offset: true }) }),
    response: z.strictObject({ username: z.string(), registeredAt: timestampSchema }),
  },
  'admin.matchesImport': {
    id: 'admin.matchesImport',
    method: 'POST',
    path: '/api/v1/admin/matches/import',
    auth: 'admin',
    tags: ['admin', 'stats'],
    errors: ['NOT_FOUND', 'CONFLICT'],
    status: 201,
    summary:
      "Store up to 100 finished matches (in order; each after both players' latest) with their ratings; audited",
    body: z.strictObject({ matches: z.array(importedMatchSchema).min(1).max(100) }),
    response: z.strictObject({
      imported: z.array(
        z.strictObject({
          id: z.string(),
          ratingChanges: pair(z.number().nullable()),
        }),
      ),
    }),
  },
  'me.digestGet': {
    id: 'me.digestGet',
    method: 'GET',
    path: '/api/v1/me/digest',
    auth: 'user',
    tags: ['stats'],
    errors: [],
    summary: 'Your digest settings',
    response: z.strictObject({ weekly: z.boolean() }),
  },
  'me.digestUpdate': {
    id: 'me.digestUpdate',
    method: 'PATCH',
    path: '/api/v1/me/digest',
    auth: 'user',
    tags: ['stats'],
    errors: [],
    summary: 'Opt in to (or out of) the weekly stats digest',
    body: z.strictObject({ weekly: z.boolean() }),
    response: z.strictObject({ weekly: z.boolean() }),
  },
  'admin.digestWeekly': {
    id: 'admin.digestWeekly',
    method: 'POST',
    path: '/api/v1/admin/digest/weekly',
    auth: 'admin',
    tags: ['admin', 'stats'],
    errors: [],
    summary:
      'Compare the last full week with the one before for every opted-in player and notify them once per week',
    body: z.strictObject({ dryRun: z.boolean().default(false) }),
    response: digestResultSchema,
  },
});
