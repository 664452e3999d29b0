/**
 * Composition root: builds every dependency from the config, starts HTTP,
 * and shuts down gracefully (stop accepting, finish in-flight requests within
 * the timeout, close the database).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import type { Config } from './core/config.ts';
import { createDb, engineOf, type Db } from './core/db.ts';
import { createLogging } from './core/logging.ts';
import type { Logger } from './core/logger.ts';
import { createMetrics } from './core/metrics.ts';
import { ensureSecret } from './core/secrets.ts';
import { version } from './core/version.ts';
import { createApp } from './http/app.ts';
import type { AuthenticateToken } from './realtime/gateway.ts';
import { startRealtime, type Realtime } from './realtime/start.ts';

export interface StartOptions {
  config: Config;
  /** Run pending migrations first. The embedded database always does. */
  migrate?: boolean;
  logDestination?: DestinationStream;
  validateResponses?: boolean;
  /** Overrides how WebSocket upgrades verify access tokens (the default is the accounts credential check). */
  authenticateToken?: AuthenticateToken;
}

export interface RunningServer {
  url: string;
  port: number;
  db: Db;
  logger: Logger;
  /** The WebSocket gateway and the bus, for areas and tests. */
  realtime: Realtime;
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
  ensureSecret(config.dataDir, 'jwt-secret', config.jwtSecret);
  const db = createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: config.databasePoolMax });
  try {
    const metrics = createMetrics({ version, db });
    const logging = await createLogging({ config, metrics, version, destination: options.logDestination });
    const { logger, logs } = logging;
    if (engine === 'pglite' || options.migrate) {
      const [, applied] = (await db.migrate.latest()) as [number, string[]];
      if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    }
    const app = createApp({ config, db, logger, logs, metrics, version, engine, validateResponses: options.validateResponses });
    const realtime = await startRealtime({
      config,
      logger,
      metrics: metrics.ws,
      authenticateToken: options.authenticateToken,
      validateOutgoing: options.validateResponses,
    });
    const handle = app.callback();
    const server = http.createServer((req, res) => {
      void handle(req, res);
    });
    server.keepAliveTimeout = 5_000;
    server.on('upgrade', (req, socket, head) => realtime.gateway.handleUpgrade(req, socket, head));
    const address = await listen(server, config.port, config.host).catch(async (err: unknown) => {
      await realtime.close(0);
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
      shutdown: () =>
        (closing ??= (async () => {
          logger.info('shutting down');
          await realtime.close(config.shutdownTimeoutMs);
          await closeServer(server, config.shutdownTimeoutMs);
          await db.destroy();
          await logging.close(config.shutdownTimeoutMs);
        })()),
    };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}
