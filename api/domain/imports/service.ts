/**
 * Admin import of finished matches (what `pongctl simulate` records instead
 * of playing thousands of matches in real time) and backdated registrations.
 * Both are audited in the transaction that writes them. Imported matches go
 * through the same Glicko-2 rating as played ones, one after the other, and
 * must start after both players' latest match so ratings and streaks stay in
 * order.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import { defaultGameSettings } from '../../contract/game.ts';
import type { ImportedMatch } from '../../contract/stats.ts';
import { AppError } from '../../contract/errors.ts';
import { type Actor, actorUserId, auditNameOf, requireAdminOrSystem } from '../actors.ts';
import { withAudit } from '../audit/service.ts';
import { rateFinishedMatch } from '../games/rate-finished.ts';
import { isoDay } from '../leaderboards/periods.ts';
import { bucketOf } from '../stats/queue-waits.ts';
import { insertTimeline } from '../games/repo.ts';
import * as repo from './repo.ts';

type Changes = [number | null, number | null];

/** The imports write matches and users in audited transactions. */
export interface ImportDeps {
  db: Knex;
  clock: Clock;
  auditLogger: Logger;
}

function invalid(index: number, field: string, message: string): AppError {
  return new AppError('VALIDATION', `Match ${index}: ${message}`, [
    { path: `body.matches.${index}.${field}`, message, code: 'custom' },
  ]);
}

/** Checks what zod cannot: times, the score path of the timeline. */
export function checkMatch(m: ImportedMatch, index: number, nowMs: number): void {
  const [start, end] = [Date.parse(m.startedAt), Date.parse(m.endedAt)];
  if (m.left.toLowerCase() === m.right.toLowerCase())
    throw invalid(index, 'right', 'a player cannot play themselves');
  if (!(start < end)) throw invalid(index, 'endedAt', 'must be after startedAt');
  if (end > nowMs) throw invalid(index, 'endedAt', 'must not be in the future');
  if (end - start > 3_600_000) throw invalid(index, 'endedAt', 'a match lasts at most an hour');
  if (!m.timeline) return;
  let [l, r, tick] = [0, 0, -1];
  for (const [i, point] of m.timeline.entries()) {
    const [nl, nr] = point.score;
    if (point.tick <= tick || nl + nr !== l + r + 1 || nl < l || nr < r)
      throw invalid(index, `timeline.${i}`, 'each point adds one to one side, at a later tick');
    [l, r, tick] = [nl, nr, point.tick];
  }
  if (l !== m.score[0] || r !== m.score[1])
    throw invalid(index, 'timeline', 'must end at the final score');
  if (tick > Math.ceil(((end - start) / 1000) * 60))
    throw invalid(index, 'timeline', 'points must fall within the match');
}

async function importOne(
  trx: Knex.Transaction,
  m: ImportedMatch,
  index: number,
): Promise<{ id: string; ratingChanges: Changes }> {
  const users = await repo.usersByName(trx, [m.left, m.right]);
  const [left, right] = [users.get(m.left.toLowerCase()), users.get(m.right.toLowerCase())];
  if (!left || !right)
    throw new AppError('NOT_FOUND', `Match ${index}: no such user ${left ? m.right : m.left}`);
  if (left.status !== 'active' || right.status !== 'active')
    throw invalid(index, 'left', 'both players must be active');
  const [start, end] = [new Date(m.startedAt), new Date(m.endedAt)];
  const latest = await repo.latestEnd(trx, [left.id, right.id]);
  if (latest && start < latest)
    throw new AppError(
      'CONFLICT',
      `Match ${index}: a player's latest match ended at ${latest.toISOString()}, after this one started`,
    );
  const id = randomUUID();
  const winner = m.score[0] === m.score[1] ? null : m.score[0] > m.score[1] ? 0 : 1;
  const duration = (end.getTime() - start.getTime()) / 1000;
  await repo.insertFinishedMatch(
    trx,
    {
      id,
      kind: m.ranked ? 'matchmaking' : 'direct',
      ranked: m.ranked,
      visibility: m.visibility,
      state: 'finished',
      settings: JSON.stringify(defaultGameSettings()),
      seed: 0,
      left_score: m.score[0],
      right_score: m.score[1],
      winner_side: winner,
      reason: winner === null ? 'time' : 'points',
      ticks: Math.round(duration * 60),
      duration_sec: duration,
      longest_rally: m.stats?.longestRally ?? null,
      average_rally: m.stats?.averageRally ?? null,
      max_ball_speed: m.stats?.maxBallSpeed ?? null,
      created_at: start,
      started_at: start,
      ended_at: end,
    },
    [left, right].map((u, side) => ({
      match_id: id,
      side,
      user_id: u.id,
      accepted: true,
      points: m.score[side],
      hits: 0,
      ended_at: end,
      queue_wait_ms: m.queueWaitSec ? Math.round(m.queueWaitSec[side]! * 1000) : null,
    })),
  );
  // The same rows the live match end writes (games/repo.ts).
  if (m.timeline) await insertTimeline(trx, id, m.timeline);
  for (const wait of m.queueWaitSec ?? [])
    await repo.addQueueWait(trx, isoDay(start.getTime()), bucketOf(wait));
  const rated = m.ranked && m.visibility === 'public';
  return {
    id,
    ratingChanges: rated
      ? await rateFinishedMatch(trx, { id, userIds: [left.id, right.id], winner, at: end })
      : [null, null],
  };
}

export async function importMatches(
  deps: ImportDeps,
  actor: Actor,
  input: { matches: ImportedMatch[]; requestId?: string },
) {
  requireAdminOrSystem(actor);
  input.matches.forEach((m, i) => checkMatch(m, i, deps.clock.now()));
  return withAudit({ db: deps.db, auditLogger: deps.auditLogger }, async (trx, record) => {
    const imported = [];
    for (const [i, m] of input.matches.entries()) imported.push(await importOne(trx, m, i));
    await record({
      actor: auditNameOf(actor),
      action: 'matches.import',
      requestId: input.requestId,
      details: { count: imported.length, first: imported[0]!.id, last: imported.at(-1)!.id },
      actorId: actorUserId(actor),
    });
    return { imported };
  });
}

export async function backdateRegistration(
  deps: ImportDeps,
  actor: Actor,
  input: { username: string; registeredAt: string; requestId?: string },
) {
  requireAdminOrSystem(actor);
  const at = new Date(input.registeredAt);
  if (at.getTime() > deps.clock.now())
    throw new AppError('VALIDATION', 'registeredAt must be in the past', [
      { path: 'body.registeredAt', message: 'must be in the past', code: 'custom' },
    ]);
  return withAudit({ db: deps.db, auditLogger: deps.auditLogger }, async (trx, record) => {
    const user = (await repo.usersByName(trx, [input.username])).get(input.username.toLowerCase());
    if (!user) throw new AppError('NOT_FOUND', 'No such user');
    await repo.setRegisteredAt(trx, user.id, at);
    await record({
      actor: auditNameOf(actor),
      action: 'user.backdate',
      target: user.username,
      requestId: input.requestId,
      details: { registeredAt: at.toISOString() },
      actorId: actorUserId(actor),
      targetId: user.id,
    });
    return { username: user.username, registeredAt: at.toISOString() };
  });
}
