/**
 * A second API instance for the cross-instance tests, run as its own process:
 * config from its environment, `testAuthenticator` for upgrades, every socket
 * joined to the channel `lobby`. Prints `{"url": ...}` once listening and
 * shuts down gracefully on SIGTERM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../api/core/config.ts';
import { startServer } from '../../api/server.ts';
import { testAuthenticator } from './realtime-server.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pongctl-peer-'));
const config = loadConfig({
  PORT: '0',
  HOST: '127.0.0.1',
  METRICS_PORT: '0',
  DATABASE_URL: 'memory://',
  LOG_LEVEL: 'warn',
  NODE_ENV: 'test',
  ...process.env,
  PONG_DATA_DIR: dataDir,
});
const server = await startServer({
  config,
  migrate: true,
  authenticateToken: testAuthenticator,
  validateResponses: true,
});
const { gateway } = server.realtime;
gateway.onConnect((conn) => gateway.join(conn, 'lobby'));
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.once('SIGTERM', () => {
  void server.shutdown().then(() => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});
