/**
 * Bulk loader for the stats benchmark: `users` ranked players and `matches`
 * finished ranked matches over the last 365 days (user 1 plays `heavy` of
 * them), written with generate_series in a few set-based statements with
 * triggers off (session_replication_role = replica) and the secondary indexes
 * of matches and match_players rebuilt after the load, then the structures the
 * triggers keep (rating buckets, wins periods, daily user rows, head to head,
 * platform days, active-user counts, queue waits) derived by GROUP BY over
 * the matches alone (each side's player follows from the match's row number).
 * Counters are exact; the streak pieces of the daily rows are left at 0 (the
 * reads cost the same). Deterministic: ids are md5 of the row number.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

export interface LoadSizes {
  users: number;
  matches: number;
  /** Matches of user 1 (the "user with 10,000 matches"). */
  heavy: number;
}

const uid = (expr: string) => `md5('u' || (${expr}))::uuid`;

/** The id of user row i (1-based), as the loader writes it: md5('u' || i) read as a uuid. */
export function benchUserId(i: number): string {
  const h = createHash('md5').update(`u${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Runs `load` with the non-unique indexes of `tables` dropped, then rebuilds
 * them from their saved definitions: one sorted build per index instead of
 * millions of random inserts into trees far larger than shared_buffers.
 */
async function withoutSecondaryIndexes(
  db: Knex,
  tables: string[],
  load: () => Promise<void>,
): Promise<void> {
  const { rows } = (await db.raw(
    `select i.indexname, i.indexdef from pg_indexes i
      join pg_class c on c.relname = i.indexname and c.relnamespace = (select oid from pg_namespace where nspname = i.schemaname)
      join pg_index x on x.indexrelid = c.oid
     where i.schemaname = current_schema() and i.tablename = any(?) and not x.indisunique`,
    [tables],
  )) as { rows: { indexname: string; indexdef: string }[] };
  for (const r of rows) await db.raw('drop index ??', [r.indexname]);
  await load();
  for (const r of rows) await db.raw(r.indexdef);
}

async function loadBase(db: Knex, n: LoadSizes, log: (m: string) => void): Promise<void> {
  await db.raw(`insert into users (id, username, username_key, display_name, created_at)
    select ${uid('i')}, 'b' || i, 'b' || i, 'b' || i, now() - (400 * (i::float8 / ${n.users})) * interval '1 day'
    from generate_series(1, ${n.users}) i`);
  log('users');
  await db.raw(`insert into ratings (user_id, rating, deviation, volatility, matches, wins, losses, draws, updated_at)
    select ${uid('i')}, 1500 + 350 * (random() + random() + random() - 1.5), 50 + random() * 50, 0.06, 10 + (i % 40), (i % 40) / 2, (i % 40) - (i % 40) / 2 + 10, 0, now()
    from generate_series(1, ${n.users}) i`);
  log('ratings');
  await withoutSecondaryIndexes(db, ['matches', 'match_players'], () => loadMatches(db, n, log));
  log('match indexes');
}

/** The player on each side of match row `m` (by user row number), from the row number kept in `seed`. */
const leftOf = (n: LoadSizes) =>
  `(case when m.seed <= ${n.heavy} then 1 else 2 + (m.seed::bigint * 7919) % (${n.users} - 1) end)`;
const rightOf = (n: LoadSizes) => `(2 + ((m.seed::bigint * 104729 + 17) % (${n.users} - 1)))`;

/**
 * One row per player of each match, straight from `matches` (no join with
 * match_players): the player's and opponent's row numbers, their points, and
 * whether they won. Grouping by the row numbers and hashing only the grouped
 * output into uuids keeps md5 off the 10-million-row side.
 */
const sides = (
  n: LoadSizes,
) => `(select m.ended_at, m.duration_sec, m.average_rally, m.longest_rally,
    case when s.side = 0 then ${leftOf(n)} else ${rightOf(n)} end as me,
    case when s.side = 0 then ${rightOf(n)} else ${leftOf(n)} end as them,
    case when s.side = 0 then m.left_score else m.right_score end as points_for,
    case when s.side = 0 then m.right_score else m.left_score end as points_against,
    m.winner_side = s.side as won
  from matches m cross join (values (0), (1)) s(side)) x`;

async function loadMatches(db: Knex, n: LoadSizes, log: (m: string) => void): Promise<void> {
  // seed keeps the row number, from which both players follow.
  await db.raw(`insert into matches (id, kind, ranked, visibility, state, settings, seed, left_score, right_score, winner_side, reason, ticks, duration_sec, longest_rally, average_rally, max_ball_speed, created_at, started_at, ended_at)
    select md5('m' || j)::uuid, 'matchmaking', true, 'public', 'finished', '{}', j, 11, j % 11, 0, 'points', 6000, 100, 12, 5.5, 900, e - interval '100 seconds', e - interval '100 seconds', e
    from (select j, now() - ((j::bigint * 7919) % (365 * 86400)) * interval '1 second' as e from generate_series(1, ${n.matches}) j) g`);
  log('matches');
  await db.raw(`insert into match_players (match_id, side, user_id, accepted, points, hits, ended_at, rating_before, rating_after)
    select m.id, s.side, ${uid(`case when s.side = 0 then ${leftOf(n)} else ${rightOf(n)} end`)}, true, case when s.side = 0 then m.left_score else m.right_score end, 20, m.ended_at, 1500, 1500
    from matches m cross join (values (0), (1)) s(side)`);
  log('match players');
}

async function deriveBoards(db: Knex, n: LoadSizes): Promise<void> {
  await db.raw(
    `insert into rating_buckets (bucket, players) select floor(rating)::int, count(*) from ratings where matches >= 10 group by 1`,
  );
  // In primary-key order, so the key's B-tree grows at its right edge instead of by random inserts.
  await withoutSecondaryIndexes(db, ['leaderboard_wins'], () =>
    db.raw(`insert into leaderboard_wins (period, period_start, user_id, wins)
    select period, start, ${uid('me')}, wins from (
      select p.period, p.start, x.me, count(*) as wins from ${sides(n)}
      cross join lateral (values ('week', date_trunc('week', x.ended_at at time zone 'UTC')::date), ('month', date_trunc('month', x.ended_at at time zone 'UTC')::date), ('all', date '1970-01-01')) p(period, start)
      where x.won group by 1, 2, 3) w order by 1, 2, 3`),
  );
  await db.raw(
    `insert into leaderboard_wins_counts (period, period_start, wins, players) select period, period_start, wins, count(*) from leaderboard_wins group by 1, 2, 3`,
  );
}

async function deriveUsers(db: Knex, n: LoadSizes): Promise<void> {
  await withoutSecondaryIndexes(db, ['stats_user_daily', 'stats_user_opponents'], () =>
    deriveUserRows(db, n),
  );
}

/** Both in primary-key order (see deriveBoards). */
async function deriveUserRows(db: Knex, n: LoadSizes): Promise<void> {
  await db.raw(`insert into stats_user_daily (user_id, scope, day, matches, wins, losses, draws, points_for, points_against, timed, duration_sum, rallies_counted, rally_sum, longest_rally)
    select ${uid('me')}, 0, day, matches, wins, losses, 0, pf, pa, matches, duration, matches, rally, longest from (
      select x.me, (x.ended_at at time zone 'UTC')::date as day, count(*) as matches, count(*) filter (where x.won) as wins, count(*) filter (where not x.won) as losses,
        sum(x.points_for) as pf, sum(x.points_against) as pa, sum(x.duration_sec) as duration, sum(x.average_rally) as rally, max(x.longest_rally) as longest
      from ${sides(n)} group by 1, 2) d order by 1, 3`);
  await db.raw(`insert into stats_user_opponents (user_id, scope, opponent_id, matches, wins, losses, draws, points_for, points_against, last_at)
    select ${uid('me')}, 0, ${uid('them')}, matches, wins, losses, 0, pf, pa, last_at from (
      select x.me, x.them, count(*) as matches, count(*) filter (where x.won) as wins, count(*) filter (where not x.won) as losses,
        sum(x.points_for) as pf, sum(x.points_against) as pa, max(x.ended_at) as last_at
      from ${sides(n)} where x.me <> x.them group by 1, 2) o order by 1, 3`);
}

async function derivePlatform(db: Knex, n: LoadSizes): Promise<void> {
  await db.raw(`insert into stats_platform_daily (day, registrations, matches, timed, duration_sum, peak_players)
    select day, sum(r), sum(mt), sum(mt), sum(d), max(peak) from (
      select (created_at at time zone 'UTC')::date as day, count(*) as r, 0 as mt, 0 as d, 0 as peak from users group by 1
      union all
      select (ended_at at time zone 'UTC')::date, 0, count(*), sum(duration_sec), 40 + count(*) % 60 from matches group by 1) x
    group by day`);
  for (const [period, expr] of [
    ['day', `(x.ended_at at time zone 'UTC')::date`],
    ['week', `date_trunc('week', x.ended_at at time zone 'UTC')::date`],
    ['month', `date_trunc('month', x.ended_at at time zone 'UTC')::date`],
  ] as const) {
    await db.raw(
      `insert into stats_active_counts (period, period_start, users) select '${period}', ${expr}, count(distinct x.me) from ${sides(n)} group by 2`,
    );
  }
  await db.raw(`insert into stats_queue_waits (day, bucket, n) select d::date, b, 50 + (b * 37 + extract(doy from d)::int) % 200
    from generate_series(now() - interval '365 days', now(), interval '1 day') d cross join generate_series(0, 12) b`);
}

/** Loads and derives in one transaction (one connection, triggers off inside it); `log` reports each step. */
export async function loadStatsData(
  db: Knex,
  sizes: LoadSizes,
  log: (message: string) => void,
): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw('set local session_replication_role = replica');
    // Sorts and hash joins of tens of millions of rows: memory instead of temporary files.
    await trx.raw("set local work_mem = '256MB'");
    await trx.raw("set local maintenance_work_mem = '256MB'");
    await loadBase(trx, sizes, log);
    await deriveBoards(trx, sizes);
    log('boards');
    await deriveUsers(trx, sizes);
    log('user rollups');
    await derivePlatform(trx, sizes);
    log('platform rollups');
  });
  // What autovacuum would do after such a load: statistics, and the visibility map for index-only scans.
  await db.raw('vacuum analyze');
}
