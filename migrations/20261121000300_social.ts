// Social graph and notifications: friend edges (two rows per pair, one per
// side, in Nakama's states), blocks, stored notifications, and the last time
// each user was seen online.
import type { Knex } from 'knex';

async function createFriendEdges(knex: Knex): Promise<void> {
  // One row per direction: each side lists its own edges with one index scan,
  // and "incoming"/"outgoing" are states of the viewer's own row.
  await knex.schema.createTable('friend_edges', (t) => {
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.uuid('other_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('state').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['user_id', 'other_id']);
    t.index(['user_id', 'state', 'updated_at', 'other_id'], 'friend_edges_list');
  });
  await knex.raw(
    `alter table friend_edges add constraint friend_edges_state_check check (state in ('friend', 'invite_sent', 'invite_received'))`,
  );
  await knex.raw(
    'alter table friend_edges add constraint friend_edges_not_self check (user_id <> other_id)',
  );
}

async function createBlocks(knex: Knex): Promise<void> {
  await knex.schema.createTable('user_blocks', (t) => {
    t.uuid('blocker_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.uuid('blocked_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['blocker_id', 'blocked_id']);
    // "Who blocked me" (the other direction of isBlockedEitherWay / blockedUserIds).
    t.index(['blocked_id']);
  });
  await knex.raw(
    'alter table user_blocks add constraint user_blocks_not_self check (blocker_id <> blocked_id)',
  );
}

async function createNotifications(knex: Knex): Promise<void> {
  await knex.schema.createTable('notifications', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('type').notNullable();
    t.jsonb('payload').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('read_at', { useTz: true });
    // Newest-first pages per user by id cursor.
    t.index(['user_id', 'id'], 'notifications_user_id');
  });
  // Unread lists and meta.unreadCount only touch unread rows.
  await knex.raw(
    'create index notifications_unread on notifications (user_id, id) where read_at is null',
  );
}

export async function up(knex: Knex): Promise<void> {
  await createFriendEdges(knex);
  await createBlocks(knex);
  await createNotifications(knex);
  await knex.schema.alterTable('users', (t) => {
    t.timestamp('last_seen_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('last_seen_at');
  });
  for (const table of ['notifications', 'user_blocks', 'friend_edges'])
    await knex.schema.dropTableIfExists(table);
}
