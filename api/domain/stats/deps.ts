/**
 * What the stats services take. Each takes only what it uses: the player and
 * platform reads the database and the clock (`StatsReadDeps`); the digest
 * (digest.ts) and the queue waits (queue-waits.ts) declare what they add.
 */
import type { Knex } from 'knex';
import type { Clock } from '../../core/clock.ts';

/** Stores and pushes a `system` notification (api/domain/notifications). */
export type SystemNotify = (
  userId: string,
  payload: { title: string; body: string; [key: string]: unknown },
) => Promise<void>;

/** Sends a mail (api/domain/accounts/mailer.ts); set only when SMTP is configured. */
export type SendMail = (mail: { to: string; subject: string; text: string }) => Promise<void>;

/** Player stats (user.ts) and platform stats (platform.ts) read with these. */
export interface StatsReadDeps {
  db: Knex;
  clock: Clock;
}
