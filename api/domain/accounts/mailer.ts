/**
 * Account mail. Every mail is first written to the `mail_outbox` table (a
 * durable record); with SMTP_URL it is then sent through nodemailer (loaded
 * only then), otherwise it stays in the outbox and a log line points a local
 * admin to it. Sending runs after the request's transaction and off its path,
 * so answer times do not reveal whether an address exists. The log never
 * carries the body (reset links) or the address.
 */
import type { Knex } from 'knex';
import type { Logger } from '../../core/logger.ts';
import type { AuthMetrics } from '../../core/metrics.ts';
import { insertOutbox, markOutbox } from './repo.ts';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Queues a mail; resolves once it is in the outbox and (with SMTP) sent or failed. Never rejects. */
  send(mail: Mail): Promise<void>;
  /** Runs `compose` off the caller's path and sends the mail it returns, if any. Never rejects. */
  sendLater(compose: () => Promise<Mail | undefined>): Promise<void>;
  /** Waits for mails still being sent (graceful shutdown, tests). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface MailerOptions {
  db: Knex;
  logger: Logger;
  metrics: AuthMetrics;
  smtpUrl: string | undefined;
  from: string;
}

interface Transport {
  sendMail(message: { from: string; to: string; subject: string; text: string }): Promise<unknown>;
  close(): void;
}

export function createMailer(options: MailerOptions): Mailer {
  const transportName = options.smtpUrl ? 'smtp' : 'outbox';
  const pending = new Set<Promise<void>>();
  let transport: Promise<Transport> | undefined;
  const smtp = () =>
    (transport ??= import('nodemailer').then(
      (m) => m.default.createTransport(options.smtpUrl) as unknown as Transport,
    ));

  function failed(err: unknown, id: number | undefined): void {
    options.metrics.mail(transportName, 'error');
    options.logger.error(
      {
        'event.action': 'mail-failed',
        'mail.outbox_id': id,
        error: { type: (err as Error).name, message: (err as Error).message },
      },
      'mail delivery failed',
    );
  }

  function track(job: Promise<void>): Promise<void> {
    const tracked = job.finally(() => pending.delete(tracked));
    pending.add(tracked);
    return tracked;
  }

  async function deliver(mail: Mail): Promise<void> {
    let id: number | undefined;
    try {
      id = await insertOutbox(options.db, {
        to_address: mail.to,
        subject: mail.subject,
        body: mail.text,
        transport: transportName,
      });
      if (!options.smtpUrl) {
        options.metrics.mail('outbox', 'ok');
        options.logger.info(
          { 'event.action': 'mail-queued', 'mail.outbox_id': id, 'mail.subject': mail.subject },
          'mail written to the outbox (no SMTP_URL); read it from the mail_outbox table',
        );
        return;
      }
      await (
        await smtp()
      ).sendMail({ from: options.from, to: mail.to, subject: mail.subject, text: mail.text });
      await markOutbox(options.db, id, { sent_at: new Date() });
      options.metrics.mail('smtp', 'ok');
    } catch (err) {
      failed(err, id);
      if (id !== undefined)
        await markOutbox(options.db, id, {
          error: String((err as Error).message).slice(0, 500),
        }).catch(() => undefined);
    }
  }

  return {
    send: (mail) => track(deliver(mail)),
    sendLater: (compose) =>
      track(
        compose().then(
          (mail) => (mail ? deliver(mail) : undefined),
          (err: unknown) => failed(err, undefined),
        ),
      ),
    async drain() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    async close() {
      await this.drain();
      if (transport) (await transport).close();
    },
  };
}
