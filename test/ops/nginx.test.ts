/**
 * `pongctl nginx render` in front of two real API processes, with Debian's
 * nginx as a foreground process on a free loopback port (its own prefix,
 * pid and logs in a temp directory): `nginx -t` accepts the configuration,
 * HTTP and a WebSocket work through it, X-Request-Id is passed on (or made
 * up), /metrics is not exposed, and a dead instance is stepped around.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { api, register } from '../support/accounts.ts';
import { startApiProcess, type ApiProcess } from '../support/api-process.ts';
import { onPostgres, testDatabaseUrl } from '../support/env.ts';
import { skipWithoutNginx, startNginx, type Nginx } from '../support/nginx.ts';
import { connect } from '../support/ws-client.ts';

describe('nginx in front of two API processes (pongctl nginx render)', function () {
  this.timeout(180_000);
  let one: ApiProcess;
  let two: ApiProcess;
  let nginx: Nginx | undefined;
  let url: string;

  before(async function () {
    skipWithoutNginx(this);
    if (!onPostgres) this.skip(); // two instances share one PostgreSQL database
    const jwtSecret = randomBytes(32).toString('hex');
    const env = { TRUST_PROXY: 'true' };
    one = await startApiProcess({ databaseUrl: testDatabaseUrl, jwtSecret, env });
    two = await startApiProcess({ databaseUrl: testDatabaseUrl, jwtSecret, env });
    nginx = await startNginx([`127.0.0.1:${one.port}`, `127.0.0.1:${two.port}`]);
    url = nginx.url;
  });

  after(async () => {
    await nginx?.stop();
    await Promise.all([one?.dispose(), two?.dispose()]);
  });

  it('passes HTTP and a WebSocket through, with the request id', async () => {
    const user = await register(url, 'ng');
    const me = await api(url, 'GET', '/api/v1/me', {
      token: user.accessToken,
      headers: { 'x-request-id': 'nginx-test-req-0001' },
    });
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal(me.headers.get('x-request-id'), 'nginx-test-req-0001', 'the id is passed on');
    const made = await api(url, 'GET', '/api/v1/me', { token: user.accessToken });
    assert.match(
      String(made.headers.get('x-request-id')),
      /^[0-9a-f]{32}$/,
      `nginx's own id: ${made.headers.get('x-request-id')}`,
    );

    const { client, hello } = await connect(url, user.accessToken);
    assert.equal(hello.type, 'hello');
    client.send({ type: 'game.join', matchId: '00000000-0000-4000-8000-000000000000', id: 'j1' });
    const reply = await client.next('error', 5_000);
    assert.equal(reply.id, 'j1', 'the socket answers through nginx');
    client.close();

    for (let i = 0; i < 6; i++) assert.equal((await fetch(`${url}/readyz`)).status, 200);
    const log = nginx!.accessLog();
    for (const p of [one.port, two.port])
      assert.match(
        log,
        new RegExp(`upstream=127\\.0\\.0\\.1:${p} `),
        `instance :${p} served requests`,
      );
    assert.match(log, /request_id=nginx-test-req-0001/);
  });

  it('does not expose /metrics', async () => {
    const res = await fetch(`${url}/metrics`);
    assert.equal(res.status, 404);
    assert.doesNotMatch(await res.text(), /# HELP/);
  });

  it('steps around a dead instance for idempotent requests', async () => {
    one.child.kill('SIGKILL');
    await new Promise((resolve) => one.child.once('exit', resolve));
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${url}/readyz`);
      assert.equal(res.status, 200, `request ${i} answered by the live instance`);
    }
  });
});
