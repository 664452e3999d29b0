/**
 * PostgreSQL outages against a `pongctl serve` process and a PostgreSQL of
 * the test's own: frozen (SIGSTOP: connections stay open, nothing answers)
 * and stopped (connections refused). Requests answer 503 UNAVAILABLE with
 * Retry-After within the configured timeouts, /readyz within a second,
 * everything recovers on its own, and the process writes only JSON lines
 * on stdout, a bounded number of them about the outage.
 */
import assert from 'node:assert/strict';
import { api, type Reply } from '../support/accounts.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.ts';
import { spawnServe, type ServeProcess } from '../support/serve-process.ts';

const statementMs = 1_500;
const acquireMs = 1_000;
const adminPassword = 'outage-admin-password-1';

async function timed(call: () => Promise<Reply>): Promise<Reply & { ms: number }> {
  const started = performance.now();
  const reply = await call();
  return { ...reply, ms: performance.now() - started };
}

function assertUnavailable(reply: Reply & { ms: number }, boundMs: number, what: string): void {
  assert.equal(reply.status, 503, `${what}: ${JSON.stringify(reply.body)}`);
  assert.equal(reply.body.error.code, 'UNAVAILABLE', what);
  assert.ok(Number(reply.headers.get('retry-after')) >= 1, `${what}: Retry-After`);
  assert.ok(reply.ms < boundMs, `${what} took ${Math.round(reply.ms)} ms (bound ${boundMs})`);
}

/** Polls until `call` answers `status`, bounded by `ms`. */
async function until(call: () => Promise<Reply>, status: number, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  let last: Reply | undefined;
  while (performance.now() < deadline) {
    last = await call();
    if (last.status === status) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`still ${last?.status} after ${ms} ms: ${JSON.stringify(last?.body)}`);
}

describe('outages: PostgreSQL frozen or stopped', function () {
  this.timeout(60_000);
  let pg: PrivatePostgres | undefined;
  let server: ServeProcess | undefined;
  let token = '';
  let failedRequests = 0;
  const readyz = () => api(server!.url, 'GET', '/readyz');
  const notifications = () => api(server!.url, 'GET', '/api/v1/notifications', { token });

  before(async function () {
    this.timeout(180_000); // initdb, then a server start-up that runs every migration
    pg = await startPrivatePostgres();
    server = await spawnServe({
      DATABASE_URL: pg.url,
      DATABASE_STATEMENT_TIMEOUT_MS: String(statementMs),
      DATABASE_ACQUIRE_TIMEOUT_MS: String(acquireMs),
      DATABASE_POOL_MAX: '3',
      PONG_ADMIN_PASSWORD: adminPassword,
      PASSWORD_SCRYPT_LOG2N: '14',
    });
    const login = await api(server.url, 'POST', '/api/v1/auth/login', {
      body: { login: 'admin', password: adminPassword },
    });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    token = login.body.data.accessToken;
  });

  after(async function () {
    this.timeout(60_000);
    pg?.thaw();
    await server?.stop();
    await pg?.destroy();
  });

  it('frozen: /readyz answers 503 within a second, requests 503 with Retry-After within the timeouts', async () => {
    assert.equal((await notifications()).status, 200);
    pg!.freeze();
    try {
      // The target is 1 s; the margin is for a loaded machine.
      assertUnavailable(await timed(readyz), 1_500, '/readyz');
      // More requests than pooled connections: some wait for a connection, the others for an answer.
      const replies = await Promise.all(Array.from({ length: 6 }, () => timed(notifications)));
      failedRequests += replies.length + 1;
      for (const reply of replies)
        assertUnavailable(reply, statementMs + 500 + 2_500, 'a request needing the database');
    } finally {
      pg!.thaw();
    }
    await until(readyz, 200, 15_000);
    await until(notifications, 200, 15_000);
  });

  it('stopped: requests answer 503 at once, and recover when it is back', async () => {
    await pg!.stop();
    try {
      assertUnavailable(await timed(readyz), 1_500, '/readyz');
      for (let i = 0; i < 30; i++) {
        assertUnavailable(await timed(notifications), 1_500, 'a request needing the database');
        failedRequests++;
      }
    } finally {
      await pg!.start();
    }
    await until(readyz, 200, 15_000);
    await until(notifications, 200, 15_000);
  });

  it('wrote only JSON lines, a bounded number about the outage, and no driver traces', () => {
    const lines = server!.stdoutLines();
    const parsed = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return assert.fail(`not a JSON line on stdout: ${line.slice(0, 200)}`);
      }
    });
    const stderr = server!.stderrText();
    assert.doesNotMatch(stderr, /Acquire connection error|Connection Error|\n\s+at /);
    // Access lines are one per request by design; the others must not grow with the outage.
    const outageLines = parsed.filter(
      (l) =>
        l['log.logger'] !== 'access' && (l['log.level'] === 'warn' || l['log.level'] === 'error'),
    );
    assert.ok(failedRequests >= 37, `${failedRequests} requests failed`);
    assert.ok(
      outageLines.length <= 12,
      `${outageLines.length} warning/error lines for ${failedRequests} failed requests:\n${outageLines
        .map((l) => JSON.stringify(l))
        .join('\n')}`,
    );
    assert.ok(
      outageLines.some((l) => l['service.target.type'] === 'postgresql'),
      'the outage is logged once',
    );
  });
});
