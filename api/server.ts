/**
 * Composition root: starts every part of a server in order (api/compose/:
 * the base, the areas, the app, the listeners) and shuts down gracefully
 * through the one path that also undoes a failed start (compose/parts.ts).
 */
import type { DestinationStream } from 'pino';
import { systemClock, type Clock } from './core/clock.ts';
import type { Config } from './core/config.ts';
import type { Db } from './core/db.ts';
import type { Logger } from './core/logger.ts';
import { ensureSecret } from './core/secrets.ts';
import type { AccountsDeps } from './domain/accounts/deps.ts';
import type { GamesDeps } from './domain/games/deps.ts';
import type { MatchmakingDeps } from './domain/matchmaking/deps.ts';
import type { SocialDeps } from './domain/social/deps.ts';
import type { Tournaments } from './domain/tournaments/runtime.ts';
import type { AuthenticateToken } from './realtime/gateway.ts';
import type { Realtime } from './realtime/start.ts';
import { createAppFor } from './compose/app.ts';
import { startAreas, type StatsAreaDeps } from './compose/areas.ts';
import { startBase } from './compose/base.ts';
import { openDatabase } from './compose/database.ts';
import { startListeners } from './compose/listeners.ts';
import { closeParts, type Parts } from './compose/parts.ts';

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
  stats: StatsAreaDeps;
  /** Tournaments: deps and the scheduler (tests call `scheduler.tick()` after moving the clock). */
  tournaments: Tournaments;
  /** Stops accepting, waits for in-flight requests (bounded), closes the database. Idempotent. */
  shutdown(): Promise<void>;
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config } = options;
  const jwtSecret = ensureSecret(config.dataDir, 'jwt-secret', config.jwtSecret);
  const database = openDatabase(config);
  const { db } = database;
  const parts: Partial<Parts> = {};
  try {
    const clock = options.clock ?? systemClock;
    const base = await startBase({ ...options, clock }, database, parts);
    const areas = await startAreas(base, { ...options, jwtSecret }, parts);
    const app = createAppFor(base, areas, options.validateResponses);
    const listening = await startListeners(
      { ...base, app, gateway: areas.realtime.gateway },
      (servers) => (parts.servers = servers),
    );
    const { logger } = base;
    let closing: Promise<void> | undefined;
    return {
      ...listening,
      db,
      logger,
      realtime: areas.realtime,
      accounts: areas.accounts,
      social: areas.social,
      games: areas.games.deps,
      matchmaking: areas.matchmaking.deps,
      stats: areas.stats,
      tournaments: areas.tournaments,
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
