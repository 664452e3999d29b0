/**
 * Stats queries: per-user daily rollups and head-to-head rows (kept by the
 * triggers of migration 20261121000600_stats), rating history, the platform's
 * daily rows, active-user counts and queue-wait histograms, digest settings
 * and the digest log. Days are UTC dates as YYYY-MM-DD.
 */
import { operations, type Q } from '../../core/query.ts';

const op = operations('stats');

export interface DailyRow {
  day: string;
  matches: number;
  wins: number;
  losses: number;
  draws: number;
  points_for: number;
  points_against: number;
  timed: number;
  duration_sum: number;
  rallies_counted: number;
  rally_sum: number;
  longest_rally: number;
  win_prefix: number;
  win_suffix: number;
  win_best: number;
  loss_prefix: number;
  loss_suffix: number;
}

/** Scope of a rollup row: 0 public matches only, 1 every match. */
export type Scope = 0 | 1;

const dayText = (column: string) =>
  `to_char(${column}, 'YYYY-MM-DD') as ${column.split('.').pop()}`;

export function findUser(
  q: Q,
  username: string,
): Promise<{ id: string; username: string; email: string | null } | undefined> {
  return q('users')
    .queryContext(op('findUser'))
    .where({ username_key: username.toLowerCase() })
    .whereNot({ status: 'deleted' })
    .first('id', 'username', 'email');
}

export function dailyRows(
  q: Q,
  userId: string,
  scope: Scope,
  range: { from: string; to: string },
): Promise<DailyRow[]> {
  return q('stats_user_daily')
    .queryContext(op('dailyRows'))
    .where({ user_id: userId, scope })
    .whereBetween('day', [range.from, range.to])
    .orderBy('day')
    .select(
      q.raw(dayText('day')),
      'matches',
      'wins',
      'losses',
      'draws',
      'points_for',
      'points_against',
      'timed',
      'duration_sum',
      'rallies_counted',
      'rally_sum',
      'longest_rally',
      'win_prefix',
      'win_suffix',
      'win_best',
      'loss_prefix',
      'loss_suffix',
    );
}

/** Days up to `toDay`, latest first, for folding the current streak backwards. */
export function runsBefore(
  q: Q,
  userId: string,
  scope: Scope,
  toDay: string,
  limit: number,
): Promise<DailyRow[]> {
  return q('stats_user_daily')
    .queryContext(op('runsBefore'))
    .where({ user_id: userId, scope })
    .where('day', '<=', toDay)
    .orderBy('day', 'desc')
    .limit(limit)
    .select(
      q.raw(dayText('day')),
      'matches',
      'win_prefix',
      'win_suffix',
      'win_best',
      'loss_prefix',
      'loss_suffix',
    );
}

export function topOpponents(
  q: Q,
  userId: string,
  scope: Scope,
  limit: number,
): Promise<{ username: string; matches: number; wins: number; losses: number }[]> {
  return q('stats_user_opponents as o')
    .queryContext(op('topOpponents'))
    .join('users as u', 'u.id', 'o.opponent_id')
    .where({ 'o.user_id': userId, 'o.scope': scope })
    .orderBy([
      { column: 'o.matches', order: 'desc' },
      { column: 'o.opponent_id', order: 'asc' },
    ])
    .limit(limit)
    .select('u.username', 'o.matches', 'o.wins', 'o.losses');
}

export interface HistoryRow {
  id: string;
  match_id: string;
  rating: number;
  deviation: number;
  delta: number;
  created_at: Date | string;
}

export function ratingHistory(
  q: Q,
  userId: string,
  limit: number,
  beforeId?: string,
): Promise<HistoryRow[]> {
  const query = q('rating_history')
    .queryContext(op('ratingHistory'))
    .where({ user_id: userId })
    .orderBy('id', 'desc')
    .limit(limit)
    .select('id', 'match_id', 'rating', 'deviation', 'delta', 'created_at');
  if (beforeId !== undefined) query.where('id', '<', beforeId);
  return query;
}

export interface PairRow {
  matches: number;
  wins: number;
  losses: number;
  draws: number;
  points_for: number;
  points_against: number;
  last_at: Date | string;
}

export function pairRow(
  q: Q,
  userId: string,
  opponentId: string,
  scope: Scope,
): Promise<PairRow | undefined> {
  return q('stats_user_opponents')
    .queryContext(op('pairRow'))
    .where({ user_id: userId, opponent_id: opponentId, scope })
    .first('matches', 'wins', 'losses', 'draws', 'points_for', 'points_against', 'last_at');
}

export interface RecentRow {
  id: string;
  ended_at: Date | string;
  left_score: number;
  right_score: number;
  winner_side: 0 | 1 | null;
  a_side: 0 | 1;
}

/** The latest played matches between two users, newest first. */
export function recentBetween(
  q: Q,
  a: string,
  b: string,
  options: { publicOnly: boolean; limit: number },
): Promise<RecentRow[]> {
  const query = q('match_players as pa')
    .queryContext(op('recentBetween'))
    .join('match_players as pb', function join() {
      this.on('pb.match_id', '=', 'pa.match_id').andOn('pb.user_id', '=', q.raw('?', [b]));
    })
    .join('matches as m', 'm.id', 'pa.match_id')
    .where('pa.user_id', a)
    .whereNotNull('pa.ended_at')
    .whereNotNull('m.started_at')
    .whereIn('m.state', ['finished', 'forfeited'])
    .orderBy([
      { column: 'pa.ended_at', order: 'desc' },
      { column: 'pa.match_id', order: 'desc' },
    ])
    .limit(options.limit)
    .select(
      'm.id',
      'm.ended_at',
      'm.left_score',
      'm.right_score',
      'm.winner_side',
      'pa.side as a_side',
    );
  if (options.publicOnly) query.where('m.visibility', 'public');
  return query;
}

export interface PlatformRow {
  day: string;
  registrations: number;
  matches: number;
  timed: number;
  duration_sum: number;
  peak_players: number;
}

export function platformDaily(q: Q, range: { from: string; to: string }): Promise<PlatformRow[]> {
  return q('stats_platform_daily')
    .queryContext(op('platformDaily'))
    .whereBetween('day', [range.from, range.to])
    .orderBy('day')
    .select(
      q.raw(dayText('day')),
      'registrations',
      'matches',
      'timed',
      'duration_sum',
      'peak_players',
    );
}

export function activeCounts(
  q: Q,
  period: 'day' | 'week' | 'month',
  range: { from: string; to: string },
): Promise<{ period_start: string; users: number }[]> {
  return q('stats_active_counts')
    .queryContext(op('activeCounts'))
    .where({ period })
    .whereBetween('period_start', [range.from, range.to])
    .orderBy('period_start')
    .select(q.raw(dayText('period_start')), 'users');
}

export function queueWaitBuckets(
  q: Q,
  range: { from: string; to: string },
): Promise<{ bucket: number; n: number }[]> {
  return q('stats_queue_waits')
    .queryContext(op('queueWaitBuckets'))
    .whereBetween('day', [range.from, range.to])
    .groupBy('bucket')
    .orderBy('bucket')
    .select('bucket', q.raw('sum(n)::int as n'));
}

export async function addQueueWait(q: Q, day: string, bucket: number): Promise<void> {
  await q
    .raw(
      'insert into stats_queue_waits as w (day, bucket, n) values (?, ?, 1) on conflict (day, bucket) do update set n = w.n + 1',
      [day, bucket],
    )
    .queryContext(op('addQueueWait'));
}

/** Marks a user active on the day, week and month of `at` (stats_mark_active in the migration). */
export async function markActive(q: Q, userId: string, at: Date): Promise<void> {
  await q
    .raw('select stats_mark_active(?::uuid, ?::timestamptz)', [userId, at])
    .queryContext(op('markActive'));
}

export async function digestSetting(q: Q, userId: string): Promise<boolean> {
  const row = await q('digest_settings')
    .queryContext(op('digestSetting'))
    .where({ user_id: userId })
    .first<{ weekly: boolean } | undefined>('weekly');
  return row?.weekly ?? false;
}

export async function setDigestSetting(
  q: Q,
  userId: string,
  weekly: boolean,
  now: Date,
): Promise<void> {
  await q('digest_settings')
    .queryContext(op('setDigestSetting'))
    .insert({ user_id: userId, weekly, updated_at: now })
    .onConflict('user_id')
    .merge();
}

export function digestSubscribers(
  q: Q,
): Promise<{ id: string; username: string; email: string | null }[]> {
  return q('digest_settings as d')
    .queryContext(op('digestSubscribers'))
    .join('users as u', 'u.id', 'd.user_id')
    .where({ 'd.weekly': true, 'u.status': 'active' })
    .orderBy('u.username_key')
    .select('u.id', 'u.username', 'u.email');
}

export async function sentDigests(q: Q, weekStart: string): Promise<Set<string>> {
  const ids = (await q('digest_log')
    .queryContext(op('sentDigests'))
    .where({ week_start: weekStart })
    .pluck('user_id')) as string[];
  return new Set(ids);
}

/** Claims the user's digest of the week; false when another run already did. */
export async function claimDigest(
  q: Q,
  row: { user_id: string; week_start: string; trend: string; sent_at: Date },
): Promise<boolean> {
  const inserted = await q('digest_log')
    .queryContext(op('claimDigest'))
    .insert(row)
    .onConflict(['user_id', 'week_start'])
    .ignore()
    .returning('user_id');
  return inserted.length > 0;
}
