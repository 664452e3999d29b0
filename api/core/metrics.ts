/**
 * The metrics registry of one API process: prom-client's default process
 * metrics plus the HTTP and database metrics of the contract. Built by the composition root
 * and passed down; nothing registers globally.
 */
import { Registry, collectDefaultMetrics, Counter, Gauge } from 'prom-client';
import {
  loginResults,
  mailResults,
  mailTransports,
  metrics as spec,
  redisFallbackFeatures,
  twoFactorResults,
} from '../contract/metrics.ts';
import type { Knex } from 'knex';
import { instrumentDb } from './db-metrics.ts';
import { RequestHistogram } from './fast-histogram.ts';
import { createWsMetrics, type WsMetrics } from './ws-metrics.ts';
import { createGameMetrics, type RunnerMetrics } from './game-metrics.ts';
import { createMatchmakingMetrics, type MatchmakingMetrics } from './matchmaking-metrics.ts';
import { createTournamentMetrics, type TournamentMetrics } from './tournament-metrics.ts';
import { createResultMetrics, type ResultMetrics } from './result-metrics.ts';
import { createClusterMetrics, type ClusterMetrics } from './cluster-metrics.ts';
import type { RedisFallbackMetrics } from './redis-fallback.ts';

export interface Metrics {
  registry: Registry;
  /** Records one answered request; route is the template, never the raw path. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** Counters of the optional log shipper (api/core/log-shipper.ts). */
  logShipping: {
    shipped(count: number): void;
    dropped(count: number): void;
    error(): void;
    queue(size: number): void;
  };
  /** Account counters (api/domain/accounts). */
  auth: AuthMetrics;
  /** WebSocket gateway metrics (api/core/ws-metrics.ts). */
  ws: WsMetrics;
  /** Match runner metrics (api/core/game-metrics.ts). */
  game: RunnerMetrics;
  /** Matchmaking queue metrics (api/core/matchmaking-metrics.ts). */
  matchmaking: MatchmakingMetrics;
  /** Tournament metrics (api/core/tournament-metrics.ts). */
  tournaments: TournamentMetrics;
  /** Match results waiting for the database (api/core/result-metrics.ts). */
  results: ResultMetrics;
  /** Relay, take-over, hand-over and leases across instances (api/core/cluster-metrics.ts). */
  cluster: ClusterMetrics;
  /** Local fallbacks while Redis is away (api/core/redis-fallback.ts). */
  redis: RedisFallbackMetrics;
}

export interface AuthMetrics {
  login(result: (typeof loginResults)[number]): void;
  lockout(): void;
  twoFactor(result: (typeof twoFactorResults)[number]): void;
  mail(transport: (typeof mailTransports)[number], result: (typeof mailResults)[number]): void;
}

function authMetrics(registry: Registry): AuthMetrics {
  const counter = (m: { name: string; help: string; labels: readonly string[] }) =>
    new Counter({ name: m.name, help: m.help, labelNames: [...m.labels], registers: [registry] });
  const logins = counter(spec.authLoginsTotal);
  const lockouts = counter(spec.authLockoutsTotal);
  const twoFactor = counter(spec.auth2faVerificationsTotal);
  const mail = counter(spec.mailSentTotal);
  // Every allowed series exists from the start, so rate() sees the first increment.
  for (const result of loginResults) logins.inc({ result }, 0);
  for (const result of twoFactorResults) twoFactor.inc({ result }, 0);
  for (const transport of mailTransports)
    for (const result of mailResults) mail.inc({ transport, result }, 0);
  return {
    login: (result) => logins.inc({ result }),
    lockout: () => lockouts.inc(),
    twoFactor: (result) => twoFactor.inc({ result }),
    mail: (transport, result) => mail.inc({ transport, result }),
  };
}

function redisMetrics(registry: Registry): RedisFallbackMetrics {
  const degraded = new Gauge({
    name: spec.redisDegraded.name,
    help: spec.redisDegraded.help,
    registers: [registry],
  });
  const fallbacks = new Counter({
    name: spec.redisFallbacksTotal.name,
    help: spec.redisFallbacksTotal.help,
    labelNames: [...spec.redisFallbacksTotal.labels],
    registers: [registry],
  });
  for (const feature of redisFallbackFeatures) fallbacks.inc({ feature }, 0);
  return {
    degraded: (on) => degraded.set(on ? 1 : 0),
    fallback: (feature) => fallbacks.inc({ feature }),
  };
}

function logShippingMetrics(registry: Registry): Metrics['logShipping'] {
  const counter = (m: { name: string; help: string }) =>
    new Counter({ name: m.name, help: m.help, registers: [registry] });
  const shipped = counter(spec.logShippingShippedTotal);
  const dropped = counter(spec.logShippingDroppedTotal);
  const errors = counter(spec.logShippingErrorsTotal);
  const queue = new Gauge({
    name: spec.logShippingQueue.name,
    help: spec.logShippingQueue.help,
    registers: [registry],
  });
  return {
    shipped: (count) => shipped.inc(count),
    dropped: (count) => dropped.inc(count),
    error: () => errors.inc(),
    queue: (size) => queue.set(size),
  };
}

/** `db`, when given, adds the pool gauges and the query histogram (api/core/db-metrics.ts). */
export function createMetrics(info: { version: string; db?: Knex }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const build = new Gauge({
    name: spec.buildInfo.name,
    help: spec.buildInfo.help,
    labelNames: [...spec.buildInfo.labels],
    registers: [registry],
  });
  build.set({ version: info.version, node_version: process.versions.node }, 1);

  const requests = new RequestHistogram(
    spec.httpRequestDuration.labels,
    spec.httpRequestDuration.buckets,
  );
  requests.register(registry, {
    histogram: spec.httpRequestDuration.name,
    histogramHelp: spec.httpRequestDuration.help,
    counter: spec.httpRequestsTotal.name,
    counterHelp: spec.httpRequestsTotal.help,
  });
  if (info.db) instrumentDb(registry, info.db);
  const logShipping = logShippingMetrics(registry);
  const auth = authMetrics(registry);
  return {
    registry,
    logShipping,
    auth,
    ws: createWsMetrics(registry),
    game: createGameMetrics(registry),
    matchmaking: createMatchmakingMetrics(registry),
    tournaments: createTournamentMetrics(registry),
    results: createResultMetrics(registry),
    cluster: createClusterMetrics(registry),
    redis: redisMetrics(registry),
    observeRequest(method, route, status, seconds) {
      requests.observe([method, route, String(status)], seconds);
    },
  };
}
