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
import { createDb, engineOf, type Db } from './core/db.ts';
import { createLogging } from './core/logging.ts';
import type { Logger } from './core/logger.ts';
import { createMetrics } from './core/metrics.ts';
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
import { notify } from './domain/notifications/service.ts';
import { createSocialDeps, type SocialDeps } from './domain/social/deps.ts';
import { createApp } from './http/app.ts';
import { createAuthenticate } from './http/auth.ts';
import { registerChatRealtime } from './realtime/chat.ts';
import type { AuthenticateToken } from './realtime/gateway.ts';
import { followRevocations, patSessionId } from './realtime/revocation.ts';
import { followPresence } from './realtime/presence.ts';
import type { GamesDeps } from './domain/games/deps.ts';
import { createStatsDeps, type StatsDeps } from './domain/stats/deps.ts';
import { withQueueWaits } from './domain/stats/queue-waits.ts';
import { startGames } from './realtime/game.ts';
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
  /** Leaderboards, stats, analytics and digest deps (api/domain/stats), for tests. */
  stats: StatsDeps;
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

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config } = options;
  const engine = engineOf(config);
  const jwtSecret = ensureSecret(config.dataDir, 'jwt-secret', config.jwtSecret);
  const clock = options.clock ?? systemClock;
  const db = createDb({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolMax: config.databasePoolMax,
  });
  try {
    const metrics = createMetrics({ version, db });
    const logging = await createLogging({
      config,
      metrics,
      version,
      destination: options.logDestination,
    });
    const { logger, logs } = logging;
    if (engine === 'pglite' || options.migrate) {
      const [, applied] = (await db.migrate.latest()) as [number, string[]];
      if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    }
    const accounts = await createAccountsDeps({
      db,
      logger: logs.app,
      auditLogger: logs.audit,
      clock,
      auth: config.auth,
      dataDir: config.dataDir,
      jwtSecret,
      redisUrl: config.redisUrl,
      metrics: metrics.auth,
    });
    // Test runs keep their output clean; the password is still in PONG_DATA_DIR/initial-admin-password.
    await ensureBootstrapAdmin(
      accounts,
      options.stderr ?? (config.nodeEnv === 'test' ? { write: () => true } : process.stderr),
    );
    const realtime = await startRealtime({
      config,
      logger,
      metrics: metrics.ws,
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
    });
    const social = await createSocialDeps({
      db,
      clock,
      logger: logs.app,
      auditLogger: logs.audit,
      push: realtime.gateway,
      redis: config.redisUrl ? { url: config.redisUrl, prefix: config.redisPrefix } : undefined,
    });
    followPresence(realtime.gateway, social.presence);
    const chat = createChatDeps({
      db,
      clock,
      logger: logs.app,
      auditLogger: logs.audit,
      config: config.chat,
      counters: accounts.counters,
      delivery: realtime.gateway,
      isOnline: social.presence.isOnline,
      notify: async (userId, type, payload) =>
        void (await notify(social.notifications, userId, type, payload)),
    });
    registerChatRealtime(realtime.gateway, chat);
    const games = await startGames({
      db,
      config,
      clock,
      logger: logs.game,
      auditLogger: logs.audit,
      gateway: realtime.gateway,
      wsMetrics: metrics.ws,
      gameMetrics: metrics.game,
      notify: async (userId, type, payload) =>
        void (await notify(social.notifications, userId, type, payload)),
      setInGame: (userId, matchId) => social.presence.setInGame(userId, matchId),
    });
    const stats = createStatsDeps({
      db,
      clock,
      logger: logs.app,
      auditLogger: logs.audit,
      notify: async (userId, payload) =>
        void (await notify(social.notifications, userId, 'system', payload)),
      sendMail: config.auth.smtpUrl ? (mail) => accounts.mailer.send(mail) : undefined,
    });
    const tournaments = startTournaments({
      db,
      clock,
      logger: logs.game,
      auditLogger: logs.audit,
      config: config.tournaments,
      games: games.deps,
      metrics: metrics.tournaments,
      notify: async (userId, type, payload) =>
        void (await notify(social.notifications, userId, type, payload)),
    });
    const matchmaking = startMatchmaking({
      db,
      clock,
      logger: logs.game,
      config: config.matchmaking,
      gateway: realtime.gateway,
      games: games.deps,
      metrics: withQueueWaits(metrics.matchmaking, stats),
    });
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
    const address = await listen(server, config.port, config.host).catch(async (err: unknown) => {
      matchmaking.close();
      await tournaments.close();
      await games.close();
      await realtime.close(0);
      await closeAccountsDeps(accounts);
      throw err;
    });
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    logger.info({ 'url.full': url, engine }, 'api listening');
    let closing: Promise<void> | undefined;
    return {
      url,
      port: address.port,
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
          // Before the sockets close: a shutdown is not every user going offline (they reconnect elsewhere).
          await social.presence.close();
          // No new matches from the queue; then running matches end (aborted, stored, game.end sent) while their sockets are still open.
          matchmaking.close();
          await tournaments.close();
          await games.close();
          await realtime.close(config.shutdownTimeoutMs);
          await closeServer(server, config.shutdownTimeoutMs);
          await closeAccountsDeps(accounts);
          await db.destroy();
          await logging.close(config.shutdownTimeoutMs);
        })()),
    };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}
