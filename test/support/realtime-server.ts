/**
 * Servers for the realtime tests: a real API on port 0 with the real identity
 * layer (sockets of registered users), and a second API in its own process for
 * the cross-instance tests, whose upgrades use `testAuthenticator` because on
 * the embedded database two processes cannot share users.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { AppError } from '../../api/contract/errors.ts';
import type { SocketIdentity } from '../../api/realtime/connection.ts';
import {
  loginAs,
  register,
  startAuthServer,
  type AuthTestServer,
  type Registered,
} from './accounts.ts';

/**
 * Stands in for the accounts credential check where a test needs identities
 * without users (the peer process, the benchmarks, a bare gateway): `test:<userId>:<sessionId>[:role]` authenticates, anything else
 * is UNAUTHENTICATED, exactly as a bad access token is.
 */
export async function testAuthenticator(token: string): Promise<SocketIdentity> {
  const [scheme, userId, sessionId, role = 'player'] = token.split(':');
  if (
    scheme !== 'test' ||
    !userId ||
    !sessionId ||
    !['player', 'moderator', 'admin'].includes(role)
  ) {
    throw new AppError('UNAUTHENTICATED', 'The access token is invalid or expired');
  }
  return { userId, sessionId, role: role as SocketIdentity['role'] };
}

export function testToken(userId: string, sessionId = `${userId}-s1`): string {
  return `test:${userId}:${sessionId}`;
}

export interface RealtimeTestServer extends AuthTestServer {
  metricsText(): Promise<string>;
}

/** A real API server with the real identity layer (test/support/accounts.ts) and the given extra environment. */
export async function startRealtimeServer(
  env: Record<string, string> = {},
): Promise<RealtimeTestServer> {
  const server = await startAuthServer(env);
  return Object.assign(server, {
    metricsText: async () => (await fetch(`${server.metricsUrl}/metrics`)).text(),
  });
}

export interface SocketUser extends Registered {
  /** Signs in again: a second session of the same user. */
  newSession(): Promise<string>;
}

/** Registers a user through the API; its access token authenticates WebSocket upgrades. */
export async function socketUser(server: { url: string }): Promise<SocketUser> {
  const user = await register(server.url, 'ws');
  return { ...user, newSession: () => loginAs(server.url, user.username, user.password) };
}

export interface PeerProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<number | null>;
}

/** Starts test/support/realtime-peer.ts in its own Node process and waits for its URL. */
export async function spawnPeer(env: Record<string, string>): Promise<PeerProcess> {
  const script = path.join(import.meta.dirname, 'realtime-peer.ts');
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    // Only the announcement is JSON with a url; libraries may print other lines first.
    lines.on('line', (line) => {
      const url = /^\{"url":"(http:[^"]+)"\}$/.exec(line)?.[1];
      if (url) resolve(url);
    });
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
