/**
 * A match while the runner holds it: its two seats (a user with the socket it
 * joined from, or a bot), the engine state, the input log and statistics being
 * recorded, its spectators, and the lifecycle state with the one deadline that
 * state has (invite expiry, ready timeout, countdown end, grace end).
 */
import {
  type BotLevel,
  type Direction,
  type GameEvent,
  type GameSettings,
  type GameView,
} from '../contract/game.ts';
import { createBot, type Bot } from './bot.ts';
import { createMatchState, type MatchState, type Side } from './engine.ts';
import { createInputLog, type InputLog } from './input-log.ts';
import { createMatchStats, type MatchStatsAccumulator } from './match-stats.ts';
import { Spectators } from './spectators.ts';
import { openStateText, stateTextParts, toGameView, type StateTextParts } from './view.ts';

/** A socket as the runner sees it; the gateway's Connection satisfies it. */
export interface Peer {
  readonly id: string;
  readonly userId: string;
}

export const matchKindValues = ['direct', 'matchmaking', 'tournament', 'bot'] as const;
export type MatchKind = (typeof matchKindValues)[number];
export type Visibility = 'public' | 'private';
/** Lifecycle states a match has in the runner; the final ones only exist in the database. */
export type LiveState = 'pending' | 'ready' | 'countdown' | 'playing';
export type Outcome = 'finished' | 'aborted' | 'forfeited';

export type SeatSpec = { userId: string; username: string } | { bot: BotLevel };

/** What a service hands the runner to start holding a match. */
export interface MatchSpec {
  id: string;
  kind: MatchKind;
  ranked: boolean;
  visibility: Visibility;
  settings: GameSettings;
  seed: number;
  players: [SeatSpec, SeatSpec];
  /** `pending` waits for the invited player's accept; `ready` waits for both to join and be ready. */
  state: 'pending' | 'ready';
  /** No ready timeout: the caller decides no-shows (a tournament's join timeout). */
  holdReady?: boolean;
}

export interface Seat {
  readonly userId: string | null;
  readonly username: string;
  readonly botLevel: BotLevel | null;
  readonly bot: Bot | null;
  /** The socket that joined for this seat (null: not joined, or disconnected). */
  peer: Peer | null;
  ready: boolean;
  /** The key held from the next tick on, and the sequence number of the input that set it. */
  dir: Direction;
  seq: number;
  /** The seq in force when the last tick was stepped: what the player gets back as lastSeq. */
  appliedSeq: number;
  /** Inputs received since the last tick (flood guard). */
  inputs: number;
}

export interface LiveMatch {
  readonly spec: MatchSpec;
  state: LiveState;
  /** A player is away: the engine stands still until they are back or the grace period ends. */
  paused: boolean;
  /**
   * Monotonic ms of the current state's deadline: invite expiry (pending),
   * ready timeout (ready), countdown end (countdown), grace end (paused), end
   * of the resume countdown (playing after a pause); null while playing.
   */
  deadline: number | null;
  readonly engine: MatchState;
  /** This tick's engine events (reused array). */
  readonly events: GameEvent[];
  readonly log: InputLog;
  readonly stats: MatchStatsAccumulator;
  readonly seats: [Seat, Seat];
  readonly spectators: Spectators;
  /** Whether the engine ever ran (a match ended before that has no stats or log). */
  started: boolean;
  readonly players: GameView['players'];
  /** This tick's inputs [left, right] (reused). */
  readonly inputs: [Direction, Direction];
  /** Set when the match must leave the loop, with how it ended. */
  ending: EndDecision | null;
  /** What never changes of its state text, serialised once (view.ts openStateText). */
  readonly text: StateTextParts;
}

/** How a match ended: outcome, why, and the winning side (null: no winner). */
export interface EndDecision {
  outcome: Outcome;
  reason: string;
  winnerSide: Side | null;
}

function seatOf(spec: SeatSpec, side: Side, match: { settings: GameSettings; seed: number }): Seat {
  const common = {
    peer: null,
    ready: false,
    dir: 0 as Direction,
    seq: 0,
    appliedSeq: 0,
    inputs: 0,
  };
  if ('bot' in spec) {
    const bot = createBot({
      side,
      level: spec.bot,
      settings: match.settings,
      seed: match.seed + side,
    });
    return { ...common, userId: null, username: 'bot', botLevel: spec.bot, bot, ready: true };
  }
  return { ...common, userId: spec.userId, username: spec.username, botLevel: null, bot: null };
}

/** `spectatorPhases`: how many spectator groups take turns (spectators.ts). */
export function createLiveMatch(spec: MatchSpec, deadline: number, spectatorPhases = 1): LiveMatch {
  const seats: [Seat, Seat] = [seatOf(spec.players[0], 0, spec), seatOf(spec.players[1], 1, spec)];
  const players = seats.map((s) =>
    s.botLevel ? { username: s.username, bot: s.botLevel } : { username: s.username },
  ) as GameView['players'];
  const engine = createMatchState(spec.settings, spec.seed);
  return {
    spec,
    state: spec.state,
    paused: false,
    deadline,
    engine,
    events: [],
    log: createInputLog(),
    stats: createMatchStats(spec.settings),
    seats,
    spectators: new Spectators(spectatorPhases),
    started: false,
    players,
    inputs: [0, 0],
    ending: null,
    text: stateTextParts(spec.id, players, engine.config),
  };
}

/** The seat of a user in this match, or undefined. */
export function seatOfUser(match: LiveMatch, userId: string): Seat | undefined {
  return match.seats.find((s) => s.userId === userId);
}

/** Human seats that have no socket right now. */
export function absentSeats(match: LiveMatch): Seat[] {
  return match.seats.filter(isAbsent);
}

/** A human seat without a socket right now. */
export function isAbsent(seat: Seat): boolean {
  return seat.bot === null && seat.peer === null;
}

/** The phase the runner shows over the engine's own (undefined: the engine's). */
function phaseOf(match: LiveMatch): GameView['phase'] | undefined {
  if (match.state === 'pending' || match.state === 'ready') return 'waiting';
  if (match.paused) return 'paused';
  if (match.state === 'countdown' || match.deadline !== null) return 'countdown';
  return undefined;
}

/** Whole seconds to the deadline, shown while counting down or paused. */
function countdownOf(match: LiveMatch, phase: GameView['phase'] | undefined, now: number) {
  if ((phase !== 'countdown' && phase !== 'paused') || match.deadline === null) return undefined;
  return Math.max(0, Math.ceil((match.deadline - now) / 1000));
}

/** The contract's view of the match at this moment (without lastSeq, which is per player). */
export function viewOf(match: LiveMatch, now: number): GameView {
  const phase = phaseOf(match);
  return toGameView(match.engine, {
    matchId: match.spec.id,
    players: match.players,
    spectators: match.spectators.size,
    phase,
    countdown: countdownOf(match, phase, now),
  });
}

/** viewOf as JSON text, less its closing brace (view.ts openStateText): what each loop tick sends. */
export function openStateTextOf(match: LiveMatch, now: number): string {
  const phase = phaseOf(match);
  const countdown = countdownOf(match, phase, now);
  return openStateText(match.engine, match.text, phase, countdown, match.spectators.size);
}

/** What an admin sees of a running match. */
export interface MatchInspection {
  state: LiveState;
  paused: boolean;
  deadlineInMs: number | null;
  view: GameView;
  seats: {
    username: string;
    bot: BotLevel | null;
    connected: boolean;
    ready: boolean;
    lastSeq: number;
  }[];
  spectators: number;
}

export function inspectMatch(match: LiveMatch, now: number): MatchInspection {
  return {
    state: match.state,
    paused: match.paused,
    deadlineInMs: match.deadline === null ? null : Math.max(0, Math.round(match.deadline - now)),
    view: viewOf(match, now),
    seats: match.seats.map((s) => ({
      username: s.username,
      bot: s.botLevel,
      connected: s.bot !== null || s.peer !== null,
      ready: s.ready,
      lastSeq: s.appliedSeq,
    })),
    spectators: match.spectators.size,
  };
}
