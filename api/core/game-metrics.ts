/**
 * The match runner's metrics: game_matches_active, game_spectators,
 * game_tick_duration_seconds, game_tick_lateness_seconds and
 * game_matches_finished_total{kind,outcome}. Labels come from the contract's
 * allow-lists, so a match kind or end reason can never invent a series.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { gameMatchKinds, gameMatchOutcomes, metrics as spec } from '../contract/metrics.ts';

/** What the metrics need to know of a match and of how it ended. */
export interface MatchLabels {
  kind: 'direct' | 'matchmaking' | 'tournament' | 'bot';
  ranked: boolean;
}
export interface EndLabels {
  outcome: 'finished' | 'aborted' | 'forfeited';
  reason: string;
}

/** The match runner's metrics (api/game/runner.ts records them). */
export interface RunnerMetrics {
  tick(durationSec: number, latenessSec: number): void;
  gauges(activeMatches: number, spectators: number): void;
  finished(match: MatchLabels, decision: EndLabels, started: boolean): void;
}

/** Reasons of an abort that mean the match never got going (no one was let down mid-game). */
const cancelReasons = new Set(['declined', 'invite_expired', 'not_ready', 'left', 'cancelled']);

export function matchKindLabel(spec: MatchLabels): (typeof gameMatchKinds)[number] {
  if (spec.kind === 'bot' || spec.kind === 'tournament') return spec.kind;
  return spec.ranked ? 'ranked' : 'casual';
}

export function matchOutcomeLabel(
  decision: EndLabels,
  started: boolean,
): (typeof gameMatchOutcomes)[number] {
  if (decision.outcome === 'finished') return 'completed';
  if (decision.outcome === 'forfeited') return 'forfeit';
  return !started && cancelReasons.has(decision.reason) ? 'cancelled' : 'abandoned';
}

export function createGameMetrics(registry: Registry): RunnerMetrics {
  const active = new Gauge({
    name: spec.gameMatchesActive.name,
    help: spec.gameMatchesActive.help,
    registers: [registry],
  });
  const spectators = new Gauge({
    name: spec.gameSpectators.name,
    help: spec.gameSpectators.help,
    registers: [registry],
  });
  const histogram = (m: { name: string; help: string; buckets: readonly number[] }) =>
    new Histogram({ name: m.name, help: m.help, buckets: [...m.buckets], registers: [registry] });
  const duration = histogram(spec.gameTickDuration);
  const lateness = histogram(spec.gameTickLateness);
  const finished = new Counter({
    name: spec.gameMatchesFinishedTotal.name,
    help: spec.gameMatchesFinishedTotal.help,
    labelNames: [...spec.gameMatchesFinishedTotal.labels],
    registers: [registry],
  });
  // Every allowed series exists from the start, so rate() sees the first increment.
  for (const kind of gameMatchKinds)
    for (const outcome of gameMatchOutcomes) finished.inc({ kind, outcome }, 0);
  return {
    tick(durationSec, latenessSec) {
      duration.observe(durationSec);
      lateness.observe(latenessSec);
    },
    gauges(activeMatches, watching) {
      active.set(activeMatches);
      spectators.set(watching);
    },
    finished(match, decision, started) {
      finished.inc({ kind: matchKindLabel(match), outcome: matchOutcomeLabel(decision, started) });
    },
  };
}
