/**
 * The runner's configuration, hooks and options, and what a match end
 * reports: the seams between the loop (runner.ts) and the services that store
 * results (api/domain/games/results.ts).
 */
import type { Direction } from '../contract/game.ts';
import type { RunnerMetrics } from '../core/game-metrics.ts';
import type { Logger } from '../core/logger.ts';
import type { GameTransport } from './broadcast.ts';
import type { EndDecision, LiveState, MatchSpec } from './live-match.ts';
import type { Timing } from './match-tick.ts';
import type { MatchStats } from './match-stats.ts';
import type { Scheduler } from './ticker.ts';

export interface RunnerConfig extends Timing {
  /** game.state to players, per second (at most the simulation's 60). */
  stateRateHz: number;
  /** game.state to spectators and replays, per second. */
  spectatorRateHz: number;
  inviteTtlMs: number;
  /** Inputs one player may send per tick; more are refused with RATE_LIMITED. */
  maxInputsPerTick: number;
}

/** Everything the end's transaction stores. `stats` and `inputLog` are null when the match never started. */
export interface MatchResult {
  spec: MatchSpec;
  decision: EndDecision;
  score: [number, number];
  ticks: number;
  stats: MatchStats | null;
  inputLog: string | null;
}

export interface RunnerHooks {
  /** The match entered `ready` (accepted), `countdown` or `playing` for the first time. */
  onState(spec: MatchSpec, state: LiveState): void;
  /**
   * Stores the result (or holds it durably until it can be); resolves with
   * whether it is stored yet and, if so, each side's rating change (ranked
   * matches) for `game.end`.
   */
  onEnd(
    result: MatchResult,
  ): Promise<{ stored: boolean; ratingChanges?: [number | null, number | null] }>;
}

export interface RunnerOptions {
  config: RunnerConfig;
  scheduler: Scheduler;
  transport: GameTransport;
  hooks: RunnerHooks;
  logger: Logger;
  metrics?: RunnerMetrics;
}

export interface InputMessage {
  matchId: string;
  seq: number;
  dir: Direction;
}
