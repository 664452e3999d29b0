/**
 * Fixed-point arithmetic and the seeded PRNG of the engine. Every number in a
 * match state is an integer well inside int32, so the same operations give the
 * same bits on every machine (no Math.sin, no float accumulation).
 */
import {
  BALL_SIZE,
  FIELD_HEIGHT,
  FIELD_WIDTH,
  PADDLE_MARGIN,
  PADDLE_WIDTH,
  TICK_RATE,
  type GameSettings,
} from '../contract/game.ts';

/** 8 fractional bits: 1 field unit = 256 sub-units. Positions stay below 2^18. */
export const FP_SHIFT = 8;
export const FP_ONE = 1 << FP_SHIFT;

/** Number of angle buckets on each side of a straight bounce (7.5° each, up to 60°). */
export const ANGLE_STEPS = 8;
/** cos and sin × 1024 of k × 7.5° for k = 0..8, rounded: a constant table, not computed at run time. */
export const COS_1024: readonly number[] = [1024, 1015, 989, 946, 887, 812, 724, 623, 512];
export const SIN_1024: readonly number[] = [0, 134, 265, 392, 512, 623, 724, 812, 887];
/** Serves leave at most ±30° (bucket ±4). */
export const SERVE_MAX_STEP = 4;

const RECEIVER_CODES = { conceder: 0, scorer: 1, alternate: 2 } as const;

/** Settings turned into per-tick integer constants; shared by every state of a match. */
export interface EngineConfig {
  readonly width: number;
  readonly height: number;
  readonly ballHalf: number;
  readonly paddleHalf: number;
  readonly paddleHalfWidth: number;
  /** x of the ball centre when it touches the left / right paddle's inner face. */
  readonly leftContact: number;
  readonly rightContact: number;
  /** x of the paddle centres. */
  readonly leftX: number;
  readonly rightX: number;
  readonly paddleStep: number;
  readonly speedStart: number;
  readonly speedUp: number;
  readonly speedMax: number;
  readonly pointsToWin: number;
  readonly maxTicks: number;
  readonly serveDelayTicks: number;
  /** -1 random, 0 left, 1 right. */
  readonly serveFirst: number;
  /** 0 conceder, 1 scorer, 2 alternate. */
  readonly serveReceiver: number;
  readonly serveRandomAngle: boolean;
}

/** Units per second → sub-units per tick, truncated. */
export function perTick(unitsPerSecond: number): number {
  return Math.trunc((unitsPerSecond * FP_ONE) / TICK_RATE);
}

/** Sub-units per tick → units per second, truncated (for views and stats). */
export function perSecond(subUnitsPerTick: number): number {
  return Math.trunc((subUnitsPerTick * TICK_RATE) / FP_ONE);
}

export function engineConfig(settings: GameSettings): EngineConfig {
  const ballHalf = (BALL_SIZE * FP_ONE) / 2;
  const width = FIELD_WIDTH * FP_ONE;
  const paddleHalfWidth = (PADDLE_WIDTH * FP_ONE) / 2;
  const leftFace = (PADDLE_MARGIN + PADDLE_WIDTH) * FP_ONE;
  return Object.freeze({
    width,
    height: FIELD_HEIGHT * FP_ONE,
    ballHalf,
    paddleHalf: Math.trunc((settings.paddleHeight * FP_ONE) / 2),
    paddleHalfWidth,
    leftContact: leftFace + ballHalf,
    rightContact: width - leftFace - ballHalf,
    leftX: PADDLE_MARGIN * FP_ONE + paddleHalfWidth,
    rightX: width - PADDLE_MARGIN * FP_ONE - paddleHalfWidth,
    paddleStep: perTick(settings.paddleSpeed),
    speedStart: perTick(settings.ballSpeed),
    speedUp: perTick(settings.ballSpeedUp),
    speedMax: perTick(settings.ballMaxSpeed),
    pointsToWin: settings.pointsToWin,
    maxTicks: settings.maxDurationSec * TICK_RATE,
    serveDelayTicks: Math.trunc((settings.serve.delayMs * TICK_RATE + 500) / 1000),
    serveFirst: settings.serve.first === 'random' ? -1 : settings.serve.first === 'left' ? 0 : 1,
    serveReceiver: RECEIVER_CODES[settings.serve.receiver],
    serveRandomAngle: settings.serve.angle === 'random',
  });
}

/** A seed (any integer) → a non-zero uint32 PRNG state. */
export function seedState(seed: number): number {
  const s = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  return s === 0 ? 0x6d2b79f5 : s;
}

/** xorshift32: the next uint32 state (never 0 for a non-zero input). */
export function nextRandom(state: number): number {
  let x = state | 0;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}

/** Round-half-away-from-zero of num / den for integers, den > 0. */
export function roundDiv(num: number, den: number): number {
  return num >= 0
    ? Math.trunc((2 * num + den) / (2 * den))
    : -Math.trunc((-2 * num + den) / (2 * den));
}

export function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}
