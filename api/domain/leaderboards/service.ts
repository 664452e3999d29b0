/**
 * Leaderboards: pages of the rating and wins boards, the window around one
 * player, and the rating rank other areas show (stats). Every call costs a
 * fixed handful of index reads whatever the number of players.
 */
import { z } from 'zod';
import type { Knex } from 'knex';
import {
  RATING_BOARD_MIN_MATCHES,
  type Board,
  type LeaderboardEntry,
  type Period,
} from '../../contract/leaderboards.ts';
import type { Clock } from '../../core/clock.ts';
import { cursorPart, decodeCursor, encodeCursor } from '../../core/cursor.ts';
import { AppError } from '../../contract/errors.ts';
import { periodAt, type PeriodWindow } from './periods.ts';
import * as repo from './repo.ts';

export interface LeaderboardDeps {
  db: Knex;
  clock: Clock;
}

export interface BoardPage {
  items: LeaderboardEntry[];
  meta: {
    nextCursor: string | null;
    board: Board;
    period: Period | null;
    periodStart: string | null;
    resetsAt: string | null;
    players: number;
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const ratingEntry = (r: repo.RatingRow, rank: number): LeaderboardEntry => ({
  rank,
  username: r.username,
  value: round1(r.rating),
  matches: r.matches,
  wins: r.wins,
  losses: r.losses,
});

const boardKey = z.tuple([cursorPart.number, cursorPart.uuid]);

function cursorKey(cursor: string | undefined): { value: number; userId: string } | undefined {
  const key = decodeCursor(cursor, boardKey);
  return key && { value: key[0], userId: key[1] };
}

/** A player's rating with its board position (null under the threshold), in one query; undefined when never rated. */
export function ratingStanding(
  deps: LeaderboardDeps,
  userId: string,
): Promise<repo.RatingWithPosition | undefined> {
  return repo.ratingWithPosition(deps.db, userId);
}

/** The rating board's position of a user, or null when not on it (too few rated matches). */
export async function ratingRank(deps: LeaderboardDeps, userId: string): Promise<number | null> {
  return (await ratingStanding(deps, userId))?.position ?? null;
}

export async function ratingBoard(
  deps: LeaderboardDeps,
  input: { limit: number; cursor?: string },
): Promise<BoardPage> {
  const after = cursorKey(input.cursor);
  const start = after ? (await repo.ratingPosition(deps.db, after.value, after.userId)) + 1 : 1;
  const rows = await repo.ratingPage(
    deps.db,
    input.limit + 1,
    after && { rating: after.value, userId: after.userId },
  );
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  return {
    items: items.map((r, i) => ratingEntry(r, start + i)),
    meta: {
      nextCursor:
        rows.length > input.limit && last ? encodeCursor([last.rating, last.user_id]) : null,
      board: 'rating',
      period: null,
      periodStart: null,
      resetsAt: null,
      players: await repo.ratingPlayers(deps.db),
    },
  };
}

/** Competition ranks (equal wins share one) for the wins values of some rows. */
async function winsRanks(
  deps: LeaderboardDeps,
  window: PeriodWindow,
): Promise<{ rank: (wins: number) => number; players: number }> {
  const counts = await repo.winsCounts(deps.db, { period: window.period, start: window.start });
  const above = new Map<number, number>();
  let seen = 0;
  for (const c of counts) {
    above.set(c.wins, seen);
    seen += c.players;
  }
  return { rank: (wins) => (above.get(wins) ?? seen) + 1, players: seen };
}

function winsMeta(
  window: PeriodWindow,
  players: number,
  nextCursor: string | null,
): BoardPage['meta'] {
  return {
    nextCursor,
    board: 'wins',
    period: window.period,
    periodStart: window.start,
    resetsAt: window.resetsAt?.toISOString() ?? null,
    players,
  };
}

const winsEntry = (r: repo.WinsRow, rank: number): LeaderboardEntry => ({
  rank,
  username: r.username,
  value: r.wins,
  matches: null,
  wins: r.wins,
  losses: null,
});

export async function winsBoard(
  deps: LeaderboardDeps,
  input: { period: Period; limit: number; cursor?: string },
): Promise<BoardPage> {
  const window = periodAt(input.period, deps.clock.now());
  const after = cursorKey(input.cursor);
  const key = { period: window.period, start: window.start };
  const rows = await repo.winsPage(
    deps.db,
    key,
    input.limit + 1,
    after && { wins: after.value, userId: after.userId },
  );
  const items = rows.slice(0, input.limit);
  const { rank, players } = await winsRanks(deps, window);
  const last = items.at(-1);
  return {
    items: items.map((r) => winsEntry(r, rank(r.wins))),
    meta: winsMeta(
      window,
      players,
      rows.length > input.limit && last ? encodeCursor([last.wins, last.user_id]) : null,
    ),
  };
}

async function ratingAround(
  deps: LeaderboardDeps,
  user: { id: string },
  radius: number,
): Promise<BoardPage & { rank: number }> {
  const me = await repo.ratingOf(deps.db, user.id);
  if (!me || me.matches < RATING_BOARD_MIN_MATCHES)
    throw new AppError('NOT_FOUND', 'This player is not on the rating board yet');
  const at = { rating: me.rating, userId: me.user_id };
  const [position, above, below, players] = await Promise.all([
    repo.ratingPosition(deps.db, me.rating, me.user_id),
    repo.ratingNeighbours(deps.db, at, 'above', radius),
    repo.ratingNeighbours(deps.db, at, 'below', radius),
    repo.ratingPlayers(deps.db),
  ]);
  const items = [
    ...above.map((r, i) => ratingEntry(r, position - 1 - i)).reverse(),
    ratingEntry(me, position),
    ...below.map((r, i) => ratingEntry(r, position + 1 + i)),
  ];
  return {
    items,
    rank: position,
    meta: {
      nextCursor: null,
      board: 'rating',
      period: null,
      periodStart: null,
      resetsAt: null,
      players,
    },
  };
}

async function winsAround(
  deps: LeaderboardDeps,
  user: { id: string },
  input: { radius: number; period: Period },
): Promise<BoardPage & { rank: number }> {
  const window = periodAt(input.period, deps.clock.now());
  const key = { period: window.period, start: window.start };
  const me = await repo.winsOf(deps.db, key, user.id);
  if (!me)
    throw new AppError(
      'NOT_FOUND',
      `This player has no wins this ${input.period === 'all' ? 'far' : input.period}`,
    );
  const at = { wins: me.wins, userId: me.user_id };
  const [above, below] = await Promise.all([
    repo.winsNeighbours(deps.db, key, at, 'above', input.radius),
    repo.winsNeighbours(deps.db, key, at, 'below', input.radius),
  ]);
  const rows = [...above.reverse(), me, ...below];
  const { rank, players } = await winsRanks(deps, window);
  return {
    items: rows.map((r) => winsEntry(r, rank(r.wins))),
    rank: rank(me.wins),
    meta: winsMeta(window, players, null),
  };
}

export async function aroundPlayer(
  deps: LeaderboardDeps,
  input: { board: Board; username: string; radius: number; period: Period },
): Promise<BoardPage & { rank: number }> {
  const user = await repo.userIdByName(deps.db, input.username);
  if (!user) throw new AppError('NOT_FOUND', 'No such user');
  return input.board === 'rating'
    ? ratingAround(deps, user, input.radius)
    : winsAround(deps, user, input);
}
