/**
 * API servers for the realtime tests: a real server on port 0 (test/support/
 * server.ts style) whose WebSocket upgrades use `testAuthenticator`, and a
 * second server in its own process for the cross-instance (Redis) tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../../api/core/config.ts';
import { AppError } from '../../api/core/errors.ts';
import type { SocketIdentity } from '../../api/realtime/connection.ts';
import { startServer, type RunningServer } from '../../api/server.ts';
import { testDatabaseUrl } from './env.ts';
import { LogCapture } from './server.ts';

/**
 * Stands in for the accounts credential check where a test needs identities
 * without users: `test:<userId>:<sessionId>[:role]` authenticates, anything else
 * is UNAUTHENTICATED, exactly as a bad access token is.
 */
export async function testAuthenticator(token: string): Promise<SocketIdentity> {
  const [scheme, userId, sessionId, role = 'player'] = token.split(':');
  if (scheme !== 'test' || !userId || !sessionId || !['player', 'moderator', 'admin'].includes(role)) {
    throw new AppError('UNAUTHENTICATED', 'The access token is invalid or expired');
  }
  return { userId, sessionId, role: role as SocketIdentity['role'] };
}

export function testToken(userId: string, sessionId = `${userId}-s1`): string {
  return `test:${userId}:${sessionId}`;
}

export interface RealtimeTestServer extends RunningServer {
  logs: LogCapture;
  metricsText(): Promise<string>;
  stop(): Promise<void>;
}

export async function startRealtimeServer(env: Record<string, string> = {}): Promise<RealtimeTestServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pongctl-rt-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: testDatabaseUrl, PONG_DATA_DIR: dataDir, NODE_ENV: 'test', ...env });
  const logs = new LogCapture();
  const server = await startServer({ config, migrate: true, logDestination: logs, validateResponses: true, authenticateToken: testAuthenticator });
  return {
    ...server,
    logs,
    metricsText: async () => (await fetch(`${server.url}/metrics`)).text(),
    async stop() {
      await server.shutdown();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface PeerProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<number | null>;
}

/** Starts test/support/realtime-peer.ts in its own Node process and waits for its URL. */
export async function spawnPeer(env: Record<string, string>): Promise<PeerProcess> {
  const script = path.join(import.meta.dirname, 'realtime-peer.ts');
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    void exited.then((code) => reject(new Error(`peer exited with ${code} before listening`)));
  });
  return {
    url,
    child,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
