/** Queries of the audit log. */
import { operations, type Q } from '../../core/query.ts';

const op = operations('audit');

export interface AuditRow {
  id: number;
  actor: string;
  action: string;
  target: string | null;
  request_id: string | null;
  details: Record<string, unknown> | string;
  created_at: Date | string;
}

export async function insertAudit(
  q: Q,
  row: {
    actor: string;
    action: string;
    target: string | null;
    request_id: string | null;
    details: Record<string, unknown>;
  },
): Promise<void> {
  await q('audit_log')
    .queryContext(op('insertAudit'))
    .insert({ ...row, details: JSON.stringify(row.details) });
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  since?: Date;
  limit: number;
  /** Id of the last row seen: ids grow in commit order, so they sort like time. */
  before?: number;
}

/** Newest first; the cursor continues strictly below the last id. */
export function listAuditRows(q: Q, f: AuditFilter): Promise<AuditRow[]> {
  const query = q<AuditRow>('audit_log')
    .orderBy('id', 'desc')
    .limit(f.limit + 1);
  if (f.actor) query.where({ actor: f.actor });
  if (f.action) query.where({ action: f.action });
  if (f.since) query.where('created_at', '>=', f.since);
  if (f.before !== undefined) query.where('id', '<', f.before);
  return query;
}
