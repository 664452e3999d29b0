/**
 * "pongctl / Business" from PostgreSQL as grafana_reader: registrations, active
 * users, matches. Reads only `reporting.*` views (see ops/grafana/README.md).
 */
import type { DashboardSpec } from '../model.ts';

export const businessDashboard: DashboardSpec = {
  uid: 'pongctl-business',
  title: 'pongctl / Business',
  description:
    'Registrations, daily active users and matches per day, from the reporting views in PostgreSQL.',
  tags: ['business'],
  time: 'now-30d',
  refresh: '5m',
  items: [
    {
      title: 'Registered players',
      type: 'stat',
      w: 6,
      queries: [
        { sql: "SELECT count(*) AS players FROM reporting.users WHERE status <> 'deleted'" },
      ],
    },
    {
      title: 'Registrations in range',
      type: 'stat',
      w: 6,
      queries: [
        {
          sql: 'SELECT count(*) AS registrations FROM reporting.users WHERE $__timeFilter(created_at)',
        },
      ],
    },
    {
      title: 'Active players in range',
      type: 'stat',
      w: 6,
      queries: [
        {
          sql: 'SELECT count(DISTINCT user_id) AS active FROM reporting.sessions WHERE $__timeFilter(coalesce(last_refreshed_at, created_at))',
        },
      ],
    },
    {
      title: 'Matches in range',
      type: 'stat',
      w: 6,
      queries: [
        { sql: 'SELECT count(*) AS matches FROM reporting.matches WHERE $__timeFilter(ended_at)' },
      ],
    },
    {
      title: 'Registrations per day',
      type: 'barchart',
      w: 12,
      queries: [
        {
          sql: 'SELECT $__timeGroupAlias(created_at, 1d), count(*) AS registrations FROM reporting.users WHERE $__timeFilter(created_at) GROUP BY 1 ORDER BY 1',
          format: 'time_series',
        },
      ],
    },
    {
      title: 'Daily active players (signed in or refreshed a session)',
      type: 'timeseries',
      w: 12,
      queries: [
        {
          sql: 'SELECT $__timeGroupAlias(coalesce(last_refreshed_at, created_at), 1d), count(DISTINCT user_id) AS active FROM reporting.sessions WHERE $__timeFilter(coalesce(last_refreshed_at, created_at)) GROUP BY 1 ORDER BY 1',
          format: 'time_series',
        },
      ],
    },
    {
      title: 'Matches per day by kind',
      type: 'barchart',
      w: 12,
      stack: true,
      queries: [
        {
          sql: 'SELECT $__timeGroupAlias(ended_at, 1d), kind AS metric, count(*) AS value FROM reporting.matches WHERE $__timeFilter(ended_at) GROUP BY 1, 2 ORDER BY 1',
          format: 'time_series',
        },
      ],
    },
    {
      title: 'Average match duration per day',
      type: 'timeseries',
      w: 12,
      unit: 's',
      queries: [
        {
          sql: 'SELECT $__timeGroupAlias(ended_at, 1d), avg(duration_seconds) AS duration FROM reporting.matches WHERE $__timeFilter(ended_at) GROUP BY 1 ORDER BY 1',
          format: 'time_series',
        },
      ],
    },
  ],
};
