/**
 * Chat's queries: conversations, members and read positions, messages and
 * their tombstones. The only file of the area that talks to knex; services
 * open the transactions. Ids come back as numbers (both engines parse int8).
 */
import type { Knex } from 'knex';

export type Q = Knex | Knex.Transaction;
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
    .insert(
      userIds.map((user_id) => ({ conversation_id: conversationId, user_id, joined_at: now })),
    )
    .onConflict(['conversation_id', 'user_id'])
    .ignore();
}

export async function removeMember(q: Q, conversationId: number, userId: string): Promise<void> {
  await q('chat_members').where({ conversation_id: conversationId, user_id: userId }).delete();
}

export async function isMemberRow(q: Q, conversationId: number, userId: string): Promise<boolean> {
  return Boolean(
    await q('chat_members')
      .where({ conversation_id: conversationId, user_id: userId })
      .first('user_id'),
  );
}

export async function memberIds(q: Q, conversationId: number): Promise<string[]> {
  return (await q('chat_members')
    .where({ conversation_id: conversationId })
    .pluck('user_id')) as string[];
}

export async function lastReadOf(q: Q, conversationId: number, userId: string): Promise<number> {
  const row = await q('chat_members')
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
        .insert(row)
        .onConflict(['conversation_id', 'user_id'])
        .merge({ last_read_message_id: greatest, last_read_at: r.now })
        .returning('last_read_message_id')
    : await q('chat_members')
        .where({ conversation_id: r.conversationId, user_id: r.userId })
        .update({
          last_read_message_id: q.raw('greatest(last_read_message_id, ?)', [r.messageId]),
          last_read_at: r.now,
        })
        .returning('last_read_message_id');
  const first = rows[0] as { last_read_message_id: number } | undefined;
  return first === undefined ? undefined : Number(first.last_read_message_id);
}

export async function insertMessage(
  q: Q,
  m: { conversationId: number; senderId: string; body: string; now: Date },
): Promise<number> {
  const [row] = await q('chat_messages')
    .insert({
      conversation_id: m.conversationId,
      sender_id: m.senderId,
      body: m.body,
      created_at: m.now,
    })
    .returning('id');
  const id = Number((row as { id: number }).id);
  await q('chat_conversations')
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
    .whereIn('id', t.ids)
    .whereNull('deleted_at')
    .update({ body: '', deleted_at: t.now, deleted_by: t.by })
    .returning(['id', 'conversation_id']);
}

/** The next batch of one sender's live messages, oldest first (the partial sender index). */
export async function liveMessageIdsOf(q: Q, senderId: string, limit: number): Promise<number[]> {
  const ids = await q('chat_messages')
    .where({ sender_id: senderId })
    .whereNull('deleted_at')
    .orderBy('id')
    .limit(limit)
    .pluck('id');
  return (ids as number[]).map(Number);
}

export function listChannels(q: Q, p: { userId: string; afterKey?: string; limit: number }) {
  const query = q('chat_conversations as c')
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

/** A conversation as one user sees it: read positions, the peer, the last message and the unread count. */
export interface ConversationViewRow extends ConversationRow {
  last_read: number;
  peer_id: string | null;
  peer_username: string | null;
  peer_display_name: string | null;
  peer_last_read: number | null;
  lm_id: number | null;
  lm_sender_id: string | null;
  lm_body: string | null;
  lm_created_at: Time | null;
  lm_deleted_at: Time | null;
  lm_username: string | null;
  lm_display_name: string | null;
  unread: number;
}

/** Unread counts stop here: counting further would cost a scan as long as the backlog. */
export const unreadCap = 1000;

export interface ConversationQuery {
  userId: string;
  hiddenSenders: readonly string[];
  limit: number;
  /** Continue after this (activity_at, id), newest first. */
  after?: { at: string; id: number };
  /** Only this conversation. */
  only?: number;
}

function hiddenClause(
  column: string,
  hidden: readonly string[],
  bindings: Record<string, unknown>,
): string {
  if (hidden.length === 0) return '';
  const names = hidden.map((id, i) => {
    bindings[`h${i}`] = id;
    return `:h${i}`;
  });
  return ` and ${column} not in (${names.join(', ')})`;
}

/**
 * The user's conversations: explicit memberships, plus every conversation with
 * implicit members (world) whether or not a read-position row exists. Each
 * with the peer (direct), the last visible message (one index probe) and an
 * unread count bounded by `unreadCap`.
 */
export async function conversationViews(
  q: Q,
  p: ConversationQuery,
): Promise<ConversationViewRow[]> {
  const b: Record<string, unknown> = { me: p.userId, limit: p.limit, cap: unreadCap };
  const filters: string[] = [];
  if (p.after) {
    Object.assign(b, { afterAt: p.after.at, afterId: p.after.id });
    filters.push('(activity_at < :afterAt or (activity_at = :afterAt and id < :afterId))');
  }
  if (p.only !== undefined) {
    b.only = p.only;
    filters.push('id = :only');
  }
  const where = filters.length ? `where ${filters.join(' and ')}` : '';
  const hiddenLast = hiddenClause('m.sender_id', p.hiddenSenders, b);
  const hiddenUnread = hiddenClause('x.sender_id', p.hiddenSenders, b);
  const sql = `
    with mine as (
      select c.*, m.last_read_message_id as last_read
        from chat_members m join chat_conversations c on c.id = m.conversation_id
       where m.user_id = :me
      union all
      select c.*, 0 as last_read from chat_conversations c
       where c.implicit_members
         and not exists (select 1 from chat_members m where m.conversation_id = c.id and m.user_id = :me)
    ), page as (
      select * from mine ${where} order by activity_at desc, id desc limit :limit
    )
    select page.*,
           p.id as peer_id, p.username as peer_username, p.display_name as peer_display_name,
           pm.last_read_message_id as peer_last_read,
           lm.id as lm_id, lm.sender_id as lm_sender_id, lm.body as lm_body, lm.created_at as lm_created_at,
           lm.deleted_at as lm_deleted_at, lm.username as lm_username, lm.display_name as lm_display_name,
           (select count(*) from (
              select 1 from chat_messages x
               where x.conversation_id = page.id and x.id > page.last_read and x.sender_id <> :me
                 and x.deleted_at is null${hiddenUnread}
               limit :cap) counted) as unread
      from page
      left join users p on p.id = case when page.user_low = :me then page.user_high else page.user_low end
      left join chat_members pm on pm.conversation_id = page.id and pm.user_id = p.id
      left join lateral (
        select m.id, m.sender_id, m.body, m.created_at, m.deleted_at, u.username, u.display_name
          from chat_messages m join users u on u.id = m.sender_id
         where m.conversation_id = page.id${hiddenLast}
         order by m.id desc limit 1) lm on true
     order by page.activity_at desc, page.id desc`;
  const result = (await q.raw(sql, b)) as { rows: ConversationViewRow[] };
  return result.rows;
}

/** Unread messages of one conversation for one user, bounded like the list's. */
export async function unreadCount(
  q: Q,
  p: { conversationId: number; userId: string; after: number; hiddenSenders: readonly string[] },
): Promise<number> {
  const inner = q('chat_messages')
    .select(q.raw('1'))
    .where('conversation_id', p.conversationId)
    .where('id', '>', p.after)
    .whereNot('sender_id', p.userId)
    .whereNull('deleted_at')
    .limit(unreadCap);
  if (p.hiddenSenders.length > 0) inner.whereNotIn('sender_id', p.hiddenSenders);
  const row = await q.from(inner.as('counted')).count<{ n: number }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}
