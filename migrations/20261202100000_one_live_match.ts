// One live match per user, across every instance that shares the database:
// a player row is `live` while its match is ready, in countdown or playing,
// and a partial unique index allows one live row per user. The flag is set in
// the transaction that starts the match (a ready match, an accepted invite)
// and cleared in the one that stores its end, so two instances can never both
// start a match for one user.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('match_players', (t) => {
    t.boolean('live').notNullable().defaultTo(false);
  });
  // Matches already live keep their players, the newest one per user if there were several.
  await knex.raw(`
    update match_players set live = true
    where (match_id, side) in (
      select distinct on (p.user_id) p.match_id, p.side
      from match_players p join matches m on m.id = p.match_id
      where p.user_id is not null and m.state in ('ready', 'countdown', 'playing')
      order by p.user_id, m.created_at desc
    )`);
  await knex.raw(
    'create unique index match_players_one_live on match_players (user_id) where live',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists match_players_one_live');
  await knex.schema.alterTable('match_players', (t) => {
    t.dropColumn('live');
  });
}
