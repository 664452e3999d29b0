/**
 * The shapes clients meet everywhere, by name: the OpenAPI document writes each
 * once under `components.schemas` and refers to it, so generated clients get
 * named types (User, Match, ...).
 */
import type { z } from 'zod';
import { conversationSchema, chatMessageSchema } from './chat.ts';
import { errorEnvelopeSchema } from './errors.ts';
import { matchPlayerSchema, matchSchema } from './games.ts';
import { leaderboardEntrySchema } from './leaderboards.ts';
import { notificationSchema } from './notifications.ts';
import { tournamentSchema, tournamentSummarySchema } from './tournaments.ts';
import { listMetaSchema, publicUserSchema, selfUserSchema } from './users.ts';

export const componentSchemas: Readonly<Record<string, z.ZodType>> = {
  /** What anyone sees of a user. */
  User: publicUserSchema,
  /** What the signed-in user sees of themselves. */
  Profile: selfUserSchema,
  Match: matchSchema,
  MatchPlayer: matchPlayerSchema,
  Tournament: tournamentSchema,
  TournamentSummary: tournamentSummarySchema,
  Message: chatMessageSchema,
  Conversation: conversationSchema,
  Notification: notificationSchema,
  LeaderboardEntry: leaderboardEntrySchema,
  PageMeta: listMetaSchema,
  ErrorEnvelope: errorEnvelopeSchema,
};

/** Hand-written examples where one derived from the schema would read oddly (two players on one side). */
export const componentExamples: Readonly<Record<string, unknown>> = {
  Match: {
    id: '0b9f6b8e-6a43-4d4f-9a64-2f3c1c6d9e21',
    kind: 'direct',
    ranked: true,
    visibility: 'public',
    state: 'finished',
    reason: 'points',
    settings: {
      pointsToWin: 11,
      ballSpeed: 300,
      ballSpeedUp: 15,
      ballMaxSpeed: 900,
      paddleHeight: 80,
      paddleSpeed: 420,
      maxDurationSec: 600,
      serve: { first: 'random', receiver: 'conceder', angle: 'random', delayMs: 1000 },
    },
    players: [
      {
        side: 0,
        username: 'ada',
        bot: null,
        points: 11,
        hits: 48,
        ratingBefore: 1512.4,
        ratingAfter: 1530.9,
      },
      {
        side: 1,
        username: 'grace',
        bot: null,
        points: 7,
        hits: 41,
        ratingBefore: 1498.2,
        ratingAfter: 1479.7,
      },
    ],
    score: [11, 7],
    winnerSide: 0,
    winner: 'ada',
    rematchOf: null,
    createdAt: '2026-05-04T18:30:00.000Z',
    startedAt: '2026-05-04T18:30:05.000Z',
    endedAt: '2026-05-04T18:34:12.000Z',
    inviteExpiresAt: null,
  },
};
