/**
 * The Pong simulation: a fixed 60 Hz timestep over integer state, so the same
 * settings, seed and inputs give bit-identical states anywhere (which is what
 * makes replays exact). Pure: no clock, no I/O, no Math.random.
 *
 * `step` is the functional form (copies the state). `advance` mutates a state in
 * place and appends to a caller-owned events array; the match runner uses it so
 * a tick of hundreds of matches allocates nothing but the rare event objects.
 */
import { type Direction, type GameEvent, type GameSettings } from '../contract/game.ts';
import {
  ANGLE_STEPS,
  COS_1024,
  SERVE_MAX_STEP,
  SIN_1024,
  clamp,
  engineConfig,
  nextRandom,
  roundDiv,
  seedState,
  type EngineConfig,
} from './fixed.ts';

export type Side = 0 | 1;
export type Phase = 'serve' | 'play' | 'ended';
/** Inputs of one tick: [left, right]. */
export type TickInputs = readonly [Direction, Direction];

/** Positions and speeds in sub-units (1/256 field unit); everything is an integer. */
export interface MatchState {
  readonly config: EngineConfig;
  tick: number;
  rng: number;
  phase: Phase;
  /** Ticks left before the ball leaves the centre spot (phase serve). */
  serveTimer: number;
  receiver: Side;
  ballX: number;
  ballY: number;
  ballVX: number;
  ballVY: number;
  /** Current ball speed (the magnitude the next bounce uses). */
  ballSpeed: number;
  leftY: number;
  rightY: number;
  leftScore: number;
  rightScore: number;
  /** Paddle hits since the last serve. */
  rally: number;
  winner: Side | null;
  endReason: 'points' | 'time' | null;
}

export interface StepResult {
  state: MatchState;
  events: GameEvent[];
}

/** A fresh match: paddles centred, ball on the centre spot waiting for the first serve. */
export function createMatchState(settings: GameSettings, seed: number): MatchState {
  const config = engineConfig(settings);
  let rng = seedState(seed);
  let receiver: Side;
  if (config.serveFirst === -1) {
    rng = nextRandom(rng);
    receiver = (rng & 1) as Side;
  } else {
    receiver = config.serveFirst as Side;
  }
  return {
    config,
    tick: 0,
    rng,
    phase: 'serve',
    serveTimer: config.serveDelayTicks,
    receiver,
    ballX: config.width >> 1,
    ballY: config.height >> 1,
    ballVX: 0,
    ballVY: 0,
    ballSpeed: config.speedStart,
    leftY: config.height >> 1,
    rightY: config.height >> 1,
    leftScore: 0,
    rightScore: 0,
    rally: 0,
    winner: null,
    endReason: null,
  };
}

/** One tick, functional: the input state is left untouched. */
export function step(state: MatchState, inputs: TickInputs): StepResult {
  const next = { ...state };
  const events: GameEvent[] = [];
  advance(next, inputs, events);
  return { state: next, events };
}

/** One tick, in place: mutates `state` and pushes this tick's events onto `events`. */
export function advance(state: MatchState, inputs: TickInputs, events: GameEvent[]): void {
  if (state.phase === 'ended') return;
  const cfg = state.config;
  state.tick += 1;
  state.leftY = movePaddle(cfg, state.leftY, inputs[0]);
  state.rightY = movePaddle(cfg, state.rightY, inputs[1]);
  if (state.phase === 'serve') {
    if (state.serveTimer > 0) state.serveTimer -= 1;
    else launch(state, events);
  } else {
    moveBall(state, events);
  }
  if (state.endReason === null && state.tick >= cfg.maxTicks) {
    const lead = state.leftScore - state.rightScore;
    finish(state, lead > 0 ? 0 : lead < 0 ? 1 : null, 'time', events);
  }
}

function movePaddle(cfg: EngineConfig, y: number, dir: number): number {
  if (dir === 0) return y;
  const moved = dir < 0 ? y - cfg.paddleStep : y + cfg.paddleStep;
  return clamp(moved, cfg.paddleHalf, cfg.height - cfg.paddleHalf);
}

function launch(state: MatchState, events: GameEvent[]): void {
  let bucket = 0;
  if (state.config.serveRandomAngle) {
    state.rng = nextRandom(state.rng);
    bucket = (state.rng % (2 * SERVE_MAX_STEP + 1)) - SERVE_MAX_STEP;
  }
  setVelocity(state, state.receiver === 0 ? -1 : 1, bucket);
  state.phase = 'play';
  state.rally = 0;
  events.push({ type: 'serve', tick: state.tick, receiver: state.receiver });
}

/** Velocity from the current speed, a horizontal sign and an angle bucket in [-8, 8]. */
function setVelocity(state: MatchState, xSign: number, bucket: number): void {
  const k = bucket < 0 ? -bucket : bucket;
  const vx = (state.ballSpeed * COS_1024[k]!) >> 10;
  const vy = (state.ballSpeed * SIN_1024[k]!) >> 10;
  state.ballVX = xSign < 0 ? -vx : vx;
  state.ballVY = bucket < 0 ? -vy : vy;
}

function moveBall(state: MatchState, events: GameEvent[]): void {
  const cfg = state.config;
  const prevX = state.ballX;
  const prevY = state.ballY;
  const vy = state.ballVY;
  let y = prevY + vy;
  const top = cfg.ballHalf;
  const bottom = cfg.height - cfg.ballHalf;
  if (y < top || y > bottom) {
    // Speeds are bounded far below the field height, so one reflection suffices; clamp guards the bound.
    y = clamp(y < top ? 2 * top - y : 2 * bottom - y, top, bottom);
    state.ballVY = -vy;
    events.push({ type: 'wall', tick: state.tick });
  }
  state.ballX = prevX + state.ballVX;
  state.ballY = y;
  if (state.ballVX < 0 && prevX >= cfg.leftContact && state.ballX < cfg.leftContact) {
    bounce(state, { prevX, prevY, vy, side: 0 }, events);
  } else if (state.ballVX > 0 && prevX <= cfg.rightContact && state.ballX > cfg.rightContact) {
    bounce(state, { prevX, prevY, vy, side: 1 }, events);
  }
  if (state.ballX <= cfg.ballHalf) score(state, 1, events);
  else if (state.ballX >= cfg.width - cfg.ballHalf) score(state, 0, events);
}

/** Where the ball was before this tick's move, and its vertical speed before any wall reflection. */
interface Crossing {
  prevX: number;
  prevY: number;
  vy: number;
  side: Side;
}

/**
 * The ball crossed a paddle's contact line this tick: if the paddle covers the
 * crossing point, reflect it with an angle set by where it hit (centre straight,
 * edges up to 60°) and speed it up. A miss leaves the ball flying to the goal.
 */
function bounce(state: MatchState, c: Crossing, events: GameEvent[]): void {
  const cfg = state.config;
  const contact = c.side === 0 ? cfg.leftContact : cfg.rightContact;
  const yc = clamp(
    c.prevY + Math.trunc((c.vy * (c.prevX - contact)) / (c.prevX - state.ballX)),
    cfg.ballHalf,
    cfg.height - cfg.ballHalf,
  );
  const reach = cfg.paddleHalf + cfg.ballHalf;
  const offset = yc - (c.side === 0 ? state.leftY : state.rightY);
  if (offset > reach || offset < -reach) return;
  const bucket = clamp(roundDiv(offset * ANGLE_STEPS, reach), -ANGLE_STEPS, ANGLE_STEPS);
  state.ballSpeed = Math.min(state.ballSpeed + cfg.speedUp, cfg.speedMax);
  setVelocity(state, c.side === 0 ? 1 : -1, bucket);
  state.rally += 1;
  state.ballX = 2 * contact - state.ballX;
  state.ballY = yc;
  events.push({
    type: 'hit',
    tick: state.tick,
    player: c.side,
    speed: state.ballSpeed,
    rally: state.rally,
  });
}

function score(state: MatchState, scorer: Side, events: GameEvent[]): void {
  const cfg = state.config;
  if (scorer === 0) state.leftScore += 1;
  else state.rightScore += 1;
  events.push({
    type: 'score',
    tick: state.tick,
    player: scorer,
    score: [state.leftScore, state.rightScore],
    rally: state.rally,
  });
  state.ballX = cfg.width >> 1;
  state.ballY = cfg.height >> 1;
  state.ballVX = 0;
  state.ballVY = 0;
  state.ballSpeed = cfg.speedStart;
  if ((scorer === 0 ? state.leftScore : state.rightScore) >= cfg.pointsToWin) {
    finish(state, scorer, 'points', events);
    return;
  }
  state.phase = 'serve';
  state.serveTimer = cfg.serveDelayTicks;
  const conceder: Side = scorer === 0 ? 1 : 0;
  state.receiver =
    cfg.serveReceiver === 0
      ? conceder
      : cfg.serveReceiver === 1
        ? scorer
        : state.receiver === 0
          ? 1
          : 0;
}

function finish(
  state: MatchState,
  winner: Side | null,
  reason: 'points' | 'time',
  events: GameEvent[],
): void {
  state.phase = 'ended';
  state.winner = winner;
  state.endReason = reason;
  events.push({ type: 'end', tick: state.tick, winner, reason });
}
