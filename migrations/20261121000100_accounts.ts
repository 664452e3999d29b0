// Accounts: users (display name as typed + unique lowercase key), sessions with
// rotating hashed refresh tokens, password resets, personal access tokens,
// 2FA recovery codes and the mail outbox. Every secret is stored hashed.
import type { Knex } from 'knex';

async function createUsers(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary();
    t.text('username').notNullable();
    t.text('username_key').notNullable().unique();
    t.text('email');
    t.text('email_key').unique();
    t.text('password_hash');
    t.text('role').notNullable().defaultTo('player');
    t.text('status').notNullable().defaultTo('active');
    t.text('display_name').notNullable();
    t.text('bio').notNullable().defaultTo('');
    t.text('avatar_type');
    t.text('avatar_etag');
    t.integer('avatar_width');
    t.integer('avatar_height');
    t.integer('avatar_bytes');
    t.text('totp_secret');
    t.text('totp_pending_secret');
    t.boolean('totp_enabled').notNullable().defaultTo(false);
    t.bigInteger('totp_last_step');
    t.text('ban_reason');
    t.timestamp('banned_until', { useTz: true });
    t.timestamp('banned_at', { useTz: true });
    t.timestamp('deleted_at', { useTz: true });
    t.timestamp('last_login_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    `alter table users add constraint users_role_check check (role in ('player', 'moderator', 'admin'))`,
  );
  await knex.raw(
    `alter table users add constraint users_status_check check (status in ('active', 'banned', 'deleted'))`,
  );
  // Prefix search (`like 'ab%'`) can use these only with pattern ops.
  await knex.raw('create index users_username_prefix on users (username_key text_pattern_ops)');
  await knex.raw(
    'create index users_display_name_prefix on users (lower(display_name) text_pattern_ops)',
  );
}

async function createSessions(knex: Knex): Promise<void> {
  await knex.schema.createTable('sessions', (t) => {
    t.uuid('id').primary();
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('user_agent');
    t.text('ip');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_refreshed_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
    t.text('revoked_reason');
    t.index(['user_id']);
  });
  // Every refresh token a session ever had: a rotated one presented again is reuse.
  await knex.schema.createTable('refresh_tokens', (t) => {
    t.text('token_hash').primary();
    t.uuid('session_id').notNullable().references('id').inTable('sessions').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('rotated_at', { useTz: true });
    t.index(['session_id']);
  });
}

async function createSecrets(knex: Knex): Promise<void> {
  await knex.schema.createTable('password_resets', (t) => {
    t.text('token_hash').primary();
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('requested_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.index(['user_id']);
  });
  await knex.schema.createTable('personal_access_tokens', (t) => {
    t.uuid('id').primary();
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('token_hash').notNullable().unique();
    t.text('prefix').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('last_used_at', { useTz: true });
    t.unique(['user_id', 'name']);
  });
  await knex.schema.createTable('recovery_codes', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('code_hash').notNullable();
    t.timestamp('used_at', { useTz: true });
    t.index(['user_id']);
  });
  await knex.schema.createTable('mail_outbox', (t) => {
    t.bigIncrements('id').primary();
    t.text('to_address').notNullable();
    t.text('subject').notNullable();
    t.text('body').notNullable();
    t.text('transport').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
    t.text('error');
  });
}

export async function up(knex: Knex): Promise<void> {
  await createUsers(knex);
  await createSessions(knex);
  await createSecrets(knex);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'mail_outbox',
    'recovery_codes',
    'personal_access_tokens',
    'password_resets',
    'refresh_tokens',
    'sessions',
    'users',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
