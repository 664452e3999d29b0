// Games: matches (invites to results), the two players of each match with
// their points, hits and rating change, the score timeline, the input log for
// replays, Glicko-2 ratings and their history.
//
// Read paths and their indexes:
// - a user's history, newest first with a (ended_at, id) cursor: match_players
//   (user_id, ended_at desc, match_id desc) — ended_at is copied onto the
//   player row when the match ends so one index scan serves a page;
// - public live matches: a partial index on matches (created_at, id) where the
//   state is live and the match public;
// - admin lists by state: matches (state, created_at desc, id desc).
import type { Knex } from 'knex';

const liveStates = `('ready', 'countdown', 'playing')`;

async function createMatches(knex: Knex): Promise<void> {
  await knex.schema.createTable('matches', (t) => {
    t.uuid('id').primary();
    t.text('kind').notNullable();
    t.boolean('ranked').notNullable().defaultTo(false);
    t.text('visibility').notNullable().defaultTo('public');
    t.text('state').notNullable();
    t.jsonb('settings').notNullable();
    t.integer('seed').notNullable();
    t.uuid('created_by').references('id').inTable('users').onDelete('SET NULL');
    // The match this one is a rematch of.
    t.uuid('rematch_of').references('id').inTable('matches').onDelete('SET NULL');
    t.integer('left_score').notNullable().defaultTo(0);
    t.integer('right_score').notNullable().defaultTo(0);
    // 0 left, 1 right, null for a draw or no result.
    t.smallint('winner_side');
    // Why it ended: points, time, forfeit, left, disconnect, declined, invite_expired, not_ready, admin, server_restart.
    t.text('reason');
    t.integer('ticks').notNullable().defaultTo(0);
    t.float('duration_sec');
    t.integer('longest_rally');
    t.float('average_rally');
    t.integer('max_ball_speed');
    t.timestamp('invite_expires_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('started_at', { useTz: true });
    t.timestamp('ended_at', { useTz: true });
    t.index(['state', 'created_at', 'id'], 'matches_state_created');
  });
  await knex.raw(
    `alter table matches add constraint matches_kind_check check (kind in ('direct', 'matchmaking', 'tournament', 'bot'))`,
  );
  await knex.raw(
    `alter table matches add constraint matches_visibility_check check (visibility in ('public', 'private'))`,
  );
  await knex.raw(
    `alter table matches add constraint matches_state_check check (state in ('pending', 'ready', 'countdown', 'playing', 'finished', 'aborted', 'forfeited'))`,
  );
  await knex.raw(
    `alter table matches add constraint matches_winner_check check (winner_side is null or winner_side in (0, 1))`,
  );
  await knex.raw(
    `create index matches_public_live on matches (created_at desc, id desc) where visibility = 'public' and state in ${liveStates}`,
  );
}

async function createPlayers(knex: Knex): Promise<void> {
  await knex.schema.createTable('match_players', (t) => {
    t.uuid('match_id').notNullable().references('id').inTable('matches').onDelete('CASCADE');
    t.smallint('side').notNullable();
    // A user, or a bot (user_id null, bot_level set).
    t.uuid('user_id').references('id').inTable('users').onDelete('SET NULL');
    t.text('bot_level');
    t.boolean('accepted').notNullable().defaultTo(false);
    t.integer('points').notNullable().defaultTo(0);
    t.integer('hits').notNullable().defaultTo(0);
    t.float('rating_before');
    t.float('rating_after');
    // Copied from the match for the history index (and null while it runs).
    t.timestamp('ended_at', { useTz: true });
    t.primary(['match_id', 'side']);
  });
  await knex.raw(
    'alter table match_players add constraint match_players_side_check check (side in (0, 1))',
  );
  await knex.raw(
    `alter table match_players add constraint match_players_who_check check ((user_id is null) <> (bot_level is null) or (user_id is null and bot_level is null))`,
  );
  await knex.raw(
    'create index match_players_history on match_players (user_id, ended_at desc, match_id desc)',
  );
}

async function createResults(knex: Knex): Promise<void> {
  await knex.schema.createTable('match_timeline', (t) => {
    t.uuid('match_id').notNullable().references('id').inTable('matches').onDelete('CASCADE');
    t.integer('point').notNullable();
    t.integer('tick').notNullable();
    t.integer('left_score').notNullable();
    t.integer('right_score').notNullable();
    t.primary(['match_id', 'point']);
  });
  await knex.schema.createTable('match_input_logs', (t) => {
    t.uuid('match_id').primary().references('id').inTable('matches').onDelete('CASCADE');
    // api/game/input-log.ts text form: run-length encoded directions per tick.
    t.text('log').notNullable();
  });
}

async function createRatings(knex: Knex): Promise<void> {
  await knex.schema.createTable('ratings', (t) => {
    t.uuid('user_id').primary().references('id').inTable('users').onDelete('CASCADE');
    t.float('rating').notNullable();
    t.float('deviation').notNullable();
    t.float('volatility').notNullable();
    t.integer('matches').notNullable().defaultTo(0);
    t.integer('wins').notNullable().defaultTo(0);
    t.integer('losses').notNullable().defaultTo(0);
    t.integer('draws').notNullable().defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['rating'], 'ratings_rating');
  });
  await knex.schema.createTable('rating_history', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.uuid('match_id').notNullable().references('id').inTable('matches').onDelete('CASCADE');
    t.float('rating').notNullable();
    t.float('deviation').notNullable();
    t.float('volatility').notNullable();
    t.float('delta').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id', 'id'], 'rating_history_user');
  });
}

export async function up(knex: Knex): Promise<void> {
  await createMatches(knex);
  await createPlayers(knex);
  await createResults(knex);
  await createRatings(knex);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'rating_history',
    'ratings',
    'match_input_logs',
    'match_timeline',
    'match_players',
    'matches',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
