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
/** A 60 Hz tick has 16.7 ms; these resolve the sub-millisecond work and the late tail. */
const tickBuckets = [
  0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.0167, 0.033, 0.1,
] as const;
const waitBuckets = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600] as const;
/** A relayed round trip over Redis: 0.2 ms on loopback up to 1 s when Redis or an owner stalls. */
const relayBuckets = [
  0.0002, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
] as const;
const queryBuckets = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
] as const;

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
  // WebSocket gateway. `type` is a message type of the contract, `code` a close code.
  wsConnections: {
    name: 'ws_connections',
    type: 'gauge',
    help: 'Open WebSocket connections',
    labels: [],
  },
  wsMessagesTotal: {
    name: 'ws_messages_total',
    type: 'counter',
    help: 'WebSocket messages, by direction (in|out) and contract message type',
    labels: ['direction', 'type'],
  },
  wsDroppedFramesTotal: {
    name: 'ws_dropped_frames_total',
    type: 'counter',
    help: 'Droppable frames skipped because the socket buffer was full, by message type',
    labels: ['type'],
  },
  wsClosesTotal: {
    name: 'ws_closes_total',
    type: 'counter',
    help: 'WebSocket connections closed, by close code',
    labels: ['code'],
  },
  // Game.
  gameResultsPending: {
    name: 'game_results_pending',
    type: 'gauge',
    help: 'Match results this instance holds (Redis or spool file) because the database has not stored them yet',
    labels: [],
  },
  gameMatchesActive: {
    name: 'game_matches_active',
    type: 'gauge',
    help: 'Matches currently running on this instance',
    labels: [],
  },
  gameTickDuration: {
    name: 'game_tick_duration_seconds',
    type: 'histogram',
    help: 'CPU time of one match tick in seconds',
    labels: [],
    buckets: tickBuckets,
  },
  gameTickLateness: {
    name: 'game_tick_lateness_seconds',
    type: 'histogram',
    help: 'How late a tick ran against its fixed timeline, in seconds',
    labels: [],
    buckets: tickBuckets,
  },
  gameSpectators: {
    name: 'game_spectators',
    type: 'gauge',
    help: 'Spectator sockets watching matches on this instance',
    labels: [],
  },
  gameMatchesFinishedTotal: {
    name: 'game_matches_finished_total',
    type: 'counter',
    help: 'Matches finished, by kind (ranked|casual|bot|tournament) and outcome (completed|forfeit|abandoned|cancelled)',
    labels: ['kind', 'outcome'],
  },
  // Instances (api/core/cluster-metrics.ts): relay between a socket's instance and a match's owner,
  // take-over and hand-over of matches, leases. No match, user or instance ids in labels.
  gameRelayMessagesTotal: {
    name: 'game_relay_messages_total',
    type: 'counter',
    help: 'Client game messages forwarded to the owner of their match (out) or received from another instance (in)',
    labels: ['direction'],
  },
  gameRelayFramesTotal: {
    name: 'game_relay_frames_total',
    type: 'counter',
    help: 'Match frames published for peers on other instances (out) or received and written to local sockets (in)',
    labels: ['direction'],
  },
  gameRelayLatency: {
    name: 'game_relay_latency_seconds',
    type: 'histogram',
    help: "Round trip of a forwarded game message, from sending it to the owner's answer, in seconds",
    labels: [],
    buckets: relayBuckets,
  },
  gameMatchesOwned: {
    name: 'game_matches_owned',
    type: 'gauge',
    help: 'Live matches this instance owns (steps and checkpoints)',
    labels: [],
  },
  gameMatchesTakenOverTotal: {
    name: 'game_matches_taken_over_total',
    type: 'counter',
    help: "Matches this instance took over from another, by reason (lease_expired: the owner's lease ran out; handover: the owner handed it over while shutting down)",
    labels: ['reason'],
  },
  gameMatchesHandedOverTotal: {
    name: 'game_matches_handed_over_total',
    type: 'counter',
    help: 'Matches this instance handed to other instances while shutting down',
    labels: [],
  },
  gameMatchesServerLostTotal: {
    name: 'game_matches_server_lost_total',
    type: 'counter',
    help: 'Matches ended aborted (server_lost) because their owner died without a checkpoint',
    labels: [],
  },
  clusterInstancesLive: {
    name: 'cluster_instances_live',
    type: 'gauge',
    help: 'Live API instances this instance sees in the registry (itself included)',
    labels: [],
  },
  clusterLeaseLossesTotal: {
    name: 'cluster_lease_losses_total',
    type: 'counter',
    help: 'Times this instance found its own lease lost: it could not renew in time, or another instance took it',
    labels: [],
  },
  // Matchmaking.
  matchmakingQueueSize: {
    name: 'matchmaking_queue_size',
    type: 'gauge',
    help: 'Tickets waiting in the matchmaking queue',
    labels: [],
  },
  matchmakingWait: {
    name: 'matchmaking_wait_seconds',
    type: 'histogram',
    help: 'Time from ticket to match in seconds',
    labels: [],
    buckets: waitBuckets,
  },
  matchmakingOldestTicketAge: {
    name: 'matchmaking_oldest_ticket_age_seconds',
    type: 'gauge',
    help: 'Age of the oldest waiting ticket in seconds (0 when the queue is empty)',
    labels: [],
  },
  // Tournaments. No tournament ids in labels: ages are the maximum over all tournaments.
  tournamentsActive: {
    name: 'tournaments_active',
    type: 'gauge',
    help: 'Tournaments by state (registration|running|paused)',
    labels: ['state'],
  },
  tournamentRoundsCompletedTotal: {
    name: 'tournament_rounds_completed_total',
    type: 'counter',
    help: 'Tournament rounds completed, by format',
    labels: ['format'],
  },
  tournamentForfeitsTotal: {
    name: 'tournament_forfeits_total',
    type: 'counter',
    help: 'Tournament matches decided by forfeit',
    labels: [],
  },
  tournamentOldestRoundAge: {
    name: 'tournament_oldest_round_age_seconds',
    type: 'gauge',
    help: 'Age in seconds of the oldest round still in progress in a running tournament (0 when none)',
    labels: [],
  },
  // Database (api/core/db-metrics.ts). `operation` is a repo operation name from knex queryContext, never SQL.
  dbPoolMax: {
    name: 'db_pool_max',
    type: 'gauge',
    help: 'Largest number of connections the pool may open',
    labels: [],
  },
  dbPoolUsed: {
    name: 'db_pool_used',
    type: 'gauge',
    help: 'Pool connections checked out by queries',
    labels: [],
  },
  dbPoolIdle: {
    name: 'db_pool_idle',
    type: 'gauge',
    help: 'Pool connections open and idle',
    labels: [],
  },
  dbPoolWaiting: {
    name: 'db_pool_waiting',
    type: 'gauge',
    help: 'Queries waiting for a pool connection',
    labels: [],
  },
  dbQueryDuration: {
    name: 'db_query_duration_seconds',
    type: 'histogram',
    help: 'Database query duration in seconds, by repo operation',
    labels: ['operation'],
    buckets: queryBuckets,
  },
  dbQueriesTotal: {
    name: 'db_queries_total',
    type: 'counter',
    help: 'Database queries run, by repo operation',
    labels: ['operation'],
  },
  dbQueryErrorsTotal: {
    name: 'db_query_errors_total',
    type: 'counter',
    help: 'Database queries that failed, by repo operation',
    labels: ['operation'],
  },
  // Log shipping to Elasticsearch.
  logShippingShippedTotal: {
    name: 'log_shipping_shipped_total',
    type: 'counter',
    help: 'Log entries delivered to Elasticsearch',
    labels: [],
  },
  logShippingDroppedTotal: {
    name: 'log_shipping_dropped_total',
    type: 'counter',
    help: 'Log entries dropped because the buffer was full or Elasticsearch refused them',
    labels: [],
  },
  logShippingErrorsTotal: {
    name: 'log_shipping_errors_total',
    type: 'counter',
    help: 'Failed bulk requests to Elasticsearch',
    labels: [],
  },
  logShippingQueue: {
    name: 'log_shipping_queue',
    type: 'gauge',
    help: 'Log entries buffered and not yet shipped',
    labels: [],
  },
  // Accounts. Label values come from the allow-lists below, never user data.
  authLoginsTotal: {
    name: 'auth_logins_total',
    type: 'counter',
    help: 'Sign-in attempts, by result (success|failure|mfa_required|rate_limited|banned)',
    labels: ['result'],
  },
  authLockoutsTotal: {
    name: 'auth_lockouts_total',
    type: 'counter',
    help: 'Times an account or IP reached the failed-login limit',
    labels: [],
  },
  auth2faVerificationsTotal: {
    name: 'auth_2fa_verifications_total',
    type: 'counter',
    help: '2FA code checks, by result (success|failure)',
    labels: ['result'],
  },
  mailSentTotal: {
    name: 'mail_sent_total',
    type: 'counter',
    help: 'Account mails, by transport (smtp|outbox) and result (ok|error)',
    labels: ['transport', 'result'],
  },
  // Outages: features that fall back to this instance's memory while Redis is away.
  redisDegraded: {
    name: 'redis_degraded',
    type: 'gauge',
    help: '1 while Redis is away and this instance counts throttles, rate limits and presence on its own',
    labels: [],
  },
  redisFallbacksTotal: {
    name: 'redis_fallbacks_total',
    type: 'counter',
    help: "Calls answered from this instance's memory because Redis was away, by feature (throttle|presence|bus)",
    labels: ['feature'],
  },
  buildInfo: {
    name: 'pongctl_build_info',
    type: 'gauge',
    help: 'Always 1; labels carry the running version',
    labels: ['version', 'node_version'],
  },
} as const satisfies Record<string, MetricSpec>;

/** The names a metric adds to the exposition: histograms add _bucket, _sum and _count. */
export function seriesNames(spec: MetricSpec): string[] {
  return spec.type === 'histogram'
    ? [spec.name, `${spec.name}_bucket`, `${spec.name}_sum`, `${spec.name}_count`]
    : [spec.name];
}

/** Every series name of the contract, for linting alert rules and dashboards. */
export function contractSeriesNames(): Set<string> {
  return new Set(Object.values(metrics as Record<string, MetricSpec>).flatMap(seriesNames));
}

/** Allowed label values of game_matches_finished_total. */
export const gameMatchKinds = ['ranked', 'casual', 'bot', 'tournament'] as const;
export const gameMatchOutcomes = ['completed', 'forfeit', 'abandoned', 'cancelled'] as const;

/** Allowed label values of the instance metrics (api/core/cluster-metrics.ts). */
export const relayDirections = ['out', 'in'] as const;
export const takeoverReasons = ['lease_expired', 'handover'] as const;

/** Allowed label values of the account metrics. */
export const loginResults = [
  'success',
  'failure',
  'mfa_required',
  'rate_limited',
  'banned',
] as const;
export const twoFactorResults = ['success', 'failure'] as const;
export const mailTransports = ['smtp', 'outbox'] as const;
export const mailResults = ['ok', 'error'] as const;

/** Allowed label values of redis_fallbacks_total. */
export const redisFallbackFeatures = ['throttle', 'presence', 'bus', 'matchmaking'] as const;
export type RedisFallbackFeature = (typeof redisFallbackFeatures)[number];

/** Metrics prom-client's collectDefaultMetrics exposes (process_*, nodejs_*), for linting rules. */
export const defaultMetricPrefixes = ['process_', 'nodejs_'] as const;

/** The route label for requests that matched no route: never the raw path. */
export const unmatchedRoute = '(unmatched)';
