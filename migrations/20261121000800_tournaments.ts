// Tournaments: the tournament (its state machine and schedule), registrations
// with the alias each player plays under (unique per tournament, case
// insensitive) and the seed given at the start, rounds, the matches of the
// bracket or round-robin table (with the game match currently playing them),
// and standings.
//
// Read paths and their indexes:
// - lists by state, newest first: tournaments (state, created_at desc, id desc)
//   and (created_at desc, id desc) for all states;
// - the scheduler's due starts: a partial index on starts_at of open ones;
// - a game's end finds its tournament match: unique tournament_matches (game_id);
// - the scheduler's open matches: a partial index on tournament_matches
//   (scheduled_at) where the match waits to be played.
import type { Knex } from 'knex';

async function createTournaments(knex: Knex): Promise<void> {
  await knex.schema.createTable('tournaments', (t) => {
    t.uuid('id').primary();
    t.text('name').notNullable();
    t.uuid('created_by').references('id').inTable('users').onDelete('SET NULL');
    t.integer('capacity').notNullable();
    t.text('format').notNullable();
    // Game settings every match of the tournament is played with.
    t.jsonb('settings').notNullable();
    t.text('state').notNullable().defaultTo('registration');
    t.timestamp('registration_closes_at', { useTz: true });
    t.timestamp('starts_at', { useTz: true });
    t.integer('rounds_total').notNullable().defaultTo(0);
    t.integer('current_round').notNullable().defaultTo(0);
    t.uuid('winner_id').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('started_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.index(['state', 'created_at', 'id'], 'tournaments_state_created');
    t.index(['created_at', 'id'], 'tournaments_created');
  });
  await knex.raw(
    `alter table tournaments add constraint tournaments_capacity_check check (capacity between 4 and 64)`,
  );
  await knex.raw(
    `alter table tournaments add constraint tournaments_format_check check (format in ('single_elimination', 'round_robin'))`,
  );
  await knex.raw(
    `alter table tournaments add constraint tournaments_state_check check (state in ('registration', 'running', 'paused', 'finished', 'cancelled'))`,
  );
  await knex.raw(
    `create index tournaments_due on tournaments (starts_at) where state = 'registration' and starts_at is not null`,
  );
}

async function createPlayers(knex: Knex): Promise<void> {
  await knex.schema.createTable('tournament_players', (t) => {
    t.uuid('tournament_id')
      .notNullable()
      .references('id')
      .inTable('tournaments')
      .onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('alias').notNullable();
    t.text('alias_key').notNullable();
    // Given at the start, by rating (1 = best); the rating it was seeded with.
    t.integer('seed');
    t.float('rating');
    // active, eliminated (lost in single elimination), forfeited (kicked after the start).
    t.text('status').notNullable().defaultTo('active');
    t.timestamp('registered_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['tournament_id', 'user_id']);
    t.unique(['tournament_id', 'alias_key'], { indexName: 'tournament_players_alias' });
    t.index(['user_id'], 'tournament_players_user');
  });
  await knex.raw(
    `alter table tournament_players add constraint tournament_players_status_check check (status in ('active', 'eliminated', 'forfeited'))`,
  );
}

async function createRounds(knex: Knex): Promise<void> {
  await knex.schema.createTable('tournament_rounds', (t) => {
    t.uuid('tournament_id')
      .notNullable()
      .references('id')
      .inTable('tournaments')
      .onDelete('CASCADE');
    t.integer('number').notNullable();
    t.text('state').notNullable().defaultTo('pending');
    t.timestamp('started_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.primary(['tournament_id', 'number']);
  });
  await knex.raw(
    `alter table tournament_rounds add constraint tournament_rounds_state_check check (state in ('pending', 'running', 'finished'))`,
  );
}

async function createMatches(knex: Knex): Promise<void> {
  await knex.schema.createTable('tournament_matches', (t) => {
    t.uuid('id').primary();
    t.uuid('tournament_id')
      .notNullable()
      .references('id')
      .inTable('tournaments')
      .onDelete('CASCADE');
    t.integer('round').notNullable();
    // Bracket slot within the round (single elimination) or table position (round robin).
    t.integer('position').notNullable();
    t.uuid('player_a').references('id').inTable('users').onDelete('SET NULL');
    t.uuid('player_b').references('id').inTable('users').onDelete('SET NULL');
    // waiting (players not known yet), scheduled (needs a game), ready (game created), finished, cancelled.
    t.text('state').notNullable().defaultTo('waiting');
    // The game match playing it now (a new one after an aborted game).
    t.uuid('game_id').references('id').inTable('matches').onDelete('SET NULL');
    t.uuid('winner_id').references('id').inTable('users').onDelete('SET NULL');
    t.integer('score_a');
    t.integer('score_b');
    // points, time, forfeit reasons (no_show, join_timeout, left, disconnect, kicked), bye, double_forfeit, override: …
    t.text('reason');
    // Who forfeited: a, b or both.
    t.text('forfeit');
    // When the players were told to play: the join timeout counts from here.
    t.timestamp('scheduled_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.unique(['tournament_id', 'round', 'position'], { indexName: 'tournament_matches_slot' });
    t.unique(['game_id'], { indexName: 'tournament_matches_game' });
  });
  await knex.raw(
    `alter table tournament_matches add constraint tournament_matches_state_check check (state in ('waiting', 'scheduled', 'ready', 'finished', 'cancelled'))`,
  );
  await knex.raw(
    `alter table tournament_matches add constraint tournament_matches_forfeit_check check (forfeit is null or forfeit in ('a', 'b', 'both'))`,
  );
  await knex.raw(
    `create index tournament_matches_open on tournament_matches (scheduled_at) where state in ('scheduled', 'ready')`,
  );
}

async function createStandings(knex: Knex): Promise<void> {
  await knex.schema.createTable('tournament_standings', (t) => {
    t.uuid('tournament_id')
      .notNullable()
      .references('id')
      .inTable('tournaments')
      .onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.integer('played').notNullable().defaultTo(0);
    t.integer('wins').notNullable().defaultTo(0);
    t.integer('losses').notNullable().defaultTo(0);
    t.integer('draws').notNullable().defaultTo(0);
    t.integer('points_for').notNullable().defaultTo(0);
    t.integer('points_against').notNullable().defaultTo(0);
    t.integer('forfeits').notNullable().defaultTo(0);
    // Single elimination: the round a player was knocked out in.
    t.integer('eliminated_round');
    // Final rank, set when the tournament finishes (ties share a rank).
    t.integer('rank');
    t.primary(['tournament_id', 'user_id']);
  });
}

export async function up(knex: Knex): Promise<void> {
  await createTournaments(knex);
  await createPlayers(knex);
  await createRounds(knex);
  await createMatches(knex);
  await createStandings(knex);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'tournament_standings',
    'tournament_matches',
    'tournament_rounds',
    'tournament_players',
    'tournaments',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
