/**
 * The seed's "game stats dashboards": one per player ($user) and one per match
 * ($match), from the reporting views. Private matches are left out.
 */
import { ds, type DashboardSpec } from '../model.ts';

const mine = `FROM reporting.match_players p JOIN reporting.matches m ON m.id = p.match_id
  JOIN reporting.users u ON u.id = p.user_id WHERE u.username = '$user' AND NOT m.private`;

export const userStatsDashboard: DashboardSpec = {
  uid: 'pongctl-user-stats',
  title: 'pongctl / Player stats',
  description:
    'One player: results, win rate, rating over time, activity and opponents. Pick the player with $user.',
  tags: ['stats'],
  time: 'now-90d',
  refresh: '5m',
  variables: [
    {
      name: 'user',
      label: 'Player',
      datasource: ds.postgres,
      query: "SELECT username FROM reporting.users WHERE status = 'active' ORDER BY username",
    },
  ],
  items: [
    {
      title: 'Matches',
      type: 'stat',
      w: 6,
      queries: [{ sql: `SELECT count(*) AS matches ${mine} AND $__timeFilter(m.ended_at)` }],
    },
    {
      title: 'Wins',
      type: 'stat',
      w: 6,
      queries: [
        {
          sql: `SELECT count(*) FILTER (WHERE p.won) AS wins ${mine} AND $__timeFilter(m.ended_at)`,
        },
      ],
    },
    {
      title: 'Win rate',
      type: 'stat',
      w: 6,
      unit: 'percentunit',
      queries: [
        {
          sql: `SELECT avg(CASE WHEN p.won THEN 1.0 ELSE 0.0 END) AS win_rate ${mine} AND $__timeFilter(m.ended_at)`,
        },
      ],
    },
    {
      title: 'Points scored',
      type: 'stat',
      w: 6,
      queries: [
        { sql: `SELECT coalesce(sum(p.score), 0) AS points ${mine} AND $__timeFilter(m.ended_at)` },
      ],
    },
    {
      title: 'Rating',
      type: 'timeseries',
      w: 12,
      queries: [
        {
          sql: `SELECT m.ended_at AS time, p.rating_after AS rating ${mine} AND p.rating_after IS NOT NULL AND $__timeFilter(m.ended_at) ORDER BY 1`,
          format: 'time_series',
        },
      ],
    },
    {
      title: 'Wins and losses per day',
      type: 'barchart',
      w: 12,
      stack: true,
      queries: [
        {
          sql: `SELECT $__timeGroupAlias(m.ended_at, 1d), count(*) FILTER (WHERE p.won) AS wins, count(*) FILTER (WHERE NOT p.won) AS losses ${mine} AND $__timeFilter(m.ended_at) GROUP BY 1 ORDER BY 1`,
          format: 'time_series',
        },
      ],
    },
    {
      title: 'Most played opponents',
      type: 'table',
      w: 12,
      queries: [
        {
          sql: `SELECT o.username AS opponent, count(*) AS matches, count(*) FILTER (WHERE p.won) AS wins
  FROM reporting.match_players p JOIN reporting.matches m ON m.id = p.match_id JOIN reporting.users u ON u.id = p.user_id
  JOIN reporting.match_players op ON op.match_id = p.match_id AND op.user_id <> p.user_id JOIN reporting.users o ON o.id = op.user_id
  WHERE u.username = '$user' AND NOT m.private AND $__timeFilter(m.ended_at) GROUP BY o.username ORDER BY matches DESC LIMIT 10`,
        },
      ],
    },
    {
      title: 'Recent matches',
      type: 'table',
      w: 12,
      queries: [
        {
          sql: `SELECT m.ended_at AS ended, m.kind, p.score, CASE WHEN p.won THEN 'won' ELSE 'lost' END AS result, m.duration_seconds AS seconds, m.id AS match ${mine} AND $__timeFilter(m.ended_at) ORDER BY m.ended_at DESC LIMIT 20`,
        },
      ],
    },
  ],
};

export const matchStatsDashboard: DashboardSpec = {
  uid: 'pongctl-match-stats',
  title: 'pongctl / Match',
  description: 'One match ($match): players, final score, duration and the score timeline.',
  tags: ['stats'],
  time: 'now-90d',
  refresh: '',
  variables: [
    {
      name: 'match',
      label: 'Match',
      datasource: ds.postgres,
      query:
        'SELECT id::text FROM reporting.matches WHERE NOT private ORDER BY ended_at DESC NULLS LAST LIMIT 200',
    },
  ],
  items: [
    {
      title: 'Players',
      type: 'table',
      w: 12,
      queries: [
        {
          sql: "SELECT u.username AS player, p.score, CASE WHEN p.won THEN 'won' ELSE 'lost' END AS result, p.rating_before, p.rating_after FROM reporting.match_players p JOIN reporting.users u ON u.id = p.user_id WHERE p.match_id::text = '$match' ORDER BY p.score DESC",
        },
      ],
    },
    {
      title: 'Duration',
      type: 'stat',
      w: 6,
      unit: 's',
      queries: [
        { sql: "SELECT duration_seconds FROM reporting.matches WHERE id::text = '$match'" },
      ],
    },
    {
      title: 'Kind',
      type: 'stat',
      w: 6,
      queries: [{ sql: "SELECT kind FROM reporting.matches WHERE id::text = '$match'" }],
    },
    {
      title: 'Score timeline',
      type: 'timeseries',
      w: 24,
      h: 10,
      queries: [
        {
          sql: "SELECT scored_at AS time, left_score, right_score FROM reporting.match_points WHERE match_id::text = '$match' ORDER BY scored_at",
          format: 'time_series',
        },
      ],
    },
  ],
};
