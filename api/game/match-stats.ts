/**
 * Per-match statistics built from engine events, as the results transaction stores them when a
 * match ends: points and paddle hits per player, longest and average rally,
 * top ball speed, duration and the score timeline. Fed tick by tick by the
 * runner (or by a replay, which yields the same numbers).
 */
import { TICK_RATE, type GameEvent, type GameSettings } from '../contract/game.ts';
import { perSecond, perTick } from './fixed.ts';

export interface MatchStatsAccumulator {
  points: [number, number];
  hits: [number, number];
  /** Paddle hits of each finished point, in order. */
  rallies: number[];
  /** Top speed reached, in sub-units per tick. */
  topSpeed: number;
  lastTick: number;
  timeline: { tick: number; score: [number, number] }[];
}

export interface MatchStats {
  durationSec: number;
  players: [{ points: number; hits: number }, { points: number; hits: number }];
  longestRally: number;
  /** Mean paddle hits per point, 0 without points; two decimals. */
  averageRally: number;
  /** Field units per second. */
  maxBallSpeed: number;
  timeline: { tick: number; score: [number, number] }[];
}

export function createMatchStats(settings: GameSettings): MatchStatsAccumulator {
  return {
    points: [0, 0],
    hits: [0, 0],
    rallies: [],
    topSpeed: perTick(settings.ballSpeed),
    lastTick: 0,
    timeline: [],
  };
}

/** Adds one tick's events (the array `advance` filled, or `step` returned). */
export function recordEvents(stats: MatchStatsAccumulator, events: readonly GameEvent[]): void {
  for (const event of events) {
    stats.lastTick = event.tick;
    if (event.type === 'hit') {
      stats.hits[event.player] += 1;
      if (event.speed > stats.topSpeed) stats.topSpeed = event.speed;
    } else if (event.type === 'score') {
      stats.points[event.player] += 1;
      stats.rallies.push(event.rally);
      stats.timeline.push({ tick: event.tick, score: [event.score[0], event.score[1]] });
    }
  }
}

/** The stored form; `endTick` is the tick the match stopped at (the engine state's tick). */
export function summarizeStats(stats: MatchStatsAccumulator, endTick: number): MatchStats {
  const total = stats.rallies.reduce((sum, r) => sum + r, 0);
  return {
    durationSec: Math.round((Math.max(endTick, stats.lastTick) / TICK_RATE) * 10) / 10,
    players: [
      { points: stats.points[0], hits: stats.hits[0] },
      { points: stats.points[1], hits: stats.hits[1] },
    ],
    longestRally: stats.rallies.reduce((max, r) => (r > max ? r : max), 0),
    averageRally:
      stats.rallies.length === 0 ? 0 : Math.round((total / stats.rallies.length) * 100) / 100,
    maxBallSpeed: perSecond(stats.topSpeed),
    timeline: stats.timeline.map((t) => ({ tick: t.tick, score: [t.score[0], t.score[1]] })),
  };
}
