/**
 * Bench child for the realtime benchmarks: the real API (api/server.ts) whose
 * upgrades use the test authenticator (`test:<user>:<session>` tokens, so
 * 5,000 sockets need no 5,000 logins), every socket joined to `world`.
 * IPC: `{type: 'fanout', mode, seq, padding}` sends one message to all of
 * `world` (mode 'gateway': gateway.broadcast, one prepared frame; mode
 * 'naive': ws.send per socket, the reference) and answers `{type: 'sent'}`;
 * `{type: 'memory'}` collects garbage and answers process.memoryUsage()
 * (`{type: 'cpu'}` is answered by ./protocol.ts).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../api/core/config.ts';
import type { Connection } from '../../../api/realtime/connection.ts';
import { startServer } from '../../../api/server.ts';
import { testAuthenticator } from '../../support/realtime-server.ts';
import { announceReady, onStop } from './protocol.ts';

interface FanoutRequest {
  type: 'fanout';
  mode: 'gateway' | 'naive';
  seq: number;
  padding: number;
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pongctl-bench-rt-'));
const config = loadConfig({
  PORT: '0',
  HOST: '127.0.0.1',
  METRICS_PORT: '0',
  DATABASE_URL: 'memory://',
  LOG_LEVEL: 'warn',
  ...process.env,
  PONG_DATA_DIR: dataDir,
});
const server = await startServer({ config, migrate: true, authenticateToken: testAuthenticator });
const { gateway } = server.realtime;
const world = new Set<Connection>();
gateway.onConnect((conn) => {
  gateway.join(conn, 'world');
  world.add(conn);
});
gateway.onDisconnect((conn) => world.delete(conn));

function fanout(request: FanoutRequest): void {
  // The send timestamp rides in the message: both processes read the same system clock.
  const serverTime = `${performance.timeOrigin + performance.now()}|${request.seq}|${'x'.repeat(request.padding)}`;
  const message = { type: 'pong' as const, serverTime };
  if (request.mode === 'gateway') {
    void gateway.broadcast('world', message);
    return;
  }
  const json = JSON.stringify(message);
  for (const conn of world) conn.socket.send(json);
}

process.on('message', (message: { type?: string }) => {
  if (message.type === 'fanout') fanout(message as FanoutRequest);
  if (message.type === 'memory') {
    globalThis.gc?.();
    process.send?.({
      type: 'memory',
      usage: process.memoryUsage(),
      sockets: gateway.stats().connections,
    });
  }
});
onStop(() => server.shutdown());
announceReady(server.url);
