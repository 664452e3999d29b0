/**
 * Tournament metrics: tournaments_active{state}, tournament_rounds_completed_total{format},
 * tournament_forfeits_total and tournament_oldest_round_age_seconds. The gauges
 * are set from the database by the tournament scheduler, so every instance
 * reports the same platform-wide values; labels come from fixed allow-lists.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { metrics as spec } from '../contract/metrics.ts';

export const tournamentGaugeStates = ['registration', 'running', 'paused'] as const;
export const tournamentFormats = ['single_elimination', 'round_robin'] as const;

export interface TournamentMetrics {
  roundCompleted(format: (typeof tournamentFormats)[number]): void;
  forfeits(count: number): void;
  gauges(byState: ReadonlyMap<string, number>, oldestRoundAgeSec: number): void;
}

export function createTournamentMetrics(registry: Registry): TournamentMetrics {
  const active = new Gauge({
    name: spec.tournamentsActive.name,
    help: spec.tournamentsActive.help,
    labelNames: [...spec.tournamentsActive.labels],
    registers: [registry],
  });
  const rounds = new Counter({
    name: spec.tournamentRoundsCompletedTotal.name,
    help: spec.tournamentRoundsCompletedTotal.help,
    labelNames: [...spec.tournamentRoundsCompletedTotal.labels],
    registers: [registry],
  });
  const forfeits = new Counter({
    name: spec.tournamentForfeitsTotal.name,
    help: spec.tournamentForfeitsTotal.help,
    registers: [registry],
  });
  const oldest = new Gauge({
    name: spec.tournamentOldestRoundAge.name,
    help: spec.tournamentOldestRoundAge.help,
    registers: [registry],
  });
  // Every allowed series exists from the start, so rate() sees the first increment.
  for (const state of tournamentGaugeStates) active.set({ state }, 0);
  for (const format of tournamentFormats) rounds.inc({ format }, 0);
  oldest.set(0);
  return {
    roundCompleted: (format) => rounds.inc({ format }),
    forfeits: (count) => {
      if (count > 0) forfeits.inc(count);
    },
    gauges(byState, oldestRoundAgeSec) {
      for (const state of tournamentGaugeStates) active.set({ state }, byState.get(state) ?? 0);
      oldest.set(Math.max(0, oldestRoundAgeSec));
    },
  };
}
