/**
 * The conversation list as one user sees it (read positions, the peer, the
 * last message, unread counts bounded at unreadCap): the chat area's heaviest
 * queries, re-exported by repo.ts.
 */
import { operations, type Q } from '../../core/query.ts';
import type { ConversationRow } from './repo.ts';

const op = operations('chat');

type Time = Date | string;

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
  lm_invite_match_id: string | null;
  lm_invite_expires_at: Time | null;
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
           lm.deleted_at as lm_deleted_at, lm.invite_match_id as lm_invite_match_id,
           lm.invite_expires_at as lm_invite_expires_at,
           lm.username as lm_username, lm.display_name as lm_display_name,
           (select count(*) from (
              select 1 from chat_messages x
               where x.conversation_id = page.id and x.id > page.last_read and x.sender_id <> :me
                 and x.deleted_at is null${hiddenUnread}
               limit :cap) counted) as unread
      from page
      left join users p on p.id = case when page.user_low = :me then page.user_high else page.user_low end
      left join chat_members pm on pm.conversation_id = page.id and pm.user_id = p.id
      left join lateral (
        select m.id, m.sender_id, m.body, m.created_at, m.deleted_at, m.invite_match_id,
               m.invite_expires_at, u.username, u.display_name
          from chat_messages m join users u on u.id = m.sender_id
         where m.conversation_id = page.id${hiddenLast}
         order by m.id desc limit 1) lm on true
     order by page.activity_at desc, page.id desc`;
  const result = (await q.raw(sql, b).queryContext(op('conversationViews'))) as {
    rows: ConversationViewRow[];
  };
  return result.rows;
}

/** Unread messages of one conversation for one user, bounded like the list's. */
export async function unreadCount(
  q: Q,
  p: { conversationId: number; userId: string; after: number; hiddenSenders: readonly string[] },
): Promise<number> {
  const inner = q('chat_messages')
    .queryContext(op('unreadCount'))
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
