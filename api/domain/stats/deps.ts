/**
 * What the stats, leaderboard, analytics and digest services need, built once
 * by the composition root. The per-user event rate windows live here (not in
 * a module) so each server and each test has its own.
 */
import type { Knex } from 'knex';
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';

/** Stores and pushes a `system` notification (api/domain/notifications). */
export type SystemNotify = (
  userId: string,
  payload: { title: string; body: string; [key: string]: unknown },
) => Promise<void>;

/** Sends a mail (api/domain/accounts/mailer.ts); set only when SMTP is configured. */
export type SendMail = (mail: { to: string; subject: string; text: string }) => Promise<void>;

export interface StatsDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  auditLogger: Logger;
  notify: SystemNotify;
  sendMail?: SendMail;
  /** Per user: times (ms) of the event batches of the last minute. */
  eventWindows: Map<string, number[]>;
}

export function createStatsDeps(options: Omit<StatsDeps, 'eventWindows'>): StatsDeps {
  return { ...options, eventWindows: new Map() };
}
