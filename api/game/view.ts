/**
 * Engine state → the `game.state` snapshot of the contract (integer field
 * units). The runner adds what the engine does not know: match id, names,
 * spectators, and the countdown/paused phases it drives around the engine.
 */
import {
  BALL_SIZE,
  FIELD_HEIGHT,
  FIELD_WIDTH,
  PADDLE_WIDTH,
  type GameView,
} from '../contract/game.ts';
import { type MatchState } from './engine.ts';
import { FP_SHIFT, perSecond } from './fixed.ts';

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

export function toGameView(state: MatchState, meta: ViewMeta): GameView {
  const cfg = state.config;
  const paddleHeight = units(cfg.paddleHalf * 2);
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
      { x: units(cfg.leftX), y: units(state.leftY), width: PADDLE_WIDTH, height: paddleHeight },
      { x: units(cfg.rightX), y: units(state.rightY), width: PADDLE_WIDTH, height: paddleHeight },
    ],
    score: [state.leftScore, state.rightScore],
    players: meta.players,
    spectators: meta.spectators,
  };
  if (meta.countdown !== undefined) view.countdown = meta.countdown;
  if (meta.lastSeq !== undefined) view.lastSeq = meta.lastSeq;
  return view;
}
