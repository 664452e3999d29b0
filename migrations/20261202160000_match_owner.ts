// The instance that steps a live match (its owner), recorded on the row so an
// operator and the sweeper that takes over a dead instance's matches see it in
// the database as well as in Redis. Null on ended matches and before a runner
// holds the match.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('matches', (t) => {
    t.text('owner_instance').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('matches', (t) => {
    t.dropColumn('owner_instance');
  });
}
