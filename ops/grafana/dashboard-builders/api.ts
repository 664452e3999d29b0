/** "pongctl / API": traffic, errors and latency per route, the SLO, the process, the database pool, error logs. */
import { ds, type DashboardSpec } from '../model.ts';

const user = 'route!~"/healthz|/readyz|/metrics"';
const inst = 'instance=~"$instance"';

export const apiDashboard: DashboardSpec = {
  uid: 'pongctl-api',
  title: 'pongctl / API',
  description:
    'HTTP traffic, errors and latency per route template, the 99.5% availability SLO, process health and the database pool.',
  tags: ['api'],
  variables: [
    {
      name: 'instance',
      label: 'Instance',
      datasource: ds.prometheus,
      query: 'label_values(up{job="pongctl-api"}, instance)',
    },
  ],
  items: [
    { row: 'Traffic and errors' },
    {
      title: 'Requests per second by route',
      type: 'timeseries',
      w: 12,
      unit: 'reqps',
      stack: true,
      queries: [
        {
          prom: `sum by (route) (rate(http_requests_total{${user},${inst}}[$__rate_interval]))`,
          legend: '{{route}}',
        },
      ],
    },
    {
      title: '5xx ratio by route',
      type: 'timeseries',
      w: 12,
      unit: 'percentunit',
      queries: [
        {
          prom: `sum by (route) (rate(http_requests_total{${user},${inst},status=~"5.."}[$__rate_interval])) / sum by (route) (rate(http_requests_total{${user},${inst}}[$__rate_interval]))`,
          legend: '{{route}}',
        },
      ],
    },
    {
      title: 'Responses by status',
      type: 'timeseries',
      w: 12,
      unit: 'reqps',
      stack: true,
      queries: [
        {
          prom: `sum by (status) (rate(http_requests_total{${user},${inst}}[$__rate_interval]))`,
          legend: '{{status}}',
        },
      ],
    },
    {
      title: 'SLO: 5xx ratio over 1h and 6h (budget 0.5%)',
      type: 'timeseries',
      w: 12,
      unit: 'percentunit',
      description:
        'Recording rules of ops/prometheus/rules/slo.yml; the fast burn pages above 7.2% (1h), the medium above 3% (6h).',
      queries: [
        { prom: 'job:slo_errors:ratio_rate1h{job="pongctl-api"}', legend: '1h' },
        { prom: 'job:slo_errors:ratio_rate6h{job="pongctl-api"}', legend: '6h' },
        { prom: 'job:slo_errors:ratio_rate3d{job="pongctl-api"}', legend: '3d' },
      ],
    },
    { row: 'Latency' },
    {
      title: 'p95 latency by route',
      type: 'timeseries',
      w: 12,
      unit: 's',
      queries: [
        {
          prom: `histogram_quantile(0.95, sum by (route, le) (rate(http_request_duration_seconds_bucket{${user},${inst}}[$__rate_interval])))`,
          legend: '{{route}}',
        },
      ],
    },
    {
      title: 'p50 / p95 / p99 latency (all routes)',
      type: 'timeseries',
      w: 12,
      unit: 's',
      queries: [0.5, 0.95, 0.99].map((q) => ({
        prom: `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket{${user},${inst}}[$__rate_interval])))`,
        legend: `p${q * 100}`,
      })),
    },
    { row: 'Process and database' },
    {
      title: 'Resident memory',
      type: 'timeseries',
      w: 8,
      unit: 'bytes',
      queries: [
        {
          prom: `process_resident_memory_bytes{job="pongctl-api",${inst}}`,
          legend: '{{instance}}',
        },
      ],
    },
    {
      title: 'Event loop lag p99',
      type: 'timeseries',
      w: 8,
      unit: 's',
      queries: [
        {
          prom: `nodejs_eventloop_lag_p99_seconds{job="pongctl-api",${inst}}`,
          legend: '{{instance}}',
        },
      ],
    },
    {
      title: 'Running version',
      type: 'table',
      w: 8,
      queries: [{ prom: `pongctl_build_info{${inst}}`, instant: true }],
    },
    {
      title: 'Database pool',
      type: 'timeseries',
      w: 12,
      queries: [
        { prom: `sum(db_pool_used{${inst}})`, legend: 'used' },
        { prom: `sum(db_pool_waiting{${inst}})`, legend: 'waiting' },
        { prom: `sum(db_pool_max{${inst}})`, legend: 'max' },
      ],
    },
    {
      title: 'Query p95 by repo operation',
      type: 'timeseries',
      w: 12,
      unit: 's',
      queries: [
        {
          prom: `histogram_quantile(0.95, sum by (operation, le) (rate(db_query_duration_seconds_bucket{${inst}}[$__rate_interval])))`,
          legend: '{{operation}}',
        },
      ],
    },
    { row: 'Logs' },
    {
      title: 'Errors and warnings (Elasticsearch)',
      type: 'logs',
      w: 24,
      h: 10,
      queries: [{ lucene: 'service.name:"pongctl-api" AND log.level:(error OR warn)' }],
    },
  ],
};
