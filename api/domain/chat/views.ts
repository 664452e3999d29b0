/** Row → contract shapes of chat (messages, conversations, channels). */
import type { z } from 'zod';
import type { channelSchema, chatMessageSchema, conversationSchema } from '../../contract/chat.ts';
import type { ConversationRow, ConversationViewRow, MessageRow } from './repo.ts';

export type ChatMessage = z.infer<typeof chatMessageSchema>;
export type ConversationView = z.infer<typeof conversationSchema>;
export type ChannelView = z.infer<typeof channelSchema>;

const iso = (t: Date | string): string => new Date(t).toISOString();
const idOrNull = (id: number | null | undefined): string | null => (id ? String(id) : null);

export function messageView(row: MessageRow): ChatMessage {
  const deleted = row.deleted_at !== null;
  return {
    id: String(row.id),
    conversationId: String(row.conversation_id),
    sender: { id: row.sender_id, username: row.username, displayName: row.display_name },
    body: deleted ? null : row.body,
    invite:
      deleted || row.invite_match_id === null || row.invite_expires_at === null
        ? null
        : { matchId: row.invite_match_id, expiresAt: iso(row.invite_expires_at) },
    createdAt: iso(row.created_at),
    deleted,
    deletedAt: row.deleted_at === null ? null : iso(row.deleted_at),
  };
}

function lastMessageOf(row: ConversationViewRow): ChatMessage | null {
  if (row.lm_id === null) return null;
  return messageView({
    id: row.lm_id,
    conversation_id: row.id,
    sender_id: row.lm_sender_id!,
    body: row.lm_body!,
    created_at: row.lm_created_at!,
    deleted_at: row.lm_deleted_at,
    invite_match_id: row.lm_invite_match_id,
    invite_expires_at: row.lm_invite_expires_at,
    username: row.lm_username!,
    display_name: row.lm_display_name!,
  });
}

export function conversationView(row: ConversationViewRow): ConversationView {
  const direct = row.kind === 'direct';
  return {
    id: String(row.id),
    kind: row.kind,
    name: row.name,
    peer:
      direct && row.peer_id
        ? { id: row.peer_id, username: row.peer_username!, displayName: row.peer_display_name! }
        : null,
    lastMessage: lastMessageOf(row),
    unreadCount: Number(row.unread),
    lastReadMessageId: idOrNull(Number(row.last_read)),
    peerLastReadMessageId: direct
      ? idOrNull(row.peer_last_read === null ? null : Number(row.peer_last_read))
      : null,
    activityAt: iso(row.activity_at),
  };
}

export function channelView(row: ConversationRow, member: boolean): ChannelView {
  return {
    id: String(row.id),
    name: row.name!,
    isPublic: row.is_public,
    everyone: row.implicit_members,
    member: member || row.implicit_members,
    createdAt: iso(row.created_at),
  };
}
