// Leaderboards, stats, analytics events and the weekly digest.
//
// Read paths are served from small structures kept up to date by triggers in
// the same transaction as the write that changes them, so every writer (the
// match-end transaction, the audited import, an admin fixing a rating) keeps
// them right and no read counts rows at scale:
// - rating_buckets: players per whole rating point among ranked players
//   (ratings.matches >= 10); the rank of one user sums ~a few hundred bucket
//   rows above it plus the few users of its own bucket (ratings_board index);
// - leaderboard_wins (+ _counts): wins in ranked matches per period
//   (ISO week from Monday 00:00 UTC, calendar month, all time), keyed by the
//   period's start so a new period starts empty (Nakama-like reset) and old
//   periods stay readable;
// - stats_user_daily: per user, day and scope (0 public matches only, 1 all)
//   the counters and streak pieces (prefix/suffix/best runs) that combine
//   exactly over any range of days; stats_user_opponents: head to head;
// - stats_platform_daily, stats_active(+_counts), stats_queue_waits,
//   stats_live: platform stats without scanning matches.
// Every trigger first takes one transaction-scoped advisory lock: the shared
// counter rows are then always updated by one transaction at a time, so two
// match ends can never deadlock on them (match ends are a few per second).
import type { Knex } from 'knex';

// Trigger functions: plain PL/pgSQL, so PostgreSQL and PGlite run the same
// code. Days and periods are UTC; a week starts on Monday 00:00 UTC.
/** Ratings with at least this many rated matches are on the rating board (api/contract/leaderboards.ts repeats it). */
const MIN_MATCHES = 10;
const LOCK_KEY = 7270601;

const utcDay = (ts: string) => `((${ts}) at time zone 'UTC')::date`;

const lockFn = `create or replace function stats_lock() returns void language sql as $$ select pg_advisory_xact_lock(${LOCK_KEY}) $$`;

const markActiveFn = `create or replace function stats_mark_active(uid uuid, at timestamptz) returns void language sql as $$
  insert into stats_active (period, period_start, user_id) values
    ('day', ${utcDay('at')}, uid),
    ('week', date_trunc('week', at at time zone 'UTC')::date, uid),
    ('month', date_trunc('month', at at time zone 'UTC')::date, uid)
  on conflict do nothing $$`;

const activeCountedFn = `create or replace function stats_active_counted() returns trigger language plpgsql as $$
begin
  if TG_OP = 'INSERT' then
    insert into stats_active_counts as c (period, period_start, users) values (NEW.period, NEW.period_start, 1)
      on conflict (period, period_start) do update set users = c.users + 1;
  else
    update stats_active_counts set users = users - 1 where period = OLD.period and period_start = OLD.period_start;
  end if;
  return null;
end $$`;

const addWinsFn = `create or replace function stats_add_wins(uid uuid, at timestamptz, n integer) returns void language sql as $$
  insert into leaderboard_wins as w (period, period_start, user_id, wins) values
    ('week', date_trunc('week', at at time zone 'UTC')::date, uid, n),
    ('month', date_trunc('month', at at time zone 'UTC')::date, uid, n),
    ('all', date '1970-01-01', uid, n)
  on conflict (period, period_start, user_id) do update set wins = w.wins + excluded.wins $$`;

const winsCountedFn = `create or replace function stats_wins_counted() returns trigger language plpgsql as $$
begin
  if TG_OP <> 'INSERT' then
    update leaderboard_wins_counts set players = players - 1 where period = OLD.period and period_start = OLD.period_start and wins = OLD.wins;
  end if;
  if TG_OP <> 'DELETE' then
    insert into leaderboard_wins_counts as c (period, period_start, wins, players) values (NEW.period, NEW.period_start, NEW.wins, 1)
      on conflict (period, period_start, wins) do update set players = c.players + 1;
  end if;
  return null;
end $$`;

const ratingsChangedFn = `create or replace function stats_ratings_changed() returns trigger language plpgsql as $$
declare
  old_in boolean := TG_OP <> 'INSERT' and OLD.matches >= ${MIN_MATCHES};
  new_in boolean := TG_OP <> 'DELETE' and NEW.matches >= ${MIN_MATCHES};
  won integer := 0;
begin
  perform stats_lock();
  if old_in and not (new_in and floor(OLD.rating) = floor(NEW.rating)) then
    update rating_buckets set players = players - 1 where bucket = floor(OLD.rating)::integer;
  end if;
  if new_in and not (old_in and floor(OLD.rating) = floor(NEW.rating)) then
    insert into rating_buckets as b (bucket, players) values (floor(NEW.rating)::integer, 1)
      on conflict (bucket) do update set players = b.players + 1;
  end if;
  if TG_OP = 'INSERT' then won := NEW.wins; elsif TG_OP = 'UPDATE' then won := NEW.wins - OLD.wins; end if;
  if won > 0 then perform stats_add_wins(NEW.user_id, NEW.updated_at, won); end if;
  return null;
end $$`;

const dailyUpsert = `insert into stats_user_daily as s (user_id, scope, day, matches, wins, losses, draws, points_for, points_against,
      timed, duration_sum, rallies_counted, rally_sum, longest_rally, win_prefix, win_suffix, win_best, loss_prefix, loss_suffix)
    values (NEW.user_id, sc, d, 1, w, l, 1 - w - l, pf, pa, case when m.duration_sec is null then 0 else 1 end, coalesce(m.duration_sec, 0),
      case when m.average_rally is null then 0 else 1 end, coalesce(m.average_rally, 0), coalesce(m.longest_rally, 0), w, w, w, l, l)
    on conflict (user_id, scope, day) do update set
      matches = s.matches + 1, wins = s.wins + excluded.wins, losses = s.losses + excluded.losses, draws = s.draws + excluded.draws,
      points_for = s.points_for + excluded.points_for, points_against = s.points_against + excluded.points_against,
      timed = s.timed + excluded.timed, duration_sum = s.duration_sum + excluded.duration_sum,
      rallies_counted = s.rallies_counted + excluded.rallies_counted, rally_sum = s.rally_sum + excluded.rally_sum,
      longest_rally = greatest(s.longest_rally, excluded.longest_rally),
      win_prefix = case when s.win_prefix = s.matches then s.win_prefix + excluded.wins else s.win_prefix end,
      win_suffix = case when excluded.wins = 1 then s.win_suffix + 1 else 0 end,
      win_best = greatest(s.win_best, case when excluded.wins = 1 then s.win_suffix + 1 else 0 end),
      loss_prefix = case when s.loss_prefix = s.matches then s.loss_prefix + excluded.losses else s.loss_prefix end,
      loss_suffix = case when excluded.losses = 1 then s.loss_suffix + 1 else 0 end;`;

const opponentUpsert = `insert into stats_user_opponents as o (user_id, scope, opponent_id, matches, wins, losses, draws, points_for, points_against, last_at)
      values (NEW.user_id, sc, opp, 1, w, l, 1 - w - l, pf, pa, NEW.ended_at)
      on conflict (user_id, scope, opponent_id) do update set
        matches = o.matches + 1, wins = o.wins + excluded.wins, losses = o.losses + excluded.losses, draws = o.draws + excluded.draws,
        points_for = o.points_for + excluded.points_for, points_against = o.points_against + excluded.points_against,
        last_at = greatest(o.last_at, excluded.last_at);`;

const playerEndedFn = `create or replace function stats_player_ended() returns trigger language plpgsql as $$
declare
  m record; opp uuid; w integer; l integer; pf integer; pa integer; d date; sc integer;
begin
  select state, visibility, started_at, winner_side, left_score, right_score, duration_sec, average_rally, longest_rally
    into m from matches where id = NEW.match_id;
  if m.started_at is null or m.state not in ('finished', 'forfeited') then return null; end if;
  perform stats_lock();
  w := case when m.winner_side = NEW.side then 1 else 0 end;
  l := case when m.winner_side is not null and m.winner_side <> NEW.side then 1 else 0 end;
  pf := case when NEW.side = 0 then m.left_score else m.right_score end;
  pa := case when NEW.side = 0 then m.right_score else m.left_score end;
  d := ${utcDay('NEW.ended_at')};
  select user_id into opp from match_players where match_id = NEW.match_id and side = 1 - NEW.side;
  foreach sc in array (case when m.visibility = 'public' then array[0, 1] else array[1] end) loop
    ${dailyUpsert}
    if opp is not null then
      ${opponentUpsert}
    end if;
  end loop;
  perform stats_mark_active(NEW.user_id, NEW.ended_at);
  return null;
end $$`;

const matchChangedFn = `create or replace function stats_match_changed() returns trigger language plpgsql as $$
declare
  now_ended boolean := NEW.state in ('finished', 'forfeited') and NEW.started_at is not null and NEW.ended_at is not null;
  was_ended boolean := TG_OP = 'UPDATE' and OLD.state in ('finished', 'forfeited', 'aborted');
  playing_now boolean := NEW.state = 'playing';
  playing_before boolean := TG_OP = 'UPDATE' and OLD.state = 'playing';
  humans integer; live integer;
begin
  if now_ended and not was_ended then
    perform stats_lock();
    insert into stats_platform_daily as p (day, matches, timed, duration_sum)
      values (${utcDay('NEW.ended_at')}, 1, case when NEW.duration_sec is null then 0 else 1 end, coalesce(NEW.duration_sec, 0))
      on conflict (day) do update set matches = p.matches + 1, timed = p.timed + excluded.timed, duration_sum = p.duration_sum + excluded.duration_sum;
  end if;
  if playing_now <> playing_before then
    perform stats_lock();
    select count(*) into humans from match_players where match_id = NEW.id and user_id is not null;
    update stats_live set players = greatest(0, players + case when playing_now then humans else -humans end) where id = 1 returning players into live;
    if playing_now then
      insert into stats_platform_daily as p (day, peak_players) values (${utcDay('coalesce(NEW.started_at, now())')}, live)
        on conflict (day) do update set peak_players = greatest(p.peak_players, excluded.peak_players);
    end if;
  end if;
  return null;
end $$`;

const userRegisteredFn = `create or replace function stats_user_registered() returns trigger language plpgsql as $$
begin
  perform stats_lock();
  if TG_OP <> 'INSERT' then
    update stats_platform_daily set registrations = registrations - 1 where day = ${utcDay('OLD.created_at')};
  end if;
  if TG_OP <> 'DELETE' then
    insert into stats_platform_daily as p (day, registrations) values (${utcDay('NEW.created_at')}, 1)
      on conflict (day) do update set registrations = p.registrations + 1;
  end if;
  return null;
end $$`;

const functions = [
  'stats_lock',
  'stats_mark_active',
  'stats_active_counted',
  'stats_add_wins',
  'stats_wins_counted',
  'stats_ratings_changed',
  'stats_player_ended',
  'stats_match_changed',
  'stats_user_registered',
];

async function createFunctions(knex: Knex): Promise<void> {
  for (const sql of [
    lockFn,
    markActiveFn,
    activeCountedFn,
    addWinsFn,
    winsCountedFn,
    ratingsChangedFn,
    playerEndedFn,
    matchChangedFn,
    userRegisteredFn,
  ])
    await knex.raw(sql);
}

async function createTriggers(knex: Knex): Promise<void> {
  await knex.raw(
    'create trigger stats_active_counted after insert or delete on stats_active for each row execute function stats_active_counted()',
  );
  await knex.raw(
    'create trigger stats_wins_counted after insert or update or delete on leaderboard_wins for each row execute function stats_wins_counted()',
  );
  await knex.raw(
    'create trigger stats_ratings_changed after insert or update or delete on ratings for each row execute function stats_ratings_changed()',
  );
  await knex.raw(
    'create trigger stats_player_ended_insert after insert on match_players for each row when (NEW.ended_at is not null and NEW.user_id is not null) execute function stats_player_ended()',
  );
  await knex.raw(
    'create trigger stats_player_ended_update after update of ended_at on match_players for each row when (OLD.ended_at is null and NEW.ended_at is not null and NEW.user_id is not null) execute function stats_player_ended()',
  );
  await knex.raw(
    'create trigger stats_match_changed after insert or update of state on matches for each row execute function stats_match_changed()',
  );
  // Registrations that existed before this migration are counted once, here.
  await knex.raw(
    `insert into stats_platform_daily (day, registrations) select ${utcDay('created_at')}, count(*) from users group by 1`,
  );
  await knex.raw(
    'create trigger stats_user_registered after insert or update of created_at or delete on users for each row execute function stats_user_registered()',
  );
}

async function dropFunctions(knex: Knex): Promise<void> {
  for (const [trigger, table] of [
    ['stats_user_registered', 'users'],
    ['stats_match_changed', 'matches'],
    ['stats_player_ended_update', 'match_players'],
    ['stats_player_ended_insert', 'match_players'],
    ['stats_ratings_changed', 'ratings'],
    ['stats_wins_counted', 'leaderboard_wins'],
    ['stats_active_counted', 'stats_active'],
  ]) {
    await knex.raw(`drop trigger if exists ${trigger} on ${table}`);
  }
  for (const fn of functions) await knex.raw(`drop function if exists ${fn} cascade`);
}

// The match views Grafana's dashboards read (contract in ops/grafana/README.md),
// made the way 20261121000700_grafana_reader makes its own (role only when
// missing, schema if missing, views replaced, then the grant). This migration
// runs before that one on a fresh database, so it prepares role and schema too.
const views = ['match_points', 'match_players', 'matches'];

async function createReportingViews(knex: Knex): Promise<void> {
  await knex.raw(`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'grafana_reader') THEN
        CREATE ROLE grafana_reader NOLOGIN;
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$`);
  await knex.raw('CREATE SCHEMA IF NOT EXISTS reporting');
  await knex.raw(`CREATE OR REPLACE VIEW reporting.matches AS
    SELECT id,
      CASE WHEN kind = 'tournament' THEN 'tournament' WHEN kind = 'bot' THEN 'bot' WHEN ranked THEN 'ranked' ELSE 'casual' END AS kind,
      state AS status, visibility = 'private' AS private, started_at, ended_at, duration_sec AS duration_seconds
    FROM public.matches`);
  await knex.raw(`CREATE OR REPLACE VIEW reporting.match_players AS
    SELECT p.match_id, p.user_id, p.points AS score, coalesce(m.winner_side = p.side, false) AS won, p.rating_before, p.rating_after
    FROM public.match_players p JOIN public.matches m ON m.id = p.match_id`);
  // The engine runs at 60 ticks per second from started_at.
  await knex.raw(`CREATE OR REPLACE VIEW reporting.match_points AS
    SELECT t.match_id, m.started_at + t.tick * interval '1 second' / 60 AS scored_at, t.left_score, t.right_score
    FROM public.match_timeline t JOIN public.matches m ON m.id = t.match_id`);
  await knex.raw('GRANT USAGE ON SCHEMA reporting TO grafana_reader');
  await knex.raw('GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO grafana_reader');
}

async function dropReportingViews(knex: Knex): Promise<void> {
  for (const view of views) await knex.raw(`DROP VIEW IF EXISTS reporting.${view}`);
  // The schema goes only with its last view (grafana_reader's own views may still be there).
  await knex.raw(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'reporting') THEN
        DROP SCHEMA IF EXISTS reporting;
      END IF;
    END $$`);
}

async function createLeaderboards(knex: Knex): Promise<void> {
  await knex.schema.createTable('rating_buckets', (t) => {
    t.integer('bucket').primary();
    t.integer('players').notNullable().defaultTo(0);
  });
  await knex.raw(
    'create index ratings_board on ratings (rating desc, user_id) where matches >= 10',
  );
  await knex.schema.createTable('leaderboard_wins', (t) => {
    t.text('period').notNullable();
    t.date('period_start').notNullable();
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.integer('wins').notNullable();
    t.primary(['period', 'period_start', 'user_id']);
  });
  await knex.raw(
    'create index leaderboard_wins_board on leaderboard_wins (period, period_start, wins desc, user_id)',
  );
  await knex.schema.createTable('leaderboard_wins_counts', (t) => {
    t.text('period').notNullable();
    t.date('period_start').notNullable();
    t.integer('wins').notNullable();
    t.integer('players').notNullable();
    t.primary(['period', 'period_start', 'wins']);
  });
}

async function createUserStats(knex: Knex): Promise<void> {
  await knex.schema.createTable('stats_user_daily', (t) => {
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.smallint('scope').notNullable();
    t.date('day').notNullable();
    for (const c of [
      'matches',
      'wins',
      'losses',
      'draws',
      'points_for',
      'points_against',
      'timed',
      'rallies_counted',
      'longest_rally',
    ])
      t.integer(c).notNullable().defaultTo(0);
    t.float('duration_sum').notNullable().defaultTo(0);
    t.float('rally_sum').notNullable().defaultTo(0);
    for (const c of ['win_prefix', 'win_suffix', 'win_best', 'loss_prefix', 'loss_suffix'])
      t.integer(c).notNullable().defaultTo(0);
    t.primary(['user_id', 'scope', 'day']);
  });
  // Covering: a year of one player's days is an index-only scan instead of ~365 scattered heap pages.
  await knex.raw(`create index stats_user_daily_cover on stats_user_daily (user_id, scope, day) include (matches, wins, losses, draws, points_for, points_against,
    timed, duration_sum, rallies_counted, rally_sum, longest_rally, win_prefix, win_suffix, win_best, loss_prefix, loss_suffix)`);
  await knex.schema.createTable('stats_user_opponents', (t) => {
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.smallint('scope').notNullable();
    t.uuid('opponent_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    for (const c of ['matches', 'wins', 'losses', 'draws', 'points_for', 'points_against'])
      t.integer(c).notNullable().defaultTo(0);
    t.timestamp('last_at', { useTz: true }).notNullable();
    t.primary(['user_id', 'scope', 'opponent_id']);
  });
  await knex.raw(
    'create index stats_user_opponents_most on stats_user_opponents (user_id, scope, matches desc, opponent_id)',
  );
}

async function createPlatformStats(knex: Knex): Promise<void> {
  await knex.schema.createTable('stats_platform_daily', (t) => {
    t.date('day').primary();
    for (const c of ['registrations', 'matches', 'timed', 'peak_players'])
      t.integer(c).notNullable().defaultTo(0);
    t.float('duration_sum').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('stats_active', (t) => {
    t.text('period').notNullable();
    t.date('period_start').notNullable();
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.primary(['period', 'period_start', 'user_id']);
  });
  await knex.schema.createTable('stats_active_counts', (t) => {
    t.text('period').notNullable();
    t.date('period_start').notNullable();
    t.integer('users').notNullable();
    t.primary(['period', 'period_start']);
  });
  await knex.schema.createTable('stats_queue_waits', (t) => {
    t.date('day').notNullable();
    // Index into the upper bounds of api/domain/stats/queue-waits.ts.
    t.smallint('bucket').notNullable();
    t.integer('n').notNullable();
    t.primary(['day', 'bucket']);
  });
  await knex.schema.alterTable('match_players', (t) => {
    t.integer('queue_wait_ms');
  });
  // One row: human players in matches that are playing right now (for the daily peak).
  await knex.schema.createTable('stats_live', (t) => {
    t.smallint('id').primary();
    t.integer('players').notNullable();
  });
  await knex('stats_live').insert({ id: 1, players: 0 });
}

async function createEventsAndDigest(knex: Knex): Promise<void> {
  await knex.schema.createTable('events', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('user_id').references('id').inTable('users').onDelete('SET NULL');
    t.text('name').notNullable();
    t.jsonb('properties').notNullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable();
    t.index(['occurred_at'], 'events_time');
    t.index(['name', 'occurred_at'], 'events_name_time');
  });
  await knex.schema.createTable('digest_settings', (t) => {
    t.uuid('user_id').primary().references('id').inTable('users').onDelete('CASCADE');
    t.boolean('weekly').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('digest_log', (t) => {
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.date('week_start').notNullable();
    t.text('trend').notNullable();
    t.timestamp('sent_at', { useTz: true }).notNullable();
    t.primary(['user_id', 'week_start']);
  });
}

export async function up(knex: Knex): Promise<void> {
  await createLeaderboards(knex);
  await createUserStats(knex);
  await createPlatformStats(knex);
  await createEventsAndDigest(knex);
  await createFunctions(knex);
  await createTriggers(knex);
  await createReportingViews(knex);
}

export async function down(knex: Knex): Promise<void> {
  await dropReportingViews(knex);
  await dropFunctions(knex);
  await knex.schema.alterTable('match_players', (t) => {
    t.dropColumn('queue_wait_ms');
  });
  await knex.raw('drop index if exists ratings_board');
  for (const table of [
    'digest_log',
    'digest_settings',
    'events',
    'stats_live',
    'stats_queue_waits',
    'stats_active_counts',
    'stats_active',
    'stats_platform_daily',
    'stats_user_opponents',
    'stats_user_daily',
    'leaderboard_wins_counts',
    'leaderboard_wins',
    'rating_buckets',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
