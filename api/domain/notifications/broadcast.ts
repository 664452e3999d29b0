/**
 * The admin broadcast: one `system` notification for every user. The audit
 * entry is committed first; then users are taken in id order, one batch per
 * statement (no transaction spanning the whole user table, no list of every
 * user in memory), and each batch is pushed to those of its users who have an
 * open socket.
 */
import { randomUUID } from 'node:crypto';
import { requireRole, type Actor } from '../actors.ts';
import { withAudit } from '../audit/service.ts';
import * as repo from './repo.ts';
import { notificationView, type NotificationDeps } from './service.ts';

export interface BroadcastInput {
  title: string;
  body: string;
  requestId?: string;
}

export async function broadcastSystem(deps: NotificationDeps, actor: Actor, input: BroadcastInput) {
  const admin = requireRole(actor, 'admin', 'Broadcasting needs the admin role');
  const broadcastId = randomUUID();
  await withAudit(deps, async (_trx, record) => {
    await record({
      actor: admin.username ?? admin.id,
      actorId: admin.id,
      action: 'notifications.broadcast',
      target: broadcastId,
      requestId: input.requestId,
      details: { broadcastId, title: input.title, body: input.body },
    });
  });
  const payload = { title: input.title, body: input.body, broadcastId };
  let after: string | null = null;
  let recipients = 0;
  let batches = 0;
  for (;;) {
    const rows = await repo.insertBatchForUsers(deps.db, {
      afterUserId: after,
      limit: deps.broadcastBatchSize,
      type: 'system',
      payload,
      now: new Date(deps.clock.now()),
    });
    if (rows.length === 0) break;
    batches++;
    recipients += rows.length;
    after = rows.reduce((max, r) => (r.user_id > max ? r.user_id : max), rows[0]!.user_id);
    await pushBatch(deps, rows, payload);
    if (rows.length < deps.broadcastBatchSize) break;
  }
  deps.logger.info(
    { 'event.action': 'notifications.broadcast', 'broadcast.id': broadcastId, recipients, batches },
    'broadcast delivered',
  );
  return { broadcastId, recipients, batches };
}

async function pushBatch(
  deps: NotificationDeps,
  rows: repo.BatchRow[],
  payload: Record<string, unknown>,
): Promise<void> {
  const online = await deps.onlineAmong(rows.map((r) => r.user_id));
  for (const row of rows) {
    if (!online.has(row.user_id)) continue;
    const notification = notificationView({ ...row, type: 'system', payload, read_at: null });
    await deps.push
      .sendToUsers([row.user_id], { type: 'notification', notification })
      .catch((err: unknown) => deps.logger.warn({ err }, 'broadcast push failed'));
  }
}
