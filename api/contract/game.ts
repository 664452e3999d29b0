/**
 * The game's public face: match settings (bounds and defaults), the view of a
 * match the server sends in `game.state` (what every client and the terminal
 * renderer draw), and the WebSocket messages of games, the matchmaking queue,
 * spectating and replays. Geometry is in field units: the field is
 * `FIELD_WIDTH` × `FIELD_HEIGHT`, y grows downwards, dir -1 moves a paddle up.
 */
import { z } from 'zod';
import { pair } from './shapes.ts';
import { defineMessages, messageSchema } from './realtime.ts';

/** Field size in field units; fixed so every client can lay it out without asking. */
export const FIELD_WIDTH = 800;
export const FIELD_HEIGHT = 600;
/** Side of the square ball and thickness of a paddle, in field units. */
export const BALL_SIZE = 10;
export const PADDLE_WIDTH = 10;
/** Distance from a side line to the outer edge of the paddle on that side. */
export const PADDLE_MARGIN = 20;
/** Simulation rate: every match is stepped this many times per second. */
export const TICK_RATE = 60;

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const serveReceiverValues = ['conceder', 'scorer', 'alternate'] as const;

/**
 * Serve rules. The ball is put on the centre spot and, after `delayMs`, leaves
 * towards the receiver: the first serve goes to `first`, later ones to the player
 * who conceded the last point, the one who scored it, or alternately.
 */
export const serveRulesSchema = z.strictObject({
  first: z.enum(['random', 'left', 'right']).default('random'),
  receiver: z.enum(serveReceiverValues).default('conceder'),
  angle: z.enum(['random', 'straight']).default('random'),
  delayMs: int(0, 5000).default(1000),
});

/** Match settings. Speeds are field units per second; paddle speed is the same for both sides and the AI. */
export const gameSettingsSchema = z
  .strictObject({
    pointsToWin: int(1, 21).default(11),
    ballSpeed: int(120, 900).default(300),
    ballSpeedUp: int(0, 100).default(15),
    ballMaxSpeed: int(200, 1500).default(900),
    paddleHeight: int(30, 300).default(80),
    paddleSpeed: int(100, 1200).default(420),
    maxDurationSec: int(30, 3600).default(600),
    serve: serveRulesSchema.default({
      first: 'random',
      receiver: 'conceder',
      angle: 'random',
      delayMs: 1000,
    }),
  })
  .refine((s) => s.ballMaxSpeed >= s.ballSpeed, {
    message: 'ballMaxSpeed must be at least ballSpeed',
    path: ['ballMaxSpeed'],
  });

export type GameSettings = z.infer<typeof gameSettingsSchema>;
export type GameSettingsInput = z.input<typeof gameSettingsSchema>;
export type ServeRules = z.infer<typeof serveRulesSchema>;

/** Settings with every default applied (what a match without `settings` plays with). */
export function defaultGameSettings(): GameSettings {
  return gameSettingsSchema.parse({});
}

export const directionSchema = z.union([z.literal(-1), z.literal(0), z.literal(1)]);
/** One tick of keyboard: -1 up, 0 still, 1 down. */
export type Direction = z.infer<typeof directionSchema>;

export const botLevelValues = ['easy', 'normal', 'hard'] as const;
export const botLevelSchema = z.enum(botLevelValues);
export type BotLevel = z.infer<typeof botLevelSchema>;

export const matchId = z.string().min(1).max(64);
export const username = z.string().min(1).max(32);
const side = z.union([z.literal(0), z.literal(1)]);

export const gamePhaseValues = [
  'waiting',
  'countdown',
  'serve',
  'play',
  'paused',
  'ended',
] as const;

/**
 * The snapshot of a match sent in `game.state` (and drawn by `pongctl spectate`).
 * Positions are integer field units: ball and paddle y are centres, paddle x is
 * the centre of its thickness. Index 0 is the left player, 1 the right.
 */
export const gameViewSchema = z.strictObject({
  matchId,
  tick: z.number().int().nonnegative(),
  phase: z.enum(gamePhaseValues),
  field: z.strictObject({
    width: z.number().int().positive(),
    height: z.number().int().positive(),
  }),
  ball: z.strictObject({
    x: z.number().int(),
    y: z.number().int(),
    size: z.number().int().positive(),
    speed: z.number().int().nonnegative(),
  }),
  paddles: pair(
    z.strictObject({
      x: z.number().int(),
      y: z.number().int(),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
    }),
  ),
  score: pair(z.number().int().nonnegative()),
  players: pair(z.strictObject({ username, bot: botLevelSchema.optional() })),
  spectators: z.number().int().nonnegative(),
  /** Seconds left before play starts or resumes, in `countdown` and `paused`. */
  countdown: z.number().int().nonnegative().optional(),
  /** The last input sequence number the server applied for the receiving player (players only). */
  lastSeq: z.number().int().nonnegative().optional(),
});
export type GameView = z.infer<typeof gameViewSchema>;

/** Things that happen in a tick; `game.event` carries them to clients. */
export const gameEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('serve'), tick: z.number().int(), receiver: side }),
  z.strictObject({
    type: z.literal('hit'),
    tick: z.number().int(),
    player: side,
    speed: z.number().int(),
    rally: z.number().int(),
  }),
  z.strictObject({ type: z.literal('wall'), tick: z.number().int() }),
  z.strictObject({
    type: z.literal('score'),
    tick: z.number().int(),
    player: side,
    score: pair(z.number().int()),
    rally: z.number().int(),
  }),
  z.strictObject({
    type: z.literal('end'),
    tick: z.number().int(),
    winner: side.nullable(),
    reason: z.enum(['points', 'time']),
  }),
  /** Another server took the match over (its own died, or was shut down) and play goes on after a countdown. */
  z.strictObject({
    type: z.literal('resumed'),
    tick: z.number().int(),
    reason: z.enum(['takeover', 'handover']),
  }),
]);
export type GameEvent = z.infer<typeof gameEventSchema>;

export const matchOutcomeValues = ['finished', 'aborted', 'forfeited'] as const;

const seqSchema = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 31 - 1);
const scoreSchema = pair(z.number().int().nonnegative());

/**
 * `spectate.start` names a match or a user (to watch the match that user plays),
 * exactly one of the two.
 */
const spectateStartSchema = messageSchema('spectate.start', {
  matchId: matchId.optional(),
  username: username.optional(),
}).refine((m) => (m.matchId === undefined) !== (m.username === undefined), {
  message: 'give either matchId or username',
});

/**
 * The WebSocket messages of games, spectating and replays, in the gateway's
 * table format (envelope `{type, id?, ...}`); the queue's are in matchmaking.ts.
 */
export const gameMessages = defineMessages({
  'game.join': {
    type: 'game.join',
    direction: 'client',
    summary:
      'Join (or rejoin after a disconnect) a match you play in; the server answers with game.state',
    schema: messageSchema('game.join', { matchId }),
  },
  'game.ready': {
    type: 'game.ready',
    direction: 'client',
    summary: 'Ready to play; the countdown starts when both players are ready',
    schema: messageSchema('game.ready', { matchId }),
  },
  'game.input': {
    type: 'game.input',
    direction: 'client',
    summary:
      'The key held from the next tick on (-1 up, 0 still, 1 down); the last input per tick counts, seq comes back in game.state.lastSeq',
    schema: messageSchema('game.input', { matchId, seq: seqSchema, dir: directionSchema }),
  },
  'game.leave': {
    type: 'game.leave',
    direction: 'client',
    summary: 'Leave a match: before it starts this cancels it, during play it forfeits',
    schema: messageSchema('game.leave', { matchId }),
  },
  'game.state': {
    type: 'game.state',
    direction: 'server',
    summary: 'A snapshot of the match: every tick to players, at the spectator rate to spectators',
    schema: messageSchema('game.state', { state: gameViewSchema }),
    droppable: true,
  },
  'game.event': {
    type: 'game.event',
    direction: 'server',
    summary:
      'Something happened in the match: serve, hit, wall, score or end. Players get it on its tick; a spectator gets it just before its next game.state (spectators take turns, so up to one tick later)',
    schema: messageSchema('game.event', { matchId, event: gameEventSchema }),
  },
  'game.end': {
    type: 'game.end',
    direction: 'server',
    summary:
      'The match is over: outcome, winner, final score, whether the result is stored yet (false while the database is away: it is held and stored later, announced by game.stored) and, in ranked matches once stored, your rating change',
    schema: messageSchema('game.end', {
      matchId,
      outcome: z.enum(matchOutcomeValues),
      reason: z.string().max(200).optional(),
      winner: username.nullable(),
      score: scoreSchema,
      stored: z.boolean(),
      ratingChange: z.number().optional(),
    }),
  },
  'game.stored': {
    type: 'game.stored',
    direction: 'server',
    summary:
      'A result that game.end reported as not stored yet has now been stored, with your rating change in ranked matches',
    schema: messageSchema('game.stored', {
      matchId,
      outcome: z.enum(matchOutcomeValues),
      score: scoreSchema,
      ratingChange: z.number().optional(),
    }),
  },
  'spectate.start': {
    type: 'spectate.start',
    direction: 'client',
    summary: 'Watch a live public match, by id or by the username of a player; read-only',
    schema: spectateStartSchema,
    example: { type: 'spectate.start', username: 'ada' },
  },
  'spectate.stop': {
    type: 'spectate.stop',
    direction: 'client',
    summary: 'Stop watching',
    schema: messageSchema('spectate.stop', {}),
  },
  'replay.start': {
    type: 'replay.start',
    direction: 'client',
    summary:
      'Watch a finished match: the server re-simulates its input log and streams it like a live match',
    schema: messageSchema('replay.start', {
      matchId,
      speed: z.number().min(0.25).max(8).default(1),
    }),
  },
  'replay.stop': {
    type: 'replay.stop',
    direction: 'client',
    summary: 'Stop a replay',
    schema: messageSchema('replay.stop', {}),
  },
});
