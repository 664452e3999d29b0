/** The mail outbox's queries: mail written for sending, its delivery result, and the admin's list. */
import { operations, type Q } from '../../core/query.ts';

const op = operations('accounts');

export async function insertOutbox(
  q: Q,
  row: { to_address: string; subject: string; body: string; transport: string },
): Promise<number> {
  const [created] = await q('mail_outbox')
    .queryContext(op('insertOutbox'))
    .insert(row)
    .returning('id');
  return Number((created as { id: number }).id);
}

export async function markOutbox(
  q: Q,
  id: number,
  result: { sent_at?: Date; error?: string },
): Promise<void> {
  await q('mail_outbox').queryContext(op('markOutbox')).where({ id }).update(result);
}

export interface OutboxRow {
  id: number | string;
  to_address: string;
  subject: string;
  body: string;
  transport: string;
  created_at: Date | string;
  sent_at: Date | string | null;
  error: string | null;
}

/** Outbox mail, newest first: unsent only unless `all`; by recipient (case-insensitive) when `to`. */
export function listOutbox(
  q: Q,
  filter: { all: boolean; to?: string; limit: number; beforeId?: number },
): Promise<OutboxRow[]> {
  const query = q<OutboxRow>('mail_outbox')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (!filter.all) query.whereNull('sent_at');
  if (filter.to) query.whereRaw('lower(to_address) = ?', [filter.to.toLowerCase()]);
  if (filter.beforeId !== undefined) query.where('id', '<', filter.beforeId);
  return query;
}
