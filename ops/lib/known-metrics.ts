/**
 * Metric names that alert rules and dashboards may use: the API's metric
 * contract, plus what the exporters and Prometheus/Alertmanager expose
 * themselves. A name outside this set is a typo or an undeclared metric.
 */
import { contractSeriesNames, defaultMetricPrefixes } from '../../api/contract/metrics.ts';

/** postgres_exporter (v0.17) metrics the rules and the PostgreSQL dashboard use. */
export const postgresExporterMetrics = [
  'pg_up',
  'pg_stat_activity_count',
  'pg_stat_activity_max_tx_duration',
  'pg_settings_max_connections',
  'pg_stat_database_deadlocks',
  'pg_stat_database_xact_commit',
  'pg_stat_database_xact_rollback',
  'pg_stat_database_blks_hit',
  'pg_stat_database_blks_read',
  'pg_stat_database_tup_fetched',
  'pg_stat_database_tup_inserted',
  'pg_stat_database_tup_updated',
  'pg_stat_database_tup_deleted',
  'pg_stat_database_numbackends',
  'pg_database_size_bytes',
  'pg_locks_count',
  'pg_replication_lag_seconds',
  'pg_replication_is_replica',
  'pg_postmaster_start_time_seconds',
] as const;

/** Series Prometheus adds to every target, and the ones it keeps for alerts. */
export const prometheusBuiltins = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'ALERTS',
  'ALERTS_FOR_STATE',
] as const;

/** Self-metrics of Prometheus and Alertmanager, too many to list one by one. */
export const selfMetricPrefixes = ['prometheus_', 'alertmanager_'] as const;

export interface KnownMetrics {
  has(name: string): boolean;
}

/** The known set, extended with the recording rules the rule files define. */
export function knownMetrics(recorded: Iterable<string> = []): KnownMetrics {
  const exact = new Set<string>([
    ...contractSeriesNames(),
    ...postgresExporterMetrics,
    ...prometheusBuiltins,
    ...recorded,
  ]);
  const prefixes = [...defaultMetricPrefixes, ...selfMetricPrefixes];
  return { has: (name) => exact.has(name) || prefixes.some((p) => name.startsWith(p)) };
}
