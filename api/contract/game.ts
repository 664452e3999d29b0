/**
 * The game's public face: match settings (bounds and defaults), the view of a
 * match the server sends in `game.state` (what every client and the terminal
 * renderer draw), and the WebSocket messages of games, the matchmaking queue,
 * spectating and replays. Geometry is in field units: the field is
 * `FIELD_WIDTH` × `FIELD_HEIGHT`, y grows downwards, dir -1 moves a paddle up.
 */
import { z } from 'zod';

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

const matchId = z.string().min(1).max(64);
const username = z.string().min(1).max(32);
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
  paddles: z.tuple([
    z.strictObject({
      x: z.number().int(),
      y: z.number().int(),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
    }),
    z.strictObject({
      x: z.number().int(),
      y: z.number().int(),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
    }),
  ]),
  score: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
  players: z.tuple([
    z.strictObject({ username, bot: botLevelSchema.optional() }),
    z.strictObject({ username, bot: botLevelSchema.optional() }),
  ]),
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
    score: z.tuple([z.number().int(), z.number().int()]),
    rally: z.number().int(),
  }),
  z.strictObject({
    type: z.literal('end'),
    tick: z.number().int(),
    winner: side.nullable(),
    reason: z.enum(['points', 'time']),
  }),
]);
export type GameEvent = z.infer<typeof gameEventSchema>;

export const matchOutcomeValues = ['finished', 'aborted', 'forfeited'] as const;

/** Client → server messages of games, the queue, spectating and replays. */
export const gameClientMessages = {
  'game.join': z.strictObject({ type: z.literal('game.join'), matchId }),
  'game.ready': z.strictObject({ type: z.literal('game.ready'), matchId }),
  'game.input': z.strictObject({
    type: z.literal('game.input'),
    matchId,
    seq: z
      .number()
      .int()
      .nonnegative()
      .max(2 ** 31 - 1),
    dir: directionSchema,
  }),
  'game.leave': z.strictObject({ type: z.literal('game.leave'), matchId }),
  'queue.join': z.strictObject({
    type: z.literal('queue.join'),
    mode: z.enum(['ranked', 'casual']),
  }),
  'queue.leave': z.strictObject({ type: z.literal('queue.leave') }),
  'spectate.start': z.union([
    z.strictObject({ type: z.literal('spectate.start'), matchId }),
    z.strictObject({ type: z.literal('spectate.start'), username }),
  ]),
  'spectate.stop': z.strictObject({ type: z.literal('spectate.stop') }),
  'replay.start': z.strictObject({
    type: z.literal('replay.start'),
    matchId,
    speed: z.number().min(0.25).max(8).default(1),
  }),
  'replay.stop': z.strictObject({ type: z.literal('replay.stop') }),
};

/** Server → client messages. */
export const gameServerMessages = {
  'game.state': z.strictObject({ type: z.literal('game.state'), state: gameViewSchema }),
  'game.event': z.strictObject({ type: z.literal('game.event'), matchId, event: gameEventSchema }),
  'game.end': z.strictObject({
    type: z.literal('game.end'),
    matchId,
    outcome: z.enum(matchOutcomeValues),
    reason: z.string().max(200).optional(),
    winner: username.nullable(),
    score: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
    /** Rating change of the receiving player in a ranked match. */
    ratingChange: z.number().optional(),
  }),
  'queue.status': z.strictObject({
    type: z.literal('queue.status'),
    queued: z.boolean(),
    mode: z.enum(['ranked', 'casual']).optional(),
    waitedSec: z.number().int().nonnegative().optional(),
    window: z.number().int().nonnegative().optional(),
    queueSize: z.number().int().nonnegative(),
  }),
  'queue.matched': z.strictObject({
    type: z.literal('queue.matched'),
    matchId,
    opponent: username,
    mode: z.enum(['ranked', 'casual']),
  }),
};

export type GameClientMessageType = keyof typeof gameClientMessages;
export type GameServerMessageType = keyof typeof gameServerMessages;
export type GameClientMessage = {
  [K in GameClientMessageType]: z.infer<(typeof gameClientMessages)[K]>;
}[GameClientMessageType];
export type GameServerMessage = {
  [K in GameServerMessageType]: z.infer<(typeof gameServerMessages)[K]>;
}[GameServerMessageType];
