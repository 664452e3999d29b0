/**
 * The queries of account deletion: what a deleted account leaves in other
 * areas' tables is erased here, in the one transaction that deletes it, so
 * nothing of it outlives the delete (see eraseTraces for what stays).
 */
import { operations, type Q } from '../../core/query.ts';

const op = operations('accounts');

/** What identified a deleted account, and the tombstone name that replaces it. */
export interface Erasure {
  userId: string;
  /** Username as typed, its key, the email and its key: every form the old name may take. */
  names: readonly string[];
  emailKey: string | null;
  tombstone: string;
  by: string;
  now: Date;
}

/** `(text) has one of names as a whole JSON string value` and the bindings it needs. */
function mentions(column: string, names: readonly string[]) {
  return {
    sql: names.map(() => `position(to_jsonb(?::text)::text in ${column}::text) > 0`).join(' or '),
    bindings: [...names],
  };
}

/**
 * Erases what a deleted account leaves in other areas' tables (the account
 * row itself is anonymised by the caller), in the caller's transaction. What
 * stays: matches and their players, ratings and statistics (others' history),
 * tournament entries under the tombstone, and message tombstones (who, where,
 * when; no text). What goes: the text of every message the user wrote, their
 * memberships, friend edges and blocks either way, their notifications and
 * every notification of others that names them (a later user of the freed
 * name must not inherit them), their analytics events, digests, reset tokens,
 * outgoing mail, the IP and user agent of their sessions; audit rows keep
 * what happened, with the old name replaced by the tombstone.
 */
export async function eraseTraces(q: Q, e: Erasure): Promise<void> {
  const id = e.userId;
  await q('chat_messages')
    .queryContext(op('eraseTraces'))
    .where({ sender_id: id })
    .whereNull('deleted_at')
    .update({
      body: '',
      deleted_at: e.now,
      deleted_by: e.by,
      invite_match_id: null,
      invite_expires_at: null,
    });
  await q('chat_members').queryContext(op('eraseTraces')).where({ user_id: id }).delete();
  await q('friend_edges')
    .queryContext(op('eraseTraces'))
    .where({ user_id: id })
    .orWhere({ other_id: id })
    .delete();
  await q('user_blocks')
    .queryContext(op('eraseTraces'))
    .where({ blocker_id: id })
    .orWhere({ blocked_id: id })
    .delete();
  const named = mentions('payload', e.names);
  await q('notifications')
    .queryContext(op('eraseTraces'))
    .where({ user_id: id })
    .orWhereRaw(`(${named.sql})`, named.bindings)
    .delete();
  await q('events').queryContext(op('eraseTraces')).where({ user_id: id }).delete();
  await q('digest_settings').queryContext(op('eraseTraces')).where({ user_id: id }).delete();
  await q('digest_log').queryContext(op('eraseTraces')).where({ user_id: id }).delete();
  await q('password_resets').queryContext(op('eraseTraces')).where({ user_id: id }).delete();
  await q('password_resets')
    .queryContext(op('eraseTraces'))
    .whereIn('requested_by', e.names)
    .update({ requested_by: e.tombstone });
  if (e.emailKey)
    await q('mail_outbox')
      .queryContext(op('eraseTraces'))
      .whereRaw('lower(to_address) = ?', [e.emailKey])
      .delete();
  await q('refresh_tokens')
    .queryContext(op('eraseTraces'))
    .whereIn(
      'session_id',
      q('sessions').queryContext(op('eraseTraces')).select('id').where({ user_id: id }),
    )
    .delete();
  await q('sessions')
    .queryContext(op('eraseTraces'))
    .where({ user_id: id })
    .update({ ip: null, user_agent: null });
  await q('tournament_players')
    .queryContext(op('eraseTraces'))
    .where({ user_id: id })
    .update({ alias: e.tombstone, alias_key: e.tombstone });
  await rewriteAudit(q, e);
}

/** Audit rows keep the action; every form of the old name becomes the tombstone. */
async function rewriteAudit(q: Q, e: Erasure): Promise<void> {
  let details = 'details::text';
  const replaceBindings: string[] = [];
  for (const name of e.names) {
    details = `replace(${details}, to_jsonb(?::text)::text, to_jsonb(?::text)::text)`;
    replaceBindings.push(name, e.tombstone);
  }
  const named = mentions('details', e.names);
  const list = e.names.map(() => '?').join(', ');
  await q
    .raw(
      `update audit_log
        set actor = case when actor in (${list}) then ? else actor end,
            target = case when target in (${list}) then ? else target end,
            details = (${details})::jsonb
      where actor in (${list}) or target in (${list}) or ${named.sql}`,
      [
        ...e.names,
        e.tombstone,
        ...e.names,
        e.tombstone,
        ...replaceBindings,
        ...e.names,
        ...e.names,
        ...named.bindings,
      ],
    )
    .queryContext(op('eraseTraces'));
}
