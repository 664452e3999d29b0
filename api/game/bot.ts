/**
 * The AI opponent. It follows the ft_transcendence rules: it looks at the match
 * at most once per second (`botInput` calls its `observe` callback only then),
 * and it acts only through the keyboard a player has, one direction (-1/0/1)
 * per tick, with the same paddle speed as everyone. Between looks it knows only
 * where its own paddle is (from the keys it pressed) and where it predicted the
 * ball would go. Levels differ in reaction delay, aim error and how cleverly
 * they aim — never in speed.
 */
import { type BotLevel, type Direction, type GameSettings } from '../contract/game.ts';
import { type MatchState, type Side } from './engine.ts';
import { predictArrival, predictBounce, type Flight } from './bot-predict.ts';
import {
  ANGLE_STEPS,
  FP_ONE,
  clamp,
  engineConfig,
  nextRandom,
  seedState,
  type EngineConfig,
} from './fixed.ts';

/** Ticks between two looks at the match: once per second at 60 Hz. */
export const BOT_OBSERVE_INTERVAL = 60;

export interface BotProfile {
  /** Ticks between a look and acting on it (a human's reaction time). */
  reactionTicks: number;
  /** Uniform error on where it puts its paddle, ± field units. */
  aimErrorUnits: number;
  /** centre: meets the ball mid-paddle; random: a random angle; away: the angle that lands farthest from the opponent. */
  aim: 'centre' | 'random' | 'away';
  /** What it does while the ball flies away: stay, drift back to the centre, or predict the opponent's return. */
  idle: 'stay' | 'centre' | 'predict';
}

export const BOT_PROFILES: Readonly<Record<BotLevel, BotProfile>> = Object.freeze({
  easy: { reactionTicks: 30, aimErrorUnits: 45, aim: 'centre', idle: 'stay' },
  normal: { reactionTicks: 15, aimErrorUnits: 25, aim: 'random', idle: 'centre' },
  hard: { reactionTicks: 6, aimErrorUnits: 8, aim: 'away', idle: 'predict' },
});

/** A bot's private memory. Mutated by `botInput`; one per bot player. */
export interface Bot {
  readonly side: Side;
  readonly level: BotLevel;
  readonly profile: BotProfile;
  readonly config: EngineConfig;
  rng: number;
  /** Tick of the last look, or -Infinity before the first. */
  lastLook: number;
  /** Where it believes its paddle is (exact: it knows the keys it pressed). */
  paddleY: number;
  /** The paddle position it is moving to, and the one it will move to from `nextFrom`. */
  target: number;
  nextTarget: number;
  nextFrom: number;
}

export interface BotOptions {
  side: Side;
  level: BotLevel;
  settings: GameSettings;
  /** Seeds its aim errors; any integer. */
  seed: number;
}

export function createBot(options: BotOptions): Bot {
  const config = engineConfig(options.settings);
  const centre = config.height >> 1;
  return {
    side: options.side,
    level: options.level,
    profile: BOT_PROFILES[options.level],
    config,
    rng: seedState(options.seed ^ 0x5eed),
    lastLook: -Infinity,
    paddleY: centre,
    target: centre,
    nextTarget: centre,
    nextFrom: 0,
  };
}

/**
 * The key the bot holds on the tick after `tick`. `observe` returns the live
 * match state and is called at most once per `BOT_OBSERVE_INTERVAL` ticks;
 * the bot copies what it needs and never keeps the reference.
 */
export function botInput(bot: Bot, tick: number, observe: () => MatchState): Direction {
  if (tick - bot.lastLook >= BOT_OBSERVE_INTERVAL) {
    const state = observe();
    bot.lastLook = tick;
    bot.paddleY = bot.side === 0 ? state.leftY : state.rightY;
    bot.nextTarget = plan(bot, state);
    bot.nextFrom = tick + bot.profile.reactionTicks;
  }
  if (tick >= bot.nextFrom) bot.target = bot.nextTarget;
  const cfg = bot.config;
  const diff = bot.target - bot.paddleY;
  // Stop within half a step of the target instead of jittering around it.
  const dir: Direction = diff > cfg.paddleStep >> 1 ? 1 : diff < -(cfg.paddleStep >> 1) ? -1 : 0;
  if (dir !== 0)
    bot.paddleY = clamp(
      bot.paddleY + dir * cfg.paddleStep,
      cfg.paddleHalf,
      cfg.height - cfg.paddleHalf,
    );
  return dir;
}

function flightOf(state: MatchState): Flight {
  return {
    x: state.ballX,
    y: state.ballY,
    vx: state.ballVX,
    vy: state.ballVY,
    speed: state.ballSpeed,
  };
}

/** Where to put the paddle, decided from one look at the match. */
function plan(bot: Bot, state: MatchState): number {
  const cfg = bot.config;
  const centre = cfg.height >> 1;
  if (state.phase !== 'play') return bot.profile.idle === 'stay' ? bot.paddleY : centre;
  const ball = flightOf(state);
  const opponentY = bot.side === 0 ? state.rightY : state.leftY;
  const incoming = predictArrival(cfg, ball, bot.side);
  if (incoming !== null)
    return withError(bot, aimAt(bot, { y: incoming.y, speed: ball.speed }, opponentY));
  if (bot.profile.idle === 'stay') return bot.paddleY;
  if (bot.profile.idle === 'centre') return centre;
  const other: Side = bot.side === 0 ? 1 : 0;
  const away = predictArrival(cfg, ball, other);
  const back = away && predictBounce(cfg, { y: away.y, speed: ball.speed }, other, opponentY);
  const ret = back ? predictArrival(cfg, back, bot.side) : null;
  return ret ? withError(bot, ret.y) : centre;
}

/** The paddle position that meets a ball arriving at `arrival.y`, per the aim style. */
function aimAt(bot: Bot, arrival: { y: number; speed: number }, opponentY: number): number {
  const cfg = bot.config;
  const reach = cfg.paddleHalf + cfg.ballHalf;
  const place = (bucket: number) =>
    clamp(
      arrival.y - Math.trunc((bucket * reach) / ANGLE_STEPS),
      cfg.paddleHalf,
      cfg.height - cfg.paddleHalf,
    );
  if (bot.profile.aim === 'centre') return place(0);
  if (bot.profile.aim === 'random') return place(randomInt(bot, 9) - 4);
  const other: Side = bot.side === 0 ? 1 : 0;
  let best = place(0);
  let bestGap = -1;
  // Buckets tried from straight outwards, so a tie keeps the safer, flatter shot.
  for (const bucket of [0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6]) {
    const paddle = place(bucket);
    const out = predictBounce(cfg, arrival, bot.side, paddle);
    const landing = out && predictArrival(cfg, out, other);
    const gap = landing ? Math.abs(landing.y - opponentY) : -1;
    if (gap > bestGap) {
      bestGap = gap;
      best = paddle;
    }
  }
  return best;
}

function randomInt(bot: Bot, n: number): number {
  bot.rng = nextRandom(bot.rng);
  return bot.rng % n;
}

function withError(bot: Bot, y: number): number {
  const e = bot.profile.aimErrorUnits * FP_ONE;
  const cfg = bot.config;
  const err = e === 0 ? 0 : randomInt(bot, 2 * e + 1) - e;
  return clamp(y + err, cfg.paddleHalf, cfg.height - cfg.paddleHalf);
}
