/**
 * Composition root: builds every dependency from the config, starts HTTP,
 * and shuts down gracefully (stop accepting, finish in-flight requests within
 * the timeout, close the database).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import { systemClock, type Clock } from './core/clock.ts';
import type { Config } from './core/config.ts';
import { createDb, engineOf, type Db, type DbOptions } from './core/db.ts';
import { createDependencyLog, type DependencyLog } from './core/dependency-log.ts';
import { createLogging } from './core/logging.ts';
import type { Logger } from './core/logger.ts';
import { createMetrics } from './core/metrics.ts';
import type { RedisSettings } from './core/redis.ts';
import { createRedisFallback } from './core/redis-fallback.ts';
import { openLeaseBackend } from './core/lease.ts';
import { ensureSecret } from './core/secrets.ts';
import { version } from './core/version.ts';
import { authenticateBearer } from './domain/accounts/authenticate.ts';
import { ensureBootstrapAdmin } from './domain/accounts/bootstrap.ts';
import { createChatDeps } from './domain/chat/deps.ts';
import {
  closeAccountsDeps,
  createAccountsDeps,
  type AccountsDeps,
} from './domain/accounts/deps.ts';
import type { NotificationType } from './contract/notifications.ts';
import { notify } from './domain/notifications/service.ts';
import { createSocialDeps, type SocialDeps } from './domain/social/deps.ts';
import { createApp } from './http/app.ts';
import type { AppDeps } from './http/context.ts';
import { createAuthenticate } from './http/auth.ts';
import { metricsListener, metricsPath } from './http/metrics-listener.ts';
import { registerChatRealtime } from './realtime/chat.ts';
import type { AuthenticateToken } from './realtime/gateway.ts';
import { followRevocations, patSessionId } from './realtime/revocation.ts';
import { followPresence } from './realtime/presence-feed.ts';
import type { GamesDeps } from './domain/games/deps.ts';
import { createAnalyticsDeps } from './domain/analytics/deps.ts';
import { withQueueWaits, type QueueWaitDeps } from './domain/stats/queue-waits.ts';
import { startGames } from './compose/games.ts';
import type { MatchmakingDeps } from './domain/matchmaking/deps.ts';
import { startMatchmaking } from './realtime/matchmaking.ts';
import { startTournaments, type Tournaments } from './domain/tournaments/runtime.ts';
import { startRealtime, type Realtime } from './realtime/start.ts';

export interface StartOptions {
  config: Config;
  /** Run pending migrations first. The embedded database always does. */
  migrate?: boolean;
  logDestination?: DestinationStream;
  validateResponses?: boolean;
  /** Overrides how WebSocket upgrades verify access tokens (the default is the accounts credential check). */
  authenticateToken?: AuthenticateToken;
  /** Time source for tokens, throttles, resets and bans (tests inject a manual clock). */
  clock?: Clock;
  /** Where the first start prints the generated admin password; process.stderr by default. */
  stderr?: { write(text: string): unknown };
}

export interface RunningServer {
  url: string;
  port: number;
  /** Base URL of the /metrics listener (METRICS_HOST, METRICS_PORT). */
  metricsUrl: string;
  db: Db;
  logger: Logger;
  /** The WebSocket gateway and the bus, for areas and tests. */
  realtime: Realtime;
  /** The identity layer (credential cache with onRevoke, mailer, throttles), for areas and tests. */
  accounts: AccountsDeps;
  /** Friends, blocks, presence (`social.presence.setInGame` for the games area) and notifications. */
  social: SocialDeps;
  /** Matches: the runner and the games services (api/domain/games), for areas and tests. */
  games: GamesDeps;
  /** The matchmaking queue and its matcher (api/domain/matchmaking), for tests. */
  matchmaking: MatchmakingDeps;
  /** Leaderboards, stats, digest, import and queue-wait deps (api/domain/stats), for tests. */
  stats: AppDeps['stats'] & QueueWaitDeps;
  /** Tournaments: deps and the scheduler (tests call `scheduler.tick()` after moving the clock). */
  tournaments: Tournaments;
  /** Stops accepting, waits for in-flight requests (bounded), closes the database. Idempotent. */
  shutdown(): Promise<void>;
}

function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

function closeServer(server: http.Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** Applies pending migrations, on PostgreSQL through a connection without the request timeouts. */
async function migrate(db: Db, options: DbOptions, logger: Logger): Promise<void> {
  const migrator =
    engineOf(options) === 'postgres' ? createDb({ ...options, timeouts: undefined }) : db;
  try {
    const [, applied] = (await migrator.migrate.latest()) as [number, string[]];
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
  } finally {
    if (migrator !== db) await migrator.destroy();
  }
}

function redisSettings(
  config: Config,
  log: DependencyLog,
  fallback: RedisSettings['fallback'],
): RedisSettings | undefined {
  if (!config.redisUrl) return undefined;
  return {
    url: config.redisUrl,
    prefix: config.redisPrefix,
    commandTimeoutMs: config.redisCommandTimeoutMs,
    log,
    fallback,
  };
}

/** What a running server has started, in start order; shutdown closes it in its own order. */
interface Parts {
  logging: Awaited<ReturnType<typeof createLogging>>;
  accounts: Awaited<ReturnType<typeof createAccountsDeps>>;
  realtime: Realtime;
  social: SocialDeps;
  games: Awaited<ReturnType<typeof startGames>>;
  leases: Awaited<ReturnType<typeof openLeaseBackend>>;
  tournaments: Tournaments;
  matchmaking: Awaited<ReturnType<typeof startMatchmaking>>;
  servers: http.Server[];
}

/**
 * Closes whatever of `parts` was started: on shutdown, and when start-up
 * fails half-way (nothing started stays open, and the logs are flushed).
 */
async function closeParts(parts: Partial<Parts>, db: Db, graceMs: number): Promise<void> {
  // Before the sockets close: a shutdown is not every user going offline (they reconnect elsewhere).
  await parts.social?.presence.close();
  // No new matches from the queue; then running matches are handed over or end (stored, game.end sent) while their sockets are still open.
  await parts.matchmaking?.close();
  await parts.tournaments?.close();
  await parts.leases?.close();
  await parts.games?.close();
  await parts.realtime?.close(graceMs);
  for (const server of parts.servers ?? []) await closeServer(server, graceMs);
  if (parts.accounts) await closeAccountsDeps(parts.accounts);
  await db.destroy();
  await parts.logging?.close(graceMs);
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config } = options;
  const engine = engineOf(config);
  const jwtSecret = ensureSecret(config.dataDir, 'jwt-secret', config.jwtSecret);
  const clock = options.clock ?? systemClock;
  // Bound once logging exists; knex says nothing before the first query.
  let dependencyLog: DependencyLog | undefined;
  const dbOptions: DbOptions = {
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolMax: config.databasePoolMax,
    timeouts: {
      statementMs: config.databaseStatementTimeoutMs,
      acquireMs: config.databaseAcquireTimeoutMs,
    },
    log: (level, message) => {
      if (level !== 'debug') dependencyLog?.driverWarning('postgresql', message);
    },
  };
  const db = createDb(dbOptions);
  const parts: Partial<Parts> = {};
  try {
    const metrics = createMetrics({ version, db });
    const logging = (parts.logging = await createLogging({
      config,
      metrics,
      version,
      destination: options.logDestination,
    }));
    const { logger, logs } = logging;
    dependencyLog = createDependencyLog(logs.app);
    const redis = redisSettings(
      config,
      dependencyLog,
      createRedisFallback({ logger: logs.app, metrics: metrics.redis }),
    );
    if (engine === 'pglite' || options.migrate) await migrate(db, dbOptions, logger);
    const accounts = (parts.accounts = await createAccountsDeps({
      db,
      logger: logs.app,
      auditLogger: logs.audit,
      clock,
      auth: config.auth,
      dataDir: config.dataDir,
      jwtSecret,
      redis,
      metrics: metrics.auth,
    }));
    // Test runs keep their output clean; the password is still in PONG_DATA_DIR/initial-admin-password.
    await ensureBootstrapAdmin(
      accounts,
      options.stderr ?? (config.nodeEnv === 'test' ? { write: () => true } : process.stderr),
    );
    const realtime = (parts.realtime = await startRealtime({
      config,
      logger,
      metrics: metrics.ws,
      redis,
      authenticateToken:
        options.authenticateToken ??
        (async (token) => {
          const { user, sessionId, tokenId } = await authenticateBearer(accounts, token);
          return {
            userId: user.id,
            role: user.role,
            sessionId: sessionId ?? patSessionId(tokenId!),
          };
        }),
      validateOutgoing: options.validateResponses,
    }));
    const social = (parts.social = await createSocialDeps({
      db,
      clock,
      logger: logs.app,
      auditLogger: logs.audit,
      push: realtime.gateway,
      redis,
      instanceId: config.instance.id,
    }));
    followPresence(realtime.gateway, social.presence);
    // The one way other areas notify a user: through the notifications service (stored, then pushed).
    const notifyUser = async (
      userId: string,
      type: NotificationType,
      payload: Record<string, unknown>,
    ) => void (await notify(social.notifications, userId, type, payload));
    const chat = createChatDeps({
      db,
      clock,
      logger: logs.app,
      auditLogger: logs.audit,
      config: config.chat,
      counters: accounts.counters,
      delivery: realtime.gateway,
      isOnline: social.presence.isOnline,
      notify: notifyUser,
    });
    registerChatRealtime(realtime.gateway, chat);
    const games = (parts.games = await startGames({
      db,
      config,
      clock,
      logger: logs.game,
      auditLogger: logs.audit,
      gateway: realtime.gateway,
      wsMetrics: metrics.ws,
      gameMetrics: metrics.game,
      resultMetrics: metrics.results,
      notify: notifyUser,
      setInGame: (userId, matchId) => social.presence.setInGame(userId, matchId),
      redis,
      bus: realtime.bus,
      clusterMetrics: metrics.cluster,
    }));
    const stats: RunningServer['stats'] = {
      db,
      clock,
      logger: logs.app,
      auditLogger: logs.audit,
      notify: (userId, payload) => notifyUser(userId, 'system', payload),
      sendMail: config.auth.smtpUrl ? (mail) => accounts.mailer.send(mail) : undefined,
    };
    const leases = (parts.leases = await openLeaseBackend({
      redis,
      database: dbOptions,
      instanceId: config.instance.id,
    }));
    const tournaments = (parts.tournaments = startTournaments({
      lease: { backend: leases.backend, ttlMs: config.instance.leaseTtlMs },
      db,
      clock,
      logger: logs.game,
      auditLogger: logs.audit,
      config: config.tournaments,
      games: games.deps,
      metrics: metrics.tournaments,
      notify: notifyUser,
    }));
    const matchmaking = (parts.matchmaking = await startMatchmaking({
      db,
      clock,
      logger: logs.game,
      config: config.matchmaking,
      gateway: realtime.gateway,
      games: games.deps,
      presence: social.presence,
      metrics: withQueueWaits(metrics.matchmaking, stats),
      redis,
      instance: config.instance,
    }));
    const app = createApp({
      config,
      db,
      logger,
      logs,
      metrics,
      version,
      engine,
      clock,
      accounts,
      chat,
      social,
      notifications: social.notifications,
      games: games.deps,
      matchmaking: matchmaking.deps,
      stats,
      analytics: createAnalyticsDeps({ db, clock }),
      tournaments: tournaments.deps,
      authenticate: createAuthenticate(accounts),
      validateResponses: options.validateResponses,
    });
    followRevocations(accounts.credentials, realtime.gateway, logger);
    const handle = app.callback();
    const server = http.createServer((req, res) => {
      void handle(req, res);
    });
    server.keepAliveTimeout = 5_000;
    server.on('upgrade', (req, socket, head) => realtime.gateway.handleUpgrade(req, socket, head));
    const metricsServer = http.createServer(metricsListener(metrics, logger));
    parts.servers = [server, metricsServer];
    const [address, metricsAddress] = await Promise.all([
      listen(server, config.port, config.host),
      listen(metricsServer, config.metrics.port, config.metrics.host),
    ]);
    const url = urlOf(address);
    const metricsUrl = urlOf(metricsAddress);
    logger.info({ 'url.full': url, engine }, 'api listening');
    logger.info({ 'url.full': `${metricsUrl}${metricsPath}` }, 'metrics listening');
    let closing: Promise<void> | undefined;
    return {
      url,
      port: address.port,
      metricsUrl,
      db,
      logger,
      realtime,
      accounts,
      social,
      games: games.deps,
      matchmaking: matchmaking.deps,
      stats,
      tournaments,
      shutdown: () =>
        (closing ??= (async () => {
          logger.info('shutting down');
          await closeParts(parts, db, config.shutdownTimeoutMs);
        })()),
    };
  } catch (err) {
    parts.logging?.logger.error({ err }, 'start-up failed');
    await closeParts(parts, db, 0);
    throw err;
  }
}
