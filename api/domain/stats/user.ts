/**
 * A player's stats: counters over a window of UTC days folded from the daily
 * rollups (a year is 365 small rows whatever the number of matches), the
 * current streak folded backwards until it breaks, rating and rank, most
 * played opponents, rating history and head to head. Private matches are in
 * the rollups' scope 1, which only the player reads.
 */
import { z } from 'zod';
import type { UserStats } from '../../contract/stats.ts';
import { cursorPart, decodeCursor, encodeCursor } from '../../core/cursor.ts';
import { AppError } from '../../contract/errors.ts';
import type { Actor } from '../actors.ts';
import { ratingStanding } from '../leaderboards/service.ts';
import { isoDay } from '../leaderboards/periods.ts';
import type { StatsReadDeps } from './deps.ts';
import * as repo from './repo.ts';
import { combineRuns, currentStreak, emptyRuns, type RunPiece } from './streaks.ts';

const dayMs = 86_400_000;
const round2 = (n: number) => Math.round(n * 100) / 100;

export async function requireUser(deps: StatsReadDeps, username: string) {
  const user = await repo.findUser(deps.db, username);
  if (!user) throw new AppError('NOT_FOUND', 'No such user');
  return user;
}

const scopeFor = (actor: Actor, userId: string): repo.Scope =>
  actor.kind === 'user' && actor.id === userId ? 1 : 0;

export function windowOf(nowMs: number, days: number): { from: string; to: string } {
  const today = Math.floor(nowMs / dayMs) * dayMs;
  return { from: isoDay(today - (days - 1) * dayMs), to: isoDay(today) };
}

const pieceOf = (r: repo.DailyRow): RunPiece => ({
  matches: r.matches,
  winPrefix: r.win_prefix,
  winSuffix: r.win_suffix,
  winBest: r.win_best,
  lossPrefix: r.loss_prefix,
  lossSuffix: r.loss_suffix,
});

/** Folds days backwards from `to` until the trailing run is shorter than what has been read. */
async function streakUpTo(
  deps: StatsReadDeps,
  userId: string,
  scope: repo.Scope,
  to: string,
): Promise<number> {
  let runs = emptyRuns;
  let cursor = to;
  for (;;) {
    const rows = await repo.runsBefore(deps.db, userId, scope, cursor, 64);
    for (const row of rows) {
      runs = combineRuns(pieceOf(row), runs);
      if (runs.winSuffix < runs.matches && runs.lossSuffix < runs.matches)
        return currentStreak(runs);
    }
    if (rows.length < 64) return currentStreak(runs);
    cursor = isoDay(Date.parse(rows.at(-1)!.day) - dayMs);
  }
}

function activity(
  rows: repo.DailyRow[],
  range: { from: string; to: string },
): UserStats['activity'] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const out: UserStats['activity'] = [];
  for (let t = Date.parse(range.from); t <= Date.parse(range.to); t += dayMs) {
    const r = byDay.get(isoDay(t));
    out.push({
      day: isoDay(t),
      matches: r?.matches ?? 0,
      wins: r?.wins ?? 0,
      losses: r?.losses ?? 0,
    });
  }
  return out;
}

function totals(rows: repo.DailyRow[]) {
  const sum = (k: keyof repo.DailyRow) => rows.reduce((n, r) => n + Number(r[k]), 0);
  const runs = rows.reduce((acc, r) => combineRuns(acc, pieceOf(r)), emptyRuns);
  const [matches, wins, timed, rallies] = [
    sum('matches'),
    sum('wins'),
    sum('timed'),
    sum('rallies_counted'),
  ];
  return {
    matches,
    wins,
    losses: sum('losses'),
    draws: sum('draws'),
    winRate: matches === 0 ? 0 : round2(wins / matches),
    best: runs.winBest,
    points: { for: sum('points_for'), against: sum('points_against') },
    rally: {
      average: rallies === 0 ? 0 : round2(sum('rally_sum') / rallies),
      longest: rows.reduce((n, r) => Math.max(n, r.longest_rally), 0),
    },
    averageDurationSec: timed === 0 ? 0 : round2(sum('duration_sum') / timed),
  };
}

export async function userStats(
  deps: StatsReadDeps,
  actor: Actor,
  input: { username: string; days: number },
): Promise<UserStats> {
  const user = await requireUser(deps, input.username);
  const scope = scopeFor(actor, user.id);
  const range = windowOf(deps.clock.now(), input.days);
  const [rows, current, rating, opponents] = await Promise.all([
    repo.dailyRows(deps.db, user.id, scope, range),
    streakUpTo(deps, user.id, scope, range.to),
    ratingStanding(deps, user.id),
    repo.topOpponents(deps.db, user.id, scope, 5),
  ]);
  const t = totals(rows);
  return {
    username: user.username,
    from: range.from,
    to: range.to,
    includesPrivate: scope === 1,
    matches: t.matches,
    wins: t.wins,
    losses: t.losses,
    draws: t.draws,
    winRate: t.winRate,
    streak: { current, best: t.best },
    points: t.points,
    rally: t.rally,
    averageDurationSec: t.averageDurationSec,
    rating: rating
      ? {
          rating: Math.round(rating.rating * 10) / 10,
          deviation: Math.round(rating.deviation * 10) / 10,
          matches: rating.matches,
          rank: rating.position,
        }
      : null,
    opponents,
    activity: activity(rows, range),
  };
}

export async function ratingHistory(
  deps: StatsReadDeps,
  _actor: Actor,
  input: { username: string; limit: number; cursor?: string },
) {
  const user = await requireUser(deps, input.username);
  const key = decodeCursor(input.cursor, z.tuple([cursorPart.serialText]));
  const rows = await repo.ratingHistory(deps.db, user.id, input.limit + 1, key?.[0]);
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  return {
    items: items.map((r) => ({
      at: new Date(r.created_at).toISOString(),
      matchId: r.match_id,
      rating: round2(r.rating),
      deviation: round2(r.deviation),
      delta: r.delta,
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor([String(last.id)]) : null,
  };
}

export async function versus(deps: StatsReadDeps, actor: Actor, input: { a: string; b: string }) {
  if (input.a.toLowerCase() === input.b.toLowerCase())
    throw new AppError('VALIDATION', 'Two different players are needed');
  const [a, b] = [await requireUser(deps, input.a), await requireUser(deps, input.b)];
  const own = actor.kind === 'user' && (actor.id === a.id || actor.id === b.id);
  const pair = await repo.pairRow(deps.db, a.id, b.id, own ? 1 : 0);
  const recent = await repo.recentBetween(deps.db, a.id, b.id, { publicOnly: !own, limit: 10 });
  const nameOf = (side: 0 | 1 | null, aSide: 0 | 1) =>
    side === null ? null : side === aSide ? a.username : b.username;
  return {
    players: [a.username, b.username] as [string, string],
    includesPrivate: own,
    matches: pair?.matches ?? 0,
    wins: [pair?.wins ?? 0, pair?.losses ?? 0] as [number, number],
    draws: pair?.draws ?? 0,
    points: [pair?.points_for ?? 0, pair?.points_against ?? 0] as [number, number],
    lastPlayedAt: pair ? new Date(pair.last_at).toISOString() : null,
    recent: recent.map((r) => ({
      matchId: r.id,
      endedAt: new Date(r.ended_at).toISOString(),
      score: (r.a_side === 0 ? [r.left_score, r.right_score] : [r.right_score, r.left_score]) as [
        number,
        number,
      ],
      winner: nameOf(r.winner_side, r.a_side),
    })),
  };
}
