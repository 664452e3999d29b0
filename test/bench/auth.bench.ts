/**
 * Accounts. (1) Authenticated GET /api/v1/me vs GET /healthz on the
 * same API child, alternately: the JWT check and the session check must be
 * cached so that /me keeps ≥ 0.5 of /healthz. (2) Logins per second through
 * POST /api/v1/auth/login on that child (each one a scrypt verification and a
 * session insert). (3) The cost of one password hash with the default
 * parameters, measured in this process: it must be ≥ 20 ms.
 */
import { hashPassword } from '../../api/domain/accounts/passwords.ts';
import type { Benchmark, BenchContext, BenchResult } from './harness.ts';
import { defaultConnections, runLoad } from './load.ts';
import { startApiChild } from './server-child.ts';
import { alternate, median } from './stats.ts';

const password = 'bench-admin-pass-2026';

async function adminToken(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: 'admin', password }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { data: { accessToken: string } }).data.accessToken;
}

async function hashCostMs(rounds: number): Promise<number> {
  await hashPassword('warm-up-password', 15);
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await hashPassword(`sample-password-${i}`, 15);
    samples.push(performance.now() - started);
  }
  return median(samples);
}

async function auth(ctx: BenchContext): Promise<BenchResult[]> {
  const rounds = ctx.pick(4, 2);
  const durationSec = ctx.pick(8, 3);
  const api = await startApiChild({
    databaseUrl: ctx.databaseUrl,
    env: {
      PONG_ADMIN_PASSWORD: password,
      AUTH_RATE_LIMIT_PER_MINUTE: '100000000',
      AUTH_LOGIN_MAX_FAILURES: '100000000',
    },
    ...(ctx.cpuProfDir ? { cpuProfDir: ctx.cpuProfDir } : {}),
  });
  try {
    const token = await adminToken(api.url);
    const me = () =>
      runLoad({
        url: `${api.url}/api/v1/me`,
        connections: defaultConnections,
        durationSec,
        headers: { authorization: `Bearer ${token}` },
      });
    const health = () =>
      runLoad({ url: `${api.url}/healthz`, connections: defaultConnections, durationSec });
    await runLoad({
      url: `${api.url}/api/v1/me`,
      connections: defaultConnections,
      durationSec: ctx.pick(3, 1),
      headers: { authorization: `Bearer ${token}` },
    });
    await runLoad({
      url: `${api.url}/healthz`,
      connections: defaultConnections,
      durationSec: ctx.pick(3, 1),
    });
    const runs = await alternate(rounds, me, health);
    const meRps = median(runs.a.map((r) => r.requestsPerSec));
    const healthRps = median(runs.b.map((r) => r.requestsPerSec));
    ctx.log(
      `/me ${runs.a.map((r) => Math.round(r.requestsPerSec)).join(' ')} · /healthz ${runs.b.map((r) => Math.round(r.requestsPerSec)).join(' ')}`,
    );
    const logins = await runLoad({
      url: `${api.url}/api/v1/auth/login`,
      method: 'POST',
      connections: 4,
      durationSec,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'admin', password }),
    });
    const hashMs = await hashCostMs(ctx.pick(10, 4));
    return [
      {
        name: 'GET /api/v1/me (authenticated) vs GET /healthz',
        value: meRps,
        unit: 'req/s',
        reference: { name: 'GET /healthz', value: healthRps },
        target: { op: '>=', value: 0.5, of: 'ratio' },
        notes: `${defaultConnections} connections, ${rounds}×${durationSec} s each, median; session and user state served from the in-memory credential cache`,
      },
      {
        name: 'POST /api/v1/auth/login',
        value: logins.requestsPerSec,
        unit: 'logins/s',
        notes: `4 connections, ${durationSec} s; scrypt N=2^15 r=8 p=1 per login on the libuv pool; p99 ${logins.latencyP99Ms} ms`,
      },
      {
        name: 'password hash (scrypt N=2^15, r=8, p=1)',
        value: hashMs,
        unit: 'ms',
        target: { op: '>=', value: 20, of: 'value' },
        notes: 'median of single hashes in the bench process; guessing must stay slow',
      },
    ];
  } finally {
    await api.stop();
  }
}

export const benchmarks: Benchmark[] = [{ name: 'auth', issue: '#3', run: auth }];
