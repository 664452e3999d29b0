/**
 * Engine state → the `game.state` snapshot of the contract (integer field
 * units). The runner adds what the engine does not know: match id, names,
 * spectators, and the countdown/paused phases it drives around the engine.
 * Two forms of the same snapshot: the object (`toGameView`, for joins,
 * inspection, replays) and its JSON text written straight from the engine
 * (`openStateText`, for every match on every loop tick).
 */
import {
  BALL_SIZE,
  FIELD_HEIGHT,
  FIELD_WIDTH,
  PADDLE_WIDTH,
  type GameView,
} from '../contract/game.ts';
import { isAsciiText } from '../core/ascii.ts';
import { type MatchState } from './engine.ts';
import { FP_SHIFT, perSecond, type EngineConfig } from './fixed.ts';

export interface ViewMeta {
  matchId: string;
  players: GameView['players'];
  spectators: number;
  /** Overrides the engine's phase (the runner's countdown, paused, waiting). */
  phase?: GameView['phase'];
  countdown?: number;
  lastSeq?: number;
}

/** Sub-units → field units, rounded to nearest. */
function units(subUnits: number): number {
  return (subUnits + (1 << (FP_SHIFT - 1))) >> FP_SHIFT;
}

const paddleHeight = (cfg: EngineConfig) => units(cfg.paddleHalf * 2);

export function toGameView(state: MatchState, meta: ViewMeta): GameView {
  const cfg = state.config;
  const height = paddleHeight(cfg);
  const view: GameView = {
    matchId: meta.matchId,
    tick: state.tick,
    phase: meta.phase ?? state.phase,
    field: { width: FIELD_WIDTH, height: FIELD_HEIGHT },
    ball: {
      x: units(state.ballX),
      y: units(state.ballY),
      size: BALL_SIZE,
      speed: perSecond(state.ballSpeed),
    },
    paddles: [
      { x: units(cfg.leftX), y: units(state.leftY), width: PADDLE_WIDTH, height },
      { x: units(cfg.rightX), y: units(state.rightY), width: PADDLE_WIDTH, height },
    ],
    score: [state.leftScore, state.rightScore],
    players: meta.players,
    spectators: meta.spectators,
  };
  if (meta.countdown !== undefined) view.countdown = meta.countdown;
  if (meta.lastSeq !== undefined) view.lastSeq = meta.lastSeq;
  return view;
}

/** The stretches of a match's state text that never change, each serialised once. */
export interface StateTextParts {
  /** `{"matchId":…,"tick":` */
  readonly open: string;
  /** From the field to the ball's x. */
  readonly field: string;
  /** Between the ball's y and its speed. */
  readonly ball: string;
  /** Before the left paddle's y; between it and the right paddle's y; from there to the score. */
  readonly left: string;
  readonly right: string;
  readonly score: string;
  /** From the players to the spectator count. */
  readonly players: string;
  /** Every part is ASCII (names may not be), so every state text of the match is: frames need no scan. */
  readonly ascii: boolean;
}

export function stateTextParts(
  matchId: string,
  players: GameView['players'],
  cfg: EngineConfig,
): StateTextParts {
  const size = `"width":${PADDLE_WIDTH},"height":${paddleHeight(cfg)}`;
  const parts = {
    open: `{"matchId":${JSON.stringify(matchId)},"tick":`,
    field: `,"field":{"width":${FIELD_WIDTH},"height":${FIELD_HEIGHT}},"ball":{"x":`,
    ball: `,"size":${BALL_SIZE},"speed":`,
    left: `},"paddles":[{"x":${units(cfg.leftX)},"y":`,
    right: `,${size}},{"x":${units(cfg.rightX)},"y":`,
    score: `,${size}}],"score":[`,
    players: `],"players":${JSON.stringify(players)},"spectators":`,
  };
  return { ...parts, ascii: Object.values(parts).every(isAsciiText) };
}

/**
 * `JSON.stringify(toGameView(state, meta))` without its closing brace, and
 * without building the view: same keys in the same order, the numbers
 * computed as toGameView computes them. The caller closes it with `}`, or
 * with a player's `,"lastSeq":n}`.
 */
export function openStateText(
  state: MatchState,
  parts: StateTextParts,
  phase: GameView['phase'] | undefined,
  countdown: number | undefined,
  spectators: number,
): string {
  const text =
    parts.open +
    state.tick +
    ',"phase":"' +
    (phase ?? state.phase) +
    '"' +
    parts.field +
    units(state.ballX) +
    ',"y":' +
    units(state.ballY) +
    parts.ball +
    perSecond(state.ballSpeed) +
    parts.left +
    units(state.leftY) +
    parts.right +
    units(state.rightY) +
    parts.score +
    state.leftScore +
    ',' +
    state.rightScore +
    parts.players +
    spectators;
  return countdown === undefined ? text : text + ',"countdown":' + countdown;
}
