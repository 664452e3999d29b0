/**
 * `pongctl mail list`: the account mail waiting in the outbox (admin,
 * audited), so operators without SMTP can pass reset links on.
 */
import type { Command } from 'commander';
import type { OutboxMail } from '../../api/contract/mail.ts';
import type { CliContext } from '../context.ts';
import type { CommandRunner } from '../command-runner.ts';

interface ListOptions {
  all?: boolean;
  to?: string;
  limit?: string;
  pages?: boolean;
}

const columns = [
  { header: 'ID', value: (m: OutboxMail) => m.id },
  { header: 'CREATED', value: (m: OutboxMail) => m.createdAt.slice(0, 19).replace('T', ' ') },
  { header: 'TO', value: (m: OutboxMail) => m.to },
  { header: 'SUBJECT', value: (m: OutboxMail) => m.subject },
  { header: 'STATE', value: (m: OutboxMail) => (m.sentAt ? 'sent' : (m.error ?? 'waiting')) },
];

async function list(ctx: CliContext, o: ListOptions): Promise<void> {
  const { collect, pageSize } = await import('../pages.ts');
  const { withSession } = await import('../session.ts');
  const list = await withSession(ctx, (client) =>
    collect(
      (cursor) =>
        client.call('admin.mailList', {
          query: {
            all: Boolean(o.all),
            to: o.to,
            limit: pageSize(o.limit, { fallback: 20 }),
            cursor,
          },
        }),
      { all: Boolean(o.pages) },
    ),
  );
  const { rows } = list;
  if (ctx.io.format !== 'table') return ctx.io.print(rows, columns);
  if (rows.length === 0) return ctx.io.info(o.all ? 'The outbox is empty' : 'No mail waiting');
  // On a terminal the bodies matter (they carry the links): each mail in full.
  for (const m of rows) {
    ctx.io.out(`── ${m.id} · ${m.createdAt} · to ${m.to} · ${m.subject}`);
    ctx.io.out(m.body.trimEnd());
    ctx.io.out('');
  }
}

export function registerMail(program: Command, run: CommandRunner): void {
  const mail = program
    .command('mail')
    .description('account mail waiting in the outbox, for deployments without SMTP (admin)');
  mail
    .command('list')
    .description('mail not sent yet, newest first, with its body (admin; every read is audited)')
    .option('--all', 'sent mail too')
    .option('--to <address>', 'only mail to this address')
    .option('--limit <n>', 'page size (1-100)')
    .option('--pages', 'follow every page')
    .action(run((ctx, o: ListOptions) => list(ctx, o)));
}
