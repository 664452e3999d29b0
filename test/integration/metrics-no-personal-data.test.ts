// Metrics never carry personal data (ARCHITECTURE rule 12, issue 7): drive the
// API with real users — registrations, good and bad sign-ins by username and by
// email, refreshes, profile and admin lookups by username, raw paths with an
// email in them, WebSocket sessions — then read /metrics and prove that no
// label value is a username, email, id, token or password, and that routes are
// templates. (Chat messages and matches join this test when those features land.)
import assert from 'node:assert/strict';
import { api, register, startAuthServer, type AuthTestServer, type Registered } from '../support/accounts.ts';
import { connect } from '../support/ws-client.ts';

/** Every label value of an exposition, with the series it came from. */
function labelValues(exposition: string): { series: string; name: string; value: string }[] {
  const out: { series: string; name: string; value: string }[] = [];
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#') || !line.includes('{')) continue;
    const series = line.slice(0, line.indexOf('{'));
    for (const m of line.slice(line.indexOf('{')).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) out.push({ series, name: m[1]!, value: m[2]! });
  }
  return out;
}

describe('metrics carry no personal data', function () {
  this.timeout(120_000);
  let s: AuthTestServer;
  const users: Registered[] = [];

  before(async function () {
    this.timeout(120_000);
    s = await startAuthServer();
  });
  after(async () => s?.stop());

  it('after users sign up, sign in, fail, refresh, look each other up and open sockets', async () => {
    for (let i = 0; i < 3; i++) users.push(await register(s.url, 'pii'));
    const [alice, bob, carol] = users as [Registered, Registered, Registered];
    for (const login of [alice.username, alice.email]) {
      assert.equal((await api(s.url, 'POST', '/api/v1/auth/login', { body: { login, password: alice.password } })).status, 200);
      assert.equal((await api(s.url, 'POST', '/api/v1/auth/login', { body: { login, password: 'wrong-password-1' } })).status, 401);
    }
    await api(s.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: bob.refreshToken } });
    await api(s.url, 'GET', `/api/v1/users/${carol.username}`, { token: alice.accessToken });
    await api(s.url, 'GET', `/api/v1/admin/users/${carol.username}`, { token: bob.accessToken });
    await api(s.url, 'GET', `/api/v1/no-such-route/${encodeURIComponent(alice.email)}`);
    await api(s.url, 'POST', '/api/v1/auth/password-reset/request', { body: { email: bob.email } });
    const { client } = await connect(s.url, carol.accessToken);
    client.close();

    const metrics = await api(s.url, 'GET', '/metrics');
    assert.equal(metrics.status, 200);
    const text = String(metrics.body);
    const values = labelValues(text);
    assert.ok(values.some((v) => v.series === 'http_requests_total' && v.name === 'route' && v.value === '/api/v1/auth/login'), 'sign-ins were counted');
    const secrets = users.flatMap((u) => [u.username, u.email, u.id, u.password, u.accessToken, u.refreshToken]);
    for (const v of values) {
      for (const secret of secrets) {
        assert.ok(!v.value.toLowerCase().includes(secret.toLowerCase()), `${v.series}{${v.name}="${v.value}"} carries personal data`);
      }
    }
    for (const secret of secrets) assert.ok(!text.includes(secret), 'nowhere in the exposition either');
    const routes = new Set(values.filter((v) => v.name === 'route').map((v) => v.value));
    assert.ok(routes.has('(unmatched)'), 'unknown paths are counted as (unmatched), not by their text');
    assert.ok([...routes].some((r) => r.includes('{username}')), 'routes with a username are counted by their template');
  });
});
