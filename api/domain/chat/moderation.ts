/**
 * Deleting messages: a sender deletes their own; moderators and admins delete
 * others' in channels only, and only of users below them (audited); staff
 * purge everything one user wrote, in batches. A deleted
 * message stays in history as a tombstone (who, where, when; no text), and the
 * members' sockets get `chat.deleted`.
 */
import { AppError } from '../../contract/errors.ts';
import { assertMayActOn, isStaff, requireUser, type Actor, type UserActor } from '../actors.ts';
import { withAudit } from '../audit/service.ts';
import { maySee } from './conversation-access.ts';
import { numericId } from './ids.ts';
import { deliverToConversation } from './fan-out.ts';
import { now, type ChatDeps } from './deps.ts';
import { usernameKey } from '../accounts/views.ts';
import * as repo from './repo.ts';
import { messageView, type ChatMessage } from './views.ts';

/** Messages turned into tombstones per statement: short locks, bounded memory. */
export const purgeBatchSize = 500;

const actorName = (a: UserActor): string => a.username ?? a.id;

async function announce(
  deps: ChatDeps,
  changed: ReadonlyArray<{ id: number; conversation_id: number }>,
  deletedBy: 'sender' | 'moderator',
): Promise<void> {
  const byConversation = new Map<number, string[]>();
  for (const row of changed) {
    const ids = byConversation.get(Number(row.conversation_id)) ?? [];
    ids.push(String(row.id));
    byConversation.set(Number(row.conversation_id), ids);
  }
  for (const [conversationId, messageIds] of byConversation) {
    const conv = await repo.findConversation(deps.db, conversationId);
    if (conv)
      await deliverToConversation(deps, conv, {
        type: 'chat.deleted',
        conversationId: String(conversationId),
        messageIds,
        deletedBy,
      });
  }
}

/**
 * Whether `me` may delete someone else's message. A message in a conversation
 * `me` cannot see is NOT_FOUND, like a missing one, so its existence does not
 * leak. Staff delete in channels only (a direct conversation is its two users'
 * own, even when one of them is staff), and only messages of users below them.
 */
async function assertMayDeleteOthers(
  deps: ChatDeps,
  me: UserActor,
  row: repo.MessageRow,
  id: string,
): Promise<void> {
  const conv = await repo.findConversation(deps.db, row.conversation_id);
  if (!conv || !(await maySee(deps, me, conv))) throw new AppError('NOT_FOUND', `No message ${id}`);
  if (!isStaff(me)) throw new AppError('FORBIDDEN', 'You can delete only your own messages');
  if (conv.kind !== 'channel')
    throw new AppError('FORBIDDEN', 'Moderators delete messages in channels only');
  const sender = await repo.findUserById(deps.db, row.sender_id);
  if (sender) assertMayActOn(me, sender);
}

/** Deletes one message: its sender, or staff (audited). Deleting a tombstone again changes nothing. */
export async function deleteMessage(
  deps: ChatDeps,
  actor: Actor,
  input: { id: string; requestId?: string },
): Promise<ChatMessage> {
  const me = requireUser(actor);
  const id = numericId(input.id);
  const row = await repo.findMessage(deps.db, id);
  if (!row) throw new AppError('NOT_FOUND', `No message ${input.id}`);
  const own = row.sender_id === me.id;
  if (!own) await assertMayDeleteOthers(deps, me, row, input.id);
  if (row.deleted_at !== null) return messageView(row);
  const changed = own
    ? await repo.tombstone(deps.db, { ids: [id], by: me.id, now: now(deps) })
    : await withAudit(deps, async (trx, record) => {
        const rows = await repo.tombstone(trx, { ids: [id], by: me.id, now: now(deps) });
        const details = { messageId: input.id, conversationId: String(row.conversation_id) };
        await record({
          actor: actorName(me),
          action: 'chat.message.delete',
          target: usernameKey(row.username),
          requestId: input.requestId,
          details,
          actorId: me.id,
          targetId: row.sender_id,
        });
        return rows;
      });
  await announce(deps, changed, own ? 'sender' : 'moderator');
  return messageView((await repo.findMessage(deps.db, id))!);
}

async function purgeTarget(
  deps: ChatDeps,
  me: UserActor,
  username: string,
): Promise<repo.ChatUserRow> {
  if (!isStaff(me)) throw new AppError('FORBIDDEN', 'This needs the moderator role');
  const user = await repo.findUserByKey(deps.db, usernameKey(username));
  if (!user) throw new AppError('NOT_FOUND', `No user named ${username}`);
  assertMayActOn(me, user);
  return user;
}

/**
 * Turns every live message of one sender into a tombstone, `purgeBatchSize`
 * at a time (each batch its own short statement, announced as it goes), then
 * records one audit entry with the totals. Running it again finishes an
 * interrupted purge and is audited again.
 */
export async function purgeMessages(
  deps: ChatDeps,
  actor: Actor,
  input: { username: string; requestId?: string },
) {
  const me = requireUser(actor);
  const user = await purgeTarget(deps, me, input.username);
  let purged = 0;
  let batches = 0;
  for (;;) {
    const ids = await repo.liveMessageIdsOf(deps.db, user.id, purgeBatchSize);
    if (ids.length === 0) break;
    const changed = await repo.tombstone(deps.db, { ids, by: me.id, now: now(deps) });
    purged += changed.length;
    batches++;
    await announce(deps, changed, 'moderator');
    if (ids.length < purgeBatchSize) break;
  }
  await withAudit(deps, async (_trx, record) => {
    await record({
      actor: actorName(me),
      action: 'chat.purge',
      target: user.username_key,
      requestId: input.requestId,
      details: { purged, batches },
      actorId: me.id,
      targetId: user.id,
    });
  });
  return { username: user.username, purged, batches };
}
