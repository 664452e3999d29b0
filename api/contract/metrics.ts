/**
 * The metric contract: every metric the API exposes, with its type, help and
 * label names, declared once. The code registers from this table; alert rules
 * and dashboards are linted against it. Labels never carry personal data.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
  readonly buckets?: readonly number[];
}

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export const metrics = {
  httpRequestsTotal: {
    name: 'http_requests_total',
    type: 'counter',
    help: 'HTTP requests answered, by method, route template and status code',
    labels: ['method', 'route', 'status'],
  },
  httpRequestDuration: {
    name: 'http_request_duration_seconds',
    type: 'histogram',
    help: 'HTTP request duration in seconds, by method, route template and status code',
    labels: ['method', 'route', 'status'],
    buckets: latencyBuckets,
  },
  buildInfo: {
    name: 'pongctl_build_info',
    type: 'gauge',
    help: 'Always 1; labels carry the running version',
    labels: ['version', 'node_version'],
  },
} as const satisfies Record<string, MetricSpec>;

/** Metrics prom-client's collectDefaultMetrics exposes (process_*, nodejs_*), for linting rules. */
export const defaultMetricPrefixes = ['process_', 'nodejs_'] as const;

/** The route label for requests that matched no route: never the raw path. */
export const unmatchedRoute = '(unmatched)';
