/** Database rows → the contract's match view. */
import type { MatchView } from '../../contract/games.ts';
import { gameSettingsSchema, type GameSettings } from '../../contract/game.ts';
import type { MatchRow, PlayerRow } from './repo.ts';

const iso = (t: Date | string | null): string | null =>
  t === null ? null : new Date(t).toISOString();

export function settingsOf(row: MatchRow): GameSettings {
  return gameSettingsSchema.parse(
    typeof row.settings === 'string' ? JSON.parse(row.settings) : row.settings,
  );
}

function playerView(p: PlayerRow) {
  return {
    side: p.side,
    username: p.bot_level ? null : p.username,
    bot: p.bot_level,
    points: p.points,
    hits: p.hits,
    ratingBefore: p.rating_before,
    ratingAfter: p.rating_after,
  };
}

export interface ViewExtras {
  timeline?: { tick: number; left_score: number; right_score: number }[];
  /** The live score, when the runner holds the match. */
  liveScore?: [number, number];
}

export function matchView(
  row: MatchRow,
  players: readonly PlayerRow[],
  extras: ViewExtras = {},
): MatchView {
  const [left, right] = [players.find((p) => p.side === 0)!, players.find((p) => p.side === 1)!];
  const winner = row.winner_side === null ? null : row.winner_side === 0 ? left : right;
  const view: MatchView = {
    id: row.id,
    kind: row.kind,
    ranked: row.ranked,
    visibility: row.visibility,
    state: row.state,
    reason: row.reason,
    settings: settingsOf(row),
    players: [playerView(left), playerView(right)],
    score: extras.liveScore ?? [row.left_score, row.right_score],
    winnerSide: row.winner_side,
    winner: winner ? (winner.bot_level ? 'bot' : winner.username) : null,
    rematchOf: row.rematch_of,
    createdAt: iso(row.created_at)!,
    startedAt: iso(row.started_at),
    endedAt: iso(row.ended_at),
    inviteExpiresAt: iso(row.invite_expires_at),
  };
  if (row.ended_at !== null && row.started_at !== null && row.duration_sec !== null) {
    view.stats = {
      durationSec: row.duration_sec,
      longestRally: row.longest_rally ?? 0,
      averageRally: row.average_rally ?? 0,
      maxBallSpeed: row.max_ball_speed ?? 0,
    };
  }
  if (extras.timeline)
    view.timeline = extras.timeline.map((t) => ({
      tick: t.tick,
      score: [t.left_score, t.right_score],
    }));
  return view;
}
