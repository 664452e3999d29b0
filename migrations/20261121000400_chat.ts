// Chat: conversations (direct pairs and named channels), members with their
// read position, and messages with a soft-delete tombstone.
//
// `world` is created here and has `implicit_members`: every user is in it
// without a member row, so a million users need no million rows. A member row
// for world appears only when a user marks it read (it holds the read
// position); channels with implicit members cannot be left.
//
// History pages (`where conversation_id = ? and id < ? order by id desc
// limit n`) walk the (conversation_id, id desc) index, so a page costs the same
// at depth 0 and at depth 1,000,000.
import type { Knex } from 'knex';

async function createConversations(knex: Knex): Promise<void> {
  await knex.schema.createTable('chat_conversations', (t) => {
    t.bigIncrements('id').primary();
    t.text('kind').notNullable();
    // Channels: the name as typed and its lowercase key.
    t.text('name');
    t.text('name_key').unique();
    t.boolean('is_public').notNullable().defaultTo(false);
    t.boolean('implicit_members').notNullable().defaultTo(false);
    // Direct: the two users in a fixed order, so a pair has one conversation whoever opened it.
    t.uuid('user_low').references('id').inTable('users').onDelete('CASCADE');
    t.uuid('user_high').references('id').inTable('users').onDelete('CASCADE');
    t.uuid('created_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // Newest activity (creation, then each message): the order of GET /conversations.
    t.timestamp('activity_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.bigInteger('last_message_id');
    t.unique(['user_low', 'user_high']);
  });
  await knex.raw(`alter table chat_conversations add constraint chat_conversations_kind_check check (
    (kind = 'direct' and user_low is not null and user_high is not null and user_low < user_high and name is null)
    or (kind = 'channel' and name is not null and name_key is not null and user_low is null and user_high is null))`);
  await knex.raw(
    'create index chat_conversations_implicit on chat_conversations (id) where implicit_members',
  );
}

async function createMembers(knex: Knex): Promise<void> {
  await knex.schema.createTable('chat_members', (t) => {
    t.bigInteger('conversation_id')
      .notNullable()
      .references('id')
      .inTable('chat_conversations')
      .onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.timestamp('joined_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // Highest message id the user has read; 0 before the first receipt.
    t.bigInteger('last_read_message_id').notNullable().defaultTo(0);
    t.timestamp('last_read_at', { useTz: true });
    t.primary(['conversation_id', 'user_id']);
    t.index(['user_id', 'conversation_id']);
  });
}

async function createMessages(knex: Knex): Promise<void> {
  await knex.schema.createTable('chat_messages', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('conversation_id')
      .notNullable()
      .references('id')
      .inTable('chat_conversations')
      .onDelete('CASCADE');
    t.uuid('sender_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    // Emptied when the message is deleted: the tombstone keeps only who, where and when.
    t.text('body').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('deleted_at', { useTz: true });
    t.uuid('deleted_by').references('id').inTable('users').onDelete('SET NULL');
  });
  await knex.raw('create index chat_messages_history on chat_messages (conversation_id, id desc)');
  // Purge walks one sender's live messages in id batches.
  await knex.raw(
    'create index chat_messages_sender on chat_messages (sender_id, id) where deleted_at is null',
  );
}

export async function up(knex: Knex): Promise<void> {
  await createConversations(knex);
  await createMembers(knex);
  await createMessages(knex);
  await knex('chat_conversations').insert({
    kind: 'channel',
    name: 'world',
    name_key: 'world',
    is_public: true,
    implicit_members: true,
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['chat_messages', 'chat_members', 'chat_conversations'])
    await knex.schema.dropTableIfExists(table);
}
