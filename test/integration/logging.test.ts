/**
 * The API's logs are ECS and secret-free: a real server is driven with
 * credentials in headers, cookies, bodies, query strings and path segments,
 * then the captured output is grepped for every secret. Each stream carries
 * its own event.dataset, and 5xx answers log error.* with a stack.
 */
import assert from 'node:assert/strict';
import Koa from 'koa';
import { createLogger, streamLoggers } from '../../api/core/logger.ts';
import { errorEnvelope } from '../../api/http/middleware/errors.ts';
import { LogCapture, startTestServer } from '../support/server.ts';
import { suiteServer } from '../support/suite-server.ts';

const secrets = {
  bearer: 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LWJlYXJlci10b2tlbg.sig-bearer-0001',
  cookie: 'session-cookie-value-7f3a9c',
  password: 'Correct-Horse-Battery-9',
  resetToken: 'reset0token0abcdefghijklmnopqrstuvwxyz0123',
  refreshToken: 'refresh-token-value-5521',
  apiKey: 'ZWxhc3RpYy1hcGkta2V5LXNlY3JldA',
  email: 'alice.secret@example.com',
  username: 'alice_private_name',
};

function assertNoSecrets(text: string): void {
  for (const [name, value] of Object.entries(secrets)) {
    assert.equal(text.includes(value), false, `log output contains the ${name}`);
  }
}

describe('API logging (ECS, streams, redaction)', function () {
  this.timeout(60_000); // a real server with migrations starts slowly on a busy machine
  const server = suiteServer(() => startTestServer());

  it('never writes credentials sent in headers, cookies, bodies, query strings or path segments', async () => {
    const headers = {
      authorization: `Bearer ${secrets.bearer}`,
      cookie: `sid=${secrets.cookie}`,
      'content-type': 'application/json',
      'x-api-key': secrets.apiKey,
    };
    const body = JSON.stringify({
      username: secrets.username,
      email: secrets.email,
      password: secrets.password,
      refreshToken: secrets.refreshToken,
    });
    await fetch(`${server.url}/healthz?token=${secrets.resetToken}`, { headers });
    await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers, body });
    await fetch(`${server.url}/api/v1/auth/password-reset/${secrets.resetToken}`, {
      method: 'POST',
      headers,
      body,
    });
    await fetch(`${server.url}/api/v1/auth/reset?token=${secrets.resetToken}`, {
      method: 'POST',
      headers,
      body,
    });
    const access = server.logs.filter((l) => l['log.logger'] === 'access');
    assert.ok(access.length >= 4, 'one access line per request');
    assertNoSecrets(server.logText());
  });

  it('records the route template and the request id in the access log, never the path', async () => {
    const username = `logname${Date.now() % 100000}`;
    const registered = await fetch(`${server.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username,
        email: `${username}@example.com`,
        password: 'Pass-word-1234',
      }),
    });
    assert.equal(registered.status, 201);
    const token = ((await registered.json()) as { data: { accessToken: string } }).data.accessToken;
    const requestId = `route-check-${Date.now()}`;
    const res = await fetch(`${server.url}/api/v1/users/${username}/matches`, {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': requestId },
    });
    assert.equal(res.status, 200);
    await fetch(`${server.url}/no-such-place/${username}`);
    const access = server.logs.filter((l) => l['log.logger'] === 'access');
    const line = access.find((l) => l['trace.id'] === requestId);
    assert.ok(line, 'the access line carries the request id as trace.id');
    assert.deepEqual(
      Object.keys(line)
        .filter((k) => k.startsWith('http.') || k.startsWith('url.'))
        .sort(),
      ['http.request.method', 'http.response.status_code', 'http.route'],
    );
    assert.equal(line['http.route'], '/api/v1/users/{username}/matches');
    assert.equal(line['http.response.status_code'], 200);
    assert.ok(
      access.some(
        (l) => l['http.route'] === '(unmatched)' && l['http.response.status_code'] === 404,
      ),
    );
    const lines = access.map((l) => JSON.stringify(l));
    assert.deepEqual(
      lines.filter((l) => l.includes(username)),
      [],
      'no access line names the user',
    );
  });

  it('keeps a whole account flow secret-free: register, sign in, refresh, a request with the token, password reset', async () => {
    const username = `logtest${Date.now() % 100000}`;
    const email = `${username}.private@example.com`;
    const password = 'Very-Secret-Passw0rd-91';
    const newPassword = 'Another-Secret-Passw0rd-92';
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const registered = await post('/api/v1/auth/register', { username, email, password });
    assert.equal(registered.status, 201, await registered.clone().text());
    const session = (
      (await registered.json()) as {
        data: { accessToken: string; refreshToken: string; user: { id: string } };
      }
    ).data;
    assert.equal(
      (await post('/api/v1/auth/login', { login: email, password: 'wrong-password-123' })).status,
      401,
    );
    const me = await fetch(`${server.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    assert.equal(me.status, 200);
    const refreshed = (
      (await (
        await post('/api/v1/auth/refresh', { refreshToken: session.refreshToken })
      ).json()) as { data: { refreshToken: string } }
    ).data;
    assert.equal((await post('/api/v1/auth/password-reset/request', { email })).status, 202);
    // The reset mail may be queued after the 202 (the answer must not reveal whether the address exists).
    let mail: { body: string } | undefined;
    for (let i = 0; i < 100 && !mail; i++) {
      mail = (await server
        .db('mail_outbox')
        .where({ to_address: email })
        .orderBy('id', 'desc')
        .first()) as { body: string } | undefined;
      if (!mail) await new Promise((r) => setTimeout(r, 50));
    }
    const resetToken = /token=([^\s&]+)/.exec(mail?.body ?? '')?.[1];
    assert.ok(resetToken, 'the reset mail holds a link with a token');
    assert.equal(
      (
        await post('/api/v1/auth/password-reset/confirm', {
          token: resetToken,
          password: newPassword,
        })
      ).status,
      200,
    );
    const text = server.logText();
    for (const [name, value] of Object.entries({
      password,
      newPassword,
      email,
      username,
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
      rotated: refreshed.refreshToken,
      resetToken,
    })) {
      assert.equal(text.includes(value), false, `the ${name} reached the log`);
    }
    const meLine = server.logs.find(
      (l) => l['log.logger'] === 'access' && l['http.route'] === '/api/v1/me',
    );
    assert.equal(meLine?.['user.id'], session.user.id, 'the access line names the user by id only');
  });

  it('redacts request headers and bodies whatever stream logs them, at any of the usual depths', () => {
    const request = {
      headers: {
        authorization: `Bearer ${secrets.bearer}`,
        cookie: secrets.cookie,
        'x-request-id': 'abc',
      },
      body: {
        password: secrets.password,
        newPassword: secrets.password,
        resetLink: `https://pong.example/reset/${secrets.resetToken}`,
      },
    };
    server.logger.info({ req: request }, 'generic request dump');
    server.logger.warn(
      {
        'http.request.headers': request.headers,
        'http.request.body.content': JSON.stringify(request.body),
      },
      'ecs dump',
    );
    server.logger.info(
      {
        user: { id: 'u1', email: secrets.email, username: secrets.username },
        apiKey: secrets.apiKey,
      },
      'user',
    );
    server.logger.info(
      {
        token: secrets.refreshToken,
        refreshToken: secrets.refreshToken,
        resetToken: secrets.resetToken,
      },
      'tokens',
    );
    server.logger.info(
      { 'user.email': secrets.email, 'user.name': secrets.username, 'user.id': 'u1' },
      'ecs user',
    );
    const text = server.logText();
    assertNoSecrets(text);
    const userLine = server.logs.find((l) => l.message === 'ecs user');
    assert.equal(userLine?.['user.id'], 'u1', 'user.id is kept');
    assert.equal(userLine?.['user.email'], '[REDACTED]');
    const dump = server.logs.find((l) => l.message === 'generic request dump') as {
      req: { headers: Record<string, string> };
    };
    assert.equal(dump.req.headers['x-request-id'], 'abc', 'harmless headers survive');
    assert.equal(dump.req.headers.authorization, '[REDACTED]');
  });

  it('writes ECS lines with service fields, trace.id = request id and one dataset per stream', async () => {
    const res = await fetch(`${server.url}/healthz`, {
      headers: { 'x-request-id': 'trace-abc-12345' },
    });
    assert.equal(res.status, 200);
    const line = server.logs.find((l) => l['trace.id'] === 'trace-abc-12345');
    assert.ok(line, 'the access line carries the request id as trace.id');
    assert.equal(line['event.dataset'], 'pong.api');
    assert.equal(line['log.level'], 'info');
    assert.equal(line['service.name'], 'pongctl-api');
    assert.equal(line['service.environment'], 'test');
    assert.match(String(line['service.version']), /^\d+\.\d+\.\d+/);
    assert.match(String(line['@timestamp']), /^\d{4}-\d\d-\d\dT/);
    assert.equal(line['http.response.status_code'], 200);
    assert.equal(line['http.route'], '/healthz');
    assert.ok(typeof line['ecs.version'] === 'string');
  });

  it('gives the audit and game streams their own dataset, exactly once per line', () => {
    const capture = new LogCapture();
    const logs = streamLoggers(
      createLogger({
        level: 'info',
        service: { name: 's', version: '1.0.0', environment: 'test' },
        destination: capture,
      }),
    );
    logs.audit.info({ 'event.action': 'user.ban', 'user.id': 'admin-1' }, 'admin action');
    logs.game.info(
      { 'event.action': 'match.end', 'event.dataset': 'pong.game' },
      'match ended (dataset repeated by the caller)',
    );
    logs.access.info('req');
    const raw = capture.chunks.join('');
    for (const rawLine of raw.trim().split('\n')) {
      assert.equal(
        rawLine.match(/"event\.dataset"/g)?.length,
        1,
        'no duplicate keys: Elasticsearch rejects them',
      );
    }
    assert.deepEqual(
      capture.lines().map((l) => [l['event.dataset'], l['log.logger']]),
      [
        ['pong.audit', 'audit'],
        ['pong.game', 'game'],
        ['pong.api', 'access'],
      ],
    );
  });

  it('logs a 503 with error.* and its stack on the app stream', async () => {
    await server.db.destroy();
    const res = await fetch(`${server.url}/readyz`);
    assert.equal(res.status, 503);
    const line = server.logs.find(
      (l) => l['log.logger'] === 'app' && l['http.response.status_code'] === 503,
    );
    assert.ok(line, 'a 5xx is logged on the app stream');
    const error = line.error as { type: string; message: string; stack_trace: string };
    assert.equal(line['log.level'], 'error');
    assert.equal(line['error.id'], 'UNAVAILABLE');
    assert.ok(error.message.length > 0);
    assert.match(error.stack_trace, /\n\s+at /, 'the stack is there');
  });

  it('logs an unexpected exception as INTERNAL with error.type, message and stack, and tells the client nothing', async () => {
    const capture = new LogCapture();
    const logs = streamLoggers(
      createLogger({
        level: 'info',
        service: { name: 's', version: '1.0.0', environment: 'test' },
        destination: capture,
      }),
    );
    const app = new Koa<{ requestId: string }>();
    app.use(async (ctx, next) => {
      ctx.state.requestId = 'req-500-abcdef';
      await next();
    });
    app.use(errorEnvelope(logs.app));
    app.use(() => {
      throw new TypeError(`boom with password ${secrets.password.length}`);
    });
    const http = await import('node:http');
    const handle = app.callback();
    const srv = http.createServer((req, res) => void handle(req, res)).listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    try {
      const { port } = srv.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(res.status, 500);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'INTERNAL');
      assert.equal(JSON.stringify(body).includes('boom'), false, 'no internal detail leaks');
      const [line] = capture.lines();
      assert.equal(line?.['event.dataset'], 'pong.api');
      assert.equal(line?.['trace.id'], 'req-500-abcdef');
      const error = line?.error as { type: string; message: string; stack_trace: string };
      assert.equal(error.type, 'TypeError');
      assert.match(error.message, /^boom/);
      assert.match(error.stack_trace, /TypeError: boom/);
    } finally {
      srv.close();
    }
  });
});
