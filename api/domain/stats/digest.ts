/**
 * The weekly digest: for every player who opted in, the last full week
 * (Monday to Sunday, UTC) against the week before; a `system` notification
 * (and a mail when SMTP is configured) when the win rate moved by at least
 * DIGEST_THRESHOLD or matches were played only in one of the weeks. Each
 * player's digest of a week is claimed in digest_log before it is sent, so
 * running it twice (cron retries, two operators) sends nothing twice.
 */
import { type z } from 'zod';
import type { Logger } from '../../core/logger.ts';
import type { digestResultSchema } from '../../contract/stats.ts';
import { withAudit } from '../audit/service.ts';
import {
  type Actor,
  actorUserId,
  auditNameOf,
  requireAdminOrSystem,
  requireUser,
} from '../actors.ts';
import { isoDay, weekStart } from '../leaderboards/periods.ts';
import type { SendMail, StatsReadDeps, SystemNotify } from './deps.ts';
import * as repo from './repo.ts';

type DigestResult = z.infer<typeof digestResultSchema>;
type Item = DigestResult['items'][number];
const dayMs = 86_400_000;
/** Win-rate change (0..1) that counts as better or worse. */
export const DIGEST_THRESHOLD = 0.05;

/** The digest reads the stats, audits a run, and notifies (and mails, when SMTP is configured). */
export interface DigestDeps extends StatsReadDeps {
  auditLogger: Logger;
  notify: SystemNotify;
  sendMail?: SendMail;
}

async function weekOf(deps: StatsReadDeps, userId: string, start: number) {
  const rows = await repo.dailyRows(deps.db, userId, 1, {
    from: isoDay(start),
    to: isoDay(start + 6 * dayMs),
  });
  const matches = rows.reduce((n, r) => n + r.matches, 0);
  const wins = rows.reduce((n, r) => n + r.wins, 0);
  return { matches, winRate: matches === 0 ? 0 : Math.round((wins / matches) * 100) / 100 };
}

export function trendOf(
  thisWeek: { matches: number; winRate: number },
  lastWeek: { matches: number; winRate: number },
): Item['trend'] {
  if (thisWeek.matches === 0 && lastWeek.matches === 0) return 'unchanged';
  if (lastWeek.matches === 0) return 'better';
  if (thisWeek.matches === 0) return 'worse';
  const change = thisWeek.winRate - lastWeek.winRate;
  return change >= DIGEST_THRESHOLD
    ? 'better'
    : change <= -DIGEST_THRESHOLD
      ? 'worse'
      : 'unchanged';
}

function message(item: Item): { title: string; body: string } {
  const pct = (r: number) => `${Math.round(r * 100)}%`;
  const title =
    item.trend === 'better' ? 'Your weekly stats got better' : 'Your weekly stats got worse';
  const body = `Last week: ${item.thisWeek.matches} matches, ${pct(item.thisWeek.winRate)} won. The week before: ${item.lastWeek.matches} matches, ${pct(item.lastWeek.winRate)} won.`;
  return { title, body };
}

async function deliver(
  deps: Pick<DigestDeps, 'notify' | 'sendMail'>,
  user: { id: string; email: string | null },
  item: Item,
  week: string,
): Promise<void> {
  const { title, body } = message(item);
  await deps.notify(user.id, { title, body, kind: 'weekly_digest', week });
  if (deps.sendMail && user.email)
    await deps.sendMail({ to: user.email, subject: title, text: body });
}

/** Runs the digest of the last full week before the clock's now; a dry run only reports. */
export async function runWeeklyDigest(
  deps: DigestDeps,
  actor: Actor,
  input: { dryRun: boolean; requestId?: string },
): Promise<DigestResult> {
  requireAdminOrSystem(actor);
  const lastWeek = weekStart(deps.clock.now()) - 7 * dayMs;
  const week = isoDay(lastWeek);
  const [users, done] = [
    await repo.digestSubscribers(deps.db),
    await repo.sentDigests(deps.db, week),
  ];
  const result: DigestResult = {
    weekStart: week,
    dryRun: input.dryRun,
    optedIn: users.length,
    sent: 0,
    alreadySent: 0,
    unchanged: 0,
    items: [],
  };
  for (const user of users) {
    if (done.has(user.id)) {
      result.alreadySent++;
      continue;
    }
    const [thisWeek, before] = [
      await weekOf(deps, user.id, lastWeek),
      await weekOf(deps, user.id, lastWeek - 7 * dayMs),
    ];
    const item: Item = {
      username: user.username,
      trend: trendOf(thisWeek, before),
      thisWeek,
      lastWeek: before,
      sent: false,
    };
    result.items.push(item);
    if (item.trend === 'unchanged') result.unchanged++;
    if (item.trend === 'unchanged' || input.dryRun) continue;
    const claimed = await repo.claimDigest(deps.db, {
      user_id: user.id,
      week_start: week,
      trend: item.trend,
      sent_at: new Date(deps.clock.now()),
    });
    if (!claimed) {
      result.alreadySent++;
      continue;
    }
    await deliver(deps, user, item, week);
    item.sent = true;
    result.sent++;
  }
  if (!input.dryRun)
    await audit(deps, actor, { week, sent: result.sent, requestId: input.requestId });
  return result;
}

async function audit(
  deps: Pick<DigestDeps, 'db' | 'auditLogger'>,
  actor: Actor,
  what: { week: string; sent: number; requestId?: string },
): Promise<void> {
  await withAudit({ db: deps.db, auditLogger: deps.auditLogger }, async (_trx, record) => {
    await record({
      actor: auditNameOf(actor),
      action: 'digest.weekly',
      target: what.week,
      requestId: what.requestId,
      details: { sent: what.sent },
      actorId: actorUserId(actor),
    });
  });
}

export async function digestSettings(
  deps: StatsReadDeps,
  actor: Actor,
): Promise<{ weekly: boolean }> {
  return { weekly: await repo.digestSetting(deps.db, userIdOf(actor)) };
}

export async function updateDigestSettings(
  deps: StatsReadDeps,
  actor: Actor,
  input: { weekly: boolean },
): Promise<{ weekly: boolean }> {
  await repo.setDigestSetting(deps.db, userIdOf(actor), input.weekly, new Date(deps.clock.now()));
  return { weekly: input.weekly };
}

function userIdOf(actor: Actor): string {
  return requireUser(actor, 'Only users have digest settings').id;
}
