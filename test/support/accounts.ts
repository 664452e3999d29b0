/**
 * Accounts test helpers: a server with an injectable clock and relaxed
 * /auth rate limits, and small calls (register, login, authorised fetch).
 */
import assert from 'node:assert/strict';
import { manualClock, type ManualClock } from '../../api/core/clock.ts';
import { startTestServer, type TestServer } from './server.ts';

export const adminPassword = 'Admin-Test-Pass-42';

export interface AuthTestServer extends TestServer {
  clock: ManualClock;
}

/** A server whose clock only moves when the test says so. Defaults keep the hash cheap and /auth unthrottled per minute. */
export async function startAuthServer(env: Record<string, string> = {}): Promise<AuthTestServer> {
  const clock = manualClock(Date.now());
  const server = await startTestServer(
    {
      PONG_ADMIN_PASSWORD: adminPassword,
      PASSWORD_SCRYPT_LOG2N: '14',
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      AUTH_LOGIN_MAX_FAILURES: '1000',
      ...env,
    },
    { clock },
  );
  // Not a spread: `logs` is a getter that must stay live.
  return Object.assign(server, { clock });
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

export async function api(
  base: string,
  method: string,
  pathname: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await fetch(base + pathname, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Asserts a 429 as every limit must answer it (Retry-After and details.retryAfterSeconds agree); returns the seconds. */
export function assertRateLimited(res: Reply, what: string): number {
  assert.equal(res.status, 429, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error.code, 'RATE_LIMITED');
  const retry = Number(res.headers.get('retry-after'));
  assert.ok(retry >= 1, `${what}: Retry-After ${res.headers.get('retry-after')}`);
  assert.equal(res.body.error.details.retryAfterSeconds, retry);
  return retry;
}

let counter = 0;
/** A unique username for this run (PostgreSQL keeps rows between servers of one run). */
export function uniqueName(prefix = 'u'): string {
  counter++;
  return `${prefix}${process.pid.toString(36)}${counter.toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`.slice(
    0,
    20,
  );
}

export interface Registered {
  username: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  id: string;
}

export async function register(base: string, prefix = 'u'): Promise<Registered> {
  const username = uniqueName(prefix);
  return registerAs(base, {
    username,
    email: `${username}@example.test`,
    password: `pw-${username}-Secret!`,
  });
}

/** Registers exactly this account (a test that needs a given name). */
export async function registerAs(
  base: string,
  account: { username: string; email: string; password: string },
): Promise<Registered> {
  const res = await api(base, 'POST', '/api/v1/auth/register', { body: account });
  if (res.status !== 201)
    throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    ...account,
    accessToken: res.body.data.accessToken,
    refreshToken: res.body.data.refreshToken,
    id: res.body.data.user.id,
  };
}

export async function loginAs(base: string, login: string, password: string): Promise<string> {
  const res = await api(base, 'POST', '/api/v1/auth/login', { body: { login, password } });
  if (res.status !== 200)
    throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.accessToken as string;
}

/** A user with `role`, created by the bootstrap admin. */
export async function userWithRole(
  base: string,
  adminToken: string,
  role: 'player' | 'moderator' | 'admin',
): Promise<Registered> {
  const user = await register(base, role.slice(0, 3));
  if (role !== 'player') {
    const res = await api(base, 'PATCH', `/api/v1/admin/users/${user.username}`, {
      token: adminToken,
      body: { role },
    });
    if (res.status !== 200)
      throw new Error(`set role failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return user;
}
