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
import { createLogger, type Logger } from './core/logger.ts';
import { createMetrics } from './core/metrics.ts';
import { ensureSecret } from './core/secrets.ts';
import { version } from './core/version.ts';
import { createApp } from './http/app.ts';

export interface StartOptions {
  config: Config;
  /** Run pending migrations first. The embedded database always does. */
  migrate?: boolean;
  logDestination?: DestinationStream;
  validateResponses?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  db: Db;
  logger: Logger;
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
  const logger = createLogger({
    level: config.logLevel,
    service: { name: 'pongctl-api', version, environment: config.nodeEnv },
    destination: options.logDestination,
  });
  ensureSecret(config.dataDir, 'jwt-secret', config.jwtSecret);
  const db = createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: config.databasePoolMax });
  try {
    if (engine === 'pglite' || options.migrate) {
      const [, applied] = (await db.migrate.latest()) as [number, string[]];
      if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    }
    const metrics = createMetrics({ version });
    const app = createApp({ config, db, logger, metrics, version, engine, validateResponses: options.validateResponses });
    const handle = app.callback();
    const server = http.createServer((req, res) => {
      void handle(req, res);
    });
    server.keepAliveTimeout = 5_000;
    const address = await listen(server, config.port, config.host);
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    logger.info({ 'url.full': url, engine }, 'api listening');
    let closing: Promise<void> | undefined;
    return {
      url,
      port: address.port,
      db,
      logger,
      shutdown: () =>
        (closing ??= (async () => {
          logger.info('shutting down');
          await closeServer(server, config.shutdownTimeoutMs);
          await db.destroy();
          logger.flush();
        })()),
    };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}
