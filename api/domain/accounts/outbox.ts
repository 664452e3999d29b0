/**
 * Reading the mail outbox (admins): how operators without SMTP pass on
 * reset links. Every read is audited with the ids it showed, since a reset
 * link in the wrong hands opens an account.
 */
import { z } from 'zod';
import type { OutboxMail } from '../../contract/mail.ts';
import { cursorPart, decodeCursor, pageOf } from '../../core/cursor.ts';
import { auditNameOf, requireRole, type Actor } from '../actors.ts';
import { withAudit } from '../audit/service.ts';
import type { AccountsDeps } from './deps.ts';
import * as repo from './repo.ts';

const iso = (t: Date | string | null) => (t === null ? null : new Date(t).toISOString());

function mailView(row: repo.OutboxRow): OutboxMail {
  return {
    id: String(row.id),
    to: row.to_address,
    subject: row.subject,
    body: row.body,
    transport: row.transport,
    createdAt: iso(row.created_at)!,
    sentAt: iso(row.sent_at),
    error: row.error,
  };
}

export async function listMail(
  deps: AccountsDeps,
  actor: Actor,
  input: { all: boolean; to?: string; limit: number; cursor?: string; requestId?: string },
): Promise<{ items: OutboxMail[]; nextCursor: string | null }> {
  const admin = requireRole(actor, 'admin');
  const key = decodeCursor(input.cursor, z.tuple([cursorPart.serial]));
  return withAudit(deps, async (trx, record) => {
    const rows = await repo.listOutbox(trx, {
      all: input.all,
      to: input.to,
      limit: input.limit,
      beforeId: key?.[0],
    });
    const page = pageOf(rows, input.limit, (r) => [Number(r.id)]);
    await record({
      actor: auditNameOf(admin),
      action: 'mail.read',
      target: null,
      requestId: input.requestId,
      details: { ids: page.items.map((r) => String(r.id)), all: input.all },
      actorId: admin.id,
    });
    return { items: page.items.map(mailView), nextCursor: page.nextCursor };
  });
}
