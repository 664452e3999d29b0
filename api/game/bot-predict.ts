/**
 * Ball path prediction for the bot: where a ball crosses a paddle's contact
 * line after any number of wall bounces (the straight path folded into the
 * field), and how a paddle standing at a given height would send it back. Same
 * integer rules as the engine, so a prediction from an up-to-date view is exact
 * to a sub-unit or two.
 */
import { type Side } from './engine.ts';
import { ANGLE_STEPS, COS_1024, SIN_1024, clamp, roundDiv, type EngineConfig } from './fixed.ts';

/** A ball in flight: position and velocity in sub-units (per tick). */
export interface Flight {
  x: number;
  y: number;
  vx: number;
  vy: number;
  speed: number;
}

/** Folds an unbounded y into [top, bottom] as the walls would reflect it. */
export function foldY(rawY: number, top: number, bottom: number): number {
  const span = bottom - top;
  const period = 2 * span;
  let m = (rawY - top) % period;
  if (m < 0) m += period;
  return top + (m > span ? period - m : m);
}

/** The y at which the ball reaches `side`'s contact line, and the ticks it takes; null if it flies the other way. */
export function predictArrival(
  cfg: EngineConfig,
  ball: Flight,
  side: Side,
): { y: number; ticks: number; vy: number } | null {
  const contact = side === 0 ? cfg.leftContact : cfg.rightContact;
  if (ball.vx === 0 || (side === 0) !== ball.vx < 0) return null;
  const dx = contact - ball.x;
  const rawY = ball.y + Math.trunc((ball.vy * dx) / ball.vx);
  const top = cfg.ballHalf;
  const bottom = cfg.height - cfg.ballHalf;
  const span = bottom - top;
  const folds = Math.floor((rawY - top) / span);
  return {
    y: foldY(rawY, top, bottom),
    ticks: Math.max(0, Math.trunc(dx / ball.vx)),
    vy: folds % 2 === 0 ? ball.vy : -ball.vy,
  };
}

/**
 * How the ball leaves `side`'s paddle if that paddle stands at `paddleY` when the
 * ball arrives at `arrivalY`; null when the paddle would miss.
 */
export function predictBounce(
  cfg: EngineConfig,
  arrival: { y: number; speed: number },
  side: Side,
  paddleY: number,
): Flight | null {
  const reach = cfg.paddleHalf + cfg.ballHalf;
  const offset = arrival.y - paddleY;
  if (offset > reach || offset < -reach) return null;
  const bucket = clamp(roundDiv(offset * ANGLE_STEPS, reach), -ANGLE_STEPS, ANGLE_STEPS);
  const k = bucket < 0 ? -bucket : bucket;
  const speed = Math.min(arrival.speed + cfg.speedUp, cfg.speedMax);
  const vx = (speed * COS_1024[k]!) >> 10;
  const vy = (speed * SIN_1024[k]!) >> 10;
  return {
    x: side === 0 ? cfg.leftContact : cfg.rightContact,
    y: arrival.y,
    vx: side === 0 ? vx : -vx,
    vy: bucket < 0 ? -vy : vy,
    speed,
  };
}
