/** "pongctl / PostgreSQL": postgres_exporter's view of the database. */
import type { DashboardSpec } from '../model.ts';

const db = 'datname!~"template.*"';

export const postgresDashboard: DashboardSpec = {
  uid: 'pongctl-postgres',
  title: 'pongctl / PostgreSQL',
  description:
    'postgres_exporter metrics: availability, connections against max_connections, transactions, cache hit ratio, deadlocks, long transactions, size.',
  tags: ['postgres', 'database'],
  items: [
    { title: 'Up', type: 'stat', w: 4, queries: [{ prom: 'min(pg_up)', instant: true }] },
    {
      title: 'Connections used of max',
      type: 'stat',
      w: 4,
      unit: 'percentunit',
      queries: [
        { prom: 'sum(pg_stat_activity_count) / max(pg_settings_max_connections)', instant: true },
      ],
    },
    {
      title: 'Database size',
      type: 'stat',
      w: 4,
      unit: 'bytes',
      queries: [{ prom: `sum(pg_database_size_bytes{${db}})`, instant: true }],
    },
    {
      title: 'Longest open transaction',
      type: 'stat',
      w: 4,
      unit: 's',
      queries: [{ prom: 'max(pg_stat_activity_max_tx_duration{state!="idle"})', instant: true }],
    },
    {
      title: 'Replication lag',
      type: 'stat',
      w: 8,
      unit: 's',
      queries: [{ prom: 'max(pg_replication_lag_seconds)', instant: true }],
    },
    {
      title: 'Connections by state',
      type: 'timeseries',
      w: 12,
      stack: true,
      queries: [{ prom: 'sum by (state) (pg_stat_activity_count)', legend: '{{state}}' }],
    },
    {
      title: 'Transactions per second',
      type: 'timeseries',
      w: 12,
      unit: 'ops',
      queries: [
        {
          prom: `sum(rate(pg_stat_database_xact_commit{${db}}[$__rate_interval]))`,
          legend: 'commit',
        },
        {
          prom: `sum(rate(pg_stat_database_xact_rollback{${db}}[$__rate_interval]))`,
          legend: 'rollback',
        },
      ],
    },
    {
      title: 'Cache hit ratio',
      type: 'timeseries',
      w: 8,
      unit: 'percentunit',
      queries: [
        {
          prom: `sum(rate(pg_stat_database_blks_hit{${db}}[$__rate_interval])) / (sum(rate(pg_stat_database_blks_hit{${db}}[$__rate_interval])) + sum(rate(pg_stat_database_blks_read{${db}}[$__rate_interval])))`,
          legend: 'hit ratio',
        },
      ],
    },
    {
      title: 'Rows per second',
      type: 'timeseries',
      w: 8,
      unit: 'rowsps',
      queries: ['fetched', 'inserted', 'updated', 'deleted'].map((op) => ({
        prom: `sum(rate(pg_stat_database_tup_${op}{${db}}[$__rate_interval]))`,
        legend: op,
      })),
    },
    {
      title: 'Deadlocks and locks',
      type: 'timeseries',
      w: 8,
      queries: [
        { prom: `sum(increase(pg_stat_database_deadlocks{${db}}[5m]))`, legend: 'deadlocks / 5m' },
        { prom: 'sum by (mode) (pg_locks_count)', legend: '{{mode}}' },
      ],
    },
  ],
};
