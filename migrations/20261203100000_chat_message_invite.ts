// A game invite posted in chat is a part of the message set by the server: the
// match it invites to and when the invite expires, in their own columns. Only
// the invite endpoint writes them; a body that looks like an invite is text.
// Null on every other message, and cleared when the message becomes a
// tombstone (the match row goes on without it).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('chat_messages', (t) => {
    t.uuid('invite_match_id').nullable().references('id').inTable('matches').onDelete('SET NULL');
    t.timestamp('invite_expires_at', { useTz: true }).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('chat_messages', (t) => {
    t.dropColumn('invite_expires_at');
    t.dropColumn('invite_match_id');
  });
}
