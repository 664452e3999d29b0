/**
 * The audit log: admin actions are recorded in the same transaction as the
 * change they describe, and logged on the audit stream (event.dataset
 * pong.audit) once that transaction has committed.
 */
import { z } from 'zod';
import type { Knex } from 'knex';
import { cursorPart, decodeCursor, pageOf } from '../../core/cursor.ts';
import type { Logger } from '../../core/logger.ts';
import { requireRole, type Actor } from '../actors.ts';
import { insertAudit, listAuditRows, type AuditRow } from './repo.ts';

export interface AuditEntry {
  /** Username of the actor, or `system`. */
  actor: string;
  action: string;
  /** Username (or other name) of what was acted on. */
  target?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
  /** Ids for the log line only (usernames are personal data there). */
  actorId?: string;
  targetId?: string;
}

export interface AuditDeps {
  db: Knex;
  auditLogger: Logger;
}

export type RecordAudit = (entry: AuditEntry) => Promise<void>;

/** Runs `fn` in a transaction with a `record` that writes audit rows inside it; logs them after commit. */
export async function withAudit<T>(
  deps: AuditDeps,
  fn: (trx: Knex.Transaction, record: RecordAudit) => Promise<T>,
): Promise<T> {
  const entries: AuditEntry[] = [];
  const result = await deps.db.transaction(async (trx) =>
    fn(trx, async (entry) => {
      await insertAudit(trx, {
        actor: entry.actor,
        action: entry.action,
        target: entry.target ?? null,
        request_id: entry.requestId ?? null,
        details: entry.details ?? {},
      });
      entries.push(entry);
    }),
  );
  for (const e of entries) {
    deps.auditLogger.info(
      {
        'event.dataset': 'pong.audit',
        'event.action': e.action,
        'event.kind': 'event',
        'trace.id': e.requestId ?? undefined,
        'user.id': e.actorId,
        'user.target.id': e.targetId,
      },
      `audit ${e.action}`,
    );
  }
  return result;
}

function view(row: AuditRow) {
  return {
    id: String(row.id),
    actor: row.actor,
    action: row.action,
    target: row.target,
    requestId: row.request_id,
    details: (typeof row.details === 'string' ? JSON.parse(row.details) : row.details) as Record<
      string,
      unknown
    >,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  since?: string;
  limit: number;
  cursor?: string;
}

/** Lists audit entries, newest first. Admins only. */
export async function listAudit(deps: AuditDeps, actor: Actor, input: AuditQuery) {
  requireRole(actor, 'admin', 'Reading the audit log needs the admin role');
  const after = decodeCursor(input.cursor, z.tuple([cursorPart.serial]))?.[0];
  const rows = await listAuditRows(deps.db, {
    actor: input.actor?.toLowerCase(),
    action: input.action,
    since: input.since ? new Date(input.since) : undefined,
    limit: input.limit,
    before: after,
  });
  const page = pageOf(rows, input.limit, (r) => [Number(r.id)]);
  return { items: page.items.map(view), nextCursor: page.nextCursor };
}
