/**
 * Shared test material for the game engine: fast-check arbitraries for
 * settings and input sequences, and scripted players for whole-match tests.
 */
import fc from 'fast-check';
import { type Direction } from '../../api/contract/game.ts';
import { type MatchState, type Side, type TickInputs } from '../../api/game/engine.ts';
import { predictArrival, predictBounce, type Flight } from '../../api/game/bot-predict.ts';
import { ANGLE_STEPS, FP_ONE, clamp, nextRandom, seedState } from '../../api/game/fixed.ts';

export const dirArb = fc.constantFrom<Direction>(-1, 0, 1);

/** Inputs as runs: [left dir, right dir, ticks]. */
export const inputRunsArb = fc.array(fc.tuple(dirArb, dirArb, fc.integer({ min: 1, max: 90 })), {
  minLength: 1,
  maxLength: 60,
});

/** Raw settings anywhere inside the contract's bounds, with a 30 s limit so runs stay short. */
export const settingsArb = fc.record({
  pointsToWin: fc.integer({ min: 1, max: 21 }),
  ballSpeed: fc.integer({ min: 120, max: 900 }),
  ballSpeedUp: fc.integer({ min: 0, max: 100 }),
  ballMaxSpeed: fc.integer({ min: 900, max: 1500 }),
  paddleHeight: fc.integer({ min: 30, max: 300 }),
  paddleSpeed: fc.integer({ min: 100, max: 1200 }),
  maxDurationSec: fc.constant(30),
  serve: fc.record({
    first: fc.constantFrom('random' as const, 'left' as const, 'right' as const),
    receiver: fc.constantFrom('conceder' as const, 'scorer' as const, 'alternate' as const),
    angle: fc.constantFrom('random' as const, 'straight' as const),
    delayMs: fc.integer({ min: 0, max: 1500 }),
  }),
});

export function* ticksOf(
  runs: readonly (readonly [Direction, Direction, number])[],
): Generator<TickInputs> {
  for (const [l, r, n] of runs) for (let i = 0; i < n; i++) yield [l, r];
}

/** A controller: the key a player holds on the next tick, given the live state. */
export type Controller = (state: MatchState) => Direction;

function toward(state: MatchState, side: Side, target: number): Direction {
  const diff = target - (side === 0 ? state.leftY : state.rightY);
  const half = state.config.paddleStep >> 1;
  return diff > half ? 1 : diff < -half ? -1 : 0;
}

interface Seen extends Flight {
  play: boolean;
  opponentY: number;
}

/**
 * A competent human: watches every frame but acts on what it saw `reactionTicks`
 * ago, misjudges each incoming ball by up to ±`errorUnits`, and aims its return
 * away from the opponent's paddle.
 */
export function humanPlayer(
  side: Side,
  options: { reactionTicks: number; errorUnits: number; seed: number },
): Controller {
  const seen: Seen[] = [];
  let rng = seedState(options.seed);
  let lastVX = 0;
  let error = 0;
  return (state) => {
    const cfg = state.config;
    seen.push({
      x: state.ballX,
      y: state.ballY,
      vx: state.ballVX,
      vy: state.ballVY,
      speed: state.ballSpeed,
      play: state.phase === 'play',
      opponentY: side === 0 ? state.rightY : state.leftY,
    });
    if (seen.length > options.reactionTicks + 1) seen.shift();
    const view = seen[0]!;
    if (view.vx !== lastVX) {
      lastVX = view.vx;
      rng = nextRandom(rng);
      error = ((rng % (2 * options.errorUnits + 1)) - options.errorUnits) * FP_ONE;
    }
    const arrival = view.play ? predictArrival(cfg, view, side) : null;
    if (arrival === null) return toward(state, side, cfg.height >> 1);
    const reach = cfg.paddleHalf + cfg.ballHalf;
    let best = arrival.y;
    let bestGap = -1;
    for (let bucket = -5; bucket <= 5; bucket++) {
      const paddle = clamp(
        arrival.y - Math.trunc((bucket * reach) / ANGLE_STEPS),
        cfg.paddleHalf,
        cfg.height - cfg.paddleHalf,
      );
      const out = predictBounce(cfg, { y: arrival.y, speed: view.speed }, side, paddle);
      const landing = out && predictArrival(cfg, out, side === 0 ? 1 : 0);
      const gap = landing ? Math.abs(landing.y - view.opponentY) : -1;
      if (gap > bestGap) {
        bestGap = gap;
        best = paddle;
      }
    }
    return toward(state, side, best + error);
  };
}
