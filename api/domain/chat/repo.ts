/**
 * Chat's queries: conversations, members and read positions, messages and
 * their tombstones (the conversation list: conversation-views-repo.ts). Services
 * open the transactions. Ids come back as numbers (both engines parse int8).
 */
import { operations, type Q } from '../../core/query.ts';

const op = operations('chat');

type Time = Date | string;

export interface ConversationRow {
  id: number;
  kind: 'direct' | 'channel';
  name: string | null;
  name_key: string | null;
  is_public: boolean;
  implicit_members: boolean;
  user_low: string | null;
  user_high: string | null;
  created_by: string | null;
  created_at: Time;
  activity_at: Time;
  last_message_id: number | null;
}

/** A message with its sender's names. */
export interface MessageRow {
  id: number;
  conversation_id: number;
  sender_id: string;
  body: string;
  created_at: Time;
  deleted_at: Time | null;
  invite_match_id: string | null;
  invite_expires_at: Time | null;
  username: string;
  display_name: string;
}

export interface ChatUserRow {
  id: string;
  username: string;
  username_key: string;
  display_name: string;
  role: 'player' | 'moderator' | 'admin';
  status: 'active' | 'banned' | 'deleted';
}

const messageColumns = [
  'm.id',
  'm.conversation_id',
  'm.sender_id',
  'm.body',
  'm.created_at',
  'm.deleted_at',
  'm.invite_match_id',
  'm.invite_expires_at',
  'u.username',
  'u.display_name',
];

export const findUserByKey = (q: Q, key: string) =>
  q<ChatUserRow>('users')
    .select('id', 'username', 'username_key', 'display_name', 'role', 'status')
    .where({ username_key: key })
    .first();

export const findUserById = (q: Q, id: string) =>
  q<ChatUserRow>('users')
    .select('id', 'username', 'username_key', 'display_name', 'role', 'status')
    .where({ id })
    .first();

export const findConversation = (q: Q, id: number) =>
  q<ConversationRow>('chat_conversations').where({ id }).first();

export const findChannelByKey = (q: Q, key: string) =>
  q<ConversationRow>('chat_conversations').where({ kind: 'channel', name_key: key }).first();

export const findDirect = (q: Q, low: string, high: string) =>
  q<ConversationRow>('chat_conversations')
    .where({ kind: 'direct', user_low: low, user_high: high })
    .first();

/** Inserts the pair's conversation unless it exists (a concurrent opener may win); returns the row either way. */
export async function insertDirect(
  q: Q,
  pair: { low: string; high: string; createdBy: string; now: Date },
): Promise<ConversationRow> {
  await q('chat_conversations')
    .queryContext(op('insertDirect'))
    .insert({
      kind: 'direct',
      user_low: pair.low,
      user_high: pair.high,
      created_by: pair.createdBy,
      created_at: pair.now,
      activity_at: pair.now,
    })
    .onConflict(['user_low', 'user_high'])
    .ignore();
  return (await findDirect(q, pair.low, pair.high)) as ConversationRow;
}

export async function insertChannel(
  q: Q,
  channel: { name: string; createdBy: string; now: Date },
): Promise<ConversationRow> {
  const [row] = await q<ConversationRow>('chat_conversations')
    .insert({
      kind: 'channel',
      name: channel.name,
      name_key: channel.name,
      is_public: true,
      created_by: channel.createdBy,
      created_at: channel.now,
      activity_at: channel.now,
    })
    .returning('*');
  return row as ConversationRow;
}

/** Adds members; existing memberships are kept as they are. */
export async function addMembers(
  q: Q,
  conversationId: number,
  userIds: readonly string[],
  now: Date,
): Promise<void> {
  if (userIds.length === 0) return;
  await q('chat_members')
    .queryContext(op('addMembers'))
    .insert(
      userIds.map((user_id) => ({ conversation_id: conversationId, user_id, joined_at: now })),
    )
    .onConflict(['conversation_id', 'user_id'])
    .ignore();
}

export async function removeMember(q: Q, conversationId: number, userId: string): Promise<void> {
  await q('chat_members')
    .queryContext(op('removeMember'))
    .where({ conversation_id: conversationId, user_id: userId })
    .delete();
}

export async function isMemberRow(q: Q, conversationId: number, userId: string): Promise<boolean> {
  return Boolean(
    await q('chat_members')
      .queryContext(op('isMemberRow'))
      .where({ conversation_id: conversationId, user_id: userId })
      .first('user_id'),
  );
}

export async function memberIds(q: Q, conversationId: number): Promise<string[]> {
  return (await q('chat_members')
    .queryContext(op('memberIds'))
    .where({ conversation_id: conversationId })
    .pluck('user_id')) as string[];
}

export async function lastReadOf(q: Q, conversationId: number, userId: string): Promise<number> {
  const row = await q('chat_members')
    .queryContext(op('lastReadOf'))
    .where({ conversation_id: conversationId, user_id: userId })
    .first('last_read_message_id');
  return Number((row as { last_read_message_id?: number } | undefined)?.last_read_message_id ?? 0);
}

/**
 * Moves a read position forward, never back. `upsert` creates the row (implicit
 * members such as world); otherwise only an existing membership is updated.
 * Returns the position now stored, or undefined when there was no row to update.
 */
export async function advanceRead(
  q: Q,
  r: { conversationId: number; userId: string; messageId: number; now: Date; upsert: boolean },
): Promise<number | undefined> {
  const greatest = q.raw(
    'greatest(chat_members.last_read_message_id, excluded.last_read_message_id)',
  );
  const row = {
    conversation_id: r.conversationId,
    user_id: r.userId,
    last_read_message_id: r.messageId,
    last_read_at: r.now,
    joined_at: r.now,
  };
  const rows = r.upsert
    ? await q('chat_members')
        .queryContext(op('advanceRead'))
        .insert(row)
        .onConflict(['conversation_id', 'user_id'])
        .merge({ last_read_message_id: greatest, last_read_at: r.now })
        .returning('last_read_message_id')
    : await q('chat_members')
        .queryContext(op('advanceRead'))
        .where({ conversation_id: r.conversationId, user_id: r.userId })
        .update({
          last_read_message_id: q.raw('greatest(last_read_message_id, ?)', [r.messageId]),
          last_read_at: r.now,
        })
        .returning('last_read_message_id');
  const first = rows[0] as { last_read_message_id: number } | undefined;
  return first === undefined ? undefined : Number(first.last_read_message_id);
}

/** A game invite a message carries (server-set only). */
export interface InviteColumns {
  matchId: string;
  expiresAt: Date;
}

export async function insertMessage(
  q: Q,
  m: {
    conversationId: number;
    senderId: string;
    body: string;
    now: Date;
    invite: InviteColumns | null;
  },
): Promise<number> {
  const [row] = await q('chat_messages')
    .queryContext(op('insertMessage'))
    .insert({
      conversation_id: m.conversationId,
      sender_id: m.senderId,
      body: m.body,
      created_at: m.now,
      invite_match_id: m.invite?.matchId ?? null,
      invite_expires_at: m.invite?.expiresAt ?? null,
    })
    .returning('id');
  const id = Number((row as { id: number }).id);
  await q('chat_conversations')
    .queryContext(op('insertMessage'))
    .where({ id: m.conversationId })
    .update({ activity_at: m.now, last_message_id: id });
  return id;
}

export const findMessage = (q: Q, id: number) =>
  q<MessageRow>('chat_messages as m')
    .join('users as u', 'u.id', 'm.sender_id')
    .select(messageColumns)
    .where('m.id', id)
    .first();

/**
 * One history page, newest first: walks the (conversation_id, id desc) index
 * from `before`, so the cost does not depend on how deep the page is.
 *
 * conversation_id is bounded as a range (>= and <=) and sorted on, not
 * compared with =: with an equality PostgreSQL drops it from the sort and may
 * walk the primary key (id) backwards with a filter instead, which on the last
 * page of a conversation holding most rows (the limit never fills) runs to the
 * start of the table. The range leaves only the history index able to give
 * this order, and the scan still starts at (conversation_id, before).
 */
export function historyPage(
  q: Q,
  p: { conversationId: number; before?: number; limit: number; hiddenSenders: readonly string[] },
): Promise<MessageRow[]> {
  const query = q<MessageRow>('chat_messages as m')
    .join('users as u', 'u.id', 'm.sender_id')
    .select(messageColumns)
    .where('m.conversation_id', '>=', p.conversationId)
    .where('m.conversation_id', '<=', p.conversationId)
    .orderBy([
      { column: 'm.conversation_id', order: 'asc' },
      { column: 'm.id', order: 'desc' },
    ])
    .limit(p.limit);
  if (p.before !== undefined) query.where('m.id', '<', p.before);
  if (p.hiddenSenders.length > 0) query.whereNotIn('m.sender_id', p.hiddenSenders);
  return query;
}

/** Turns messages into tombstones; returns the ids that changed (already deleted ones are left alone). */
export async function tombstone(
  q: Q,
  t: { ids: readonly number[]; by: string; now: Date },
): Promise<Array<{ id: number; conversation_id: number }>> {
  if (t.ids.length === 0) return [];
  return q('chat_messages')
    .queryContext(op('tombstone'))
    .whereIn('id', t.ids)
    .whereNull('deleted_at')
    .update({
      body: '',
      deleted_at: t.now,
      deleted_by: t.by,
      invite_match_id: null,
      invite_expires_at: null,
    })
    .returning(['id', 'conversation_id']);
}

/** The next batch of one sender's live messages, oldest first (the partial sender index). */
export async function liveMessageIdsOf(q: Q, senderId: string, limit: number): Promise<number[]> {
  const ids = await q('chat_messages')
    .queryContext(op('liveMessageIdsOf'))
    .where({ sender_id: senderId })
    .whereNull('deleted_at')
    .orderBy('id')
    .limit(limit)
    .pluck('id');
  return (ids as number[]).map(Number);
}

export function listChannels(q: Q, p: { userId: string; afterKey?: string; limit: number }) {
  const query = q('chat_conversations as c')
    .queryContext(op('listChannels'))
    .leftJoin('chat_members as m', (j) => {
      j.on('m.conversation_id', 'c.id').andOn('m.user_id', q.raw('?', [p.userId]));
    })
    .where({ 'c.kind': 'channel', 'c.is_public': true })
    .select('c.*', q.raw('(m.user_id is not null) as is_member'))
    .orderBy('c.name_key')
    .limit(p.limit);
  if (p.afterKey !== undefined) query.where('c.name_key', '>', p.afterKey);
  return query as Promise<Array<ConversationRow & { is_member: boolean }>>;
}

export * from './conversation-views-repo.ts';
