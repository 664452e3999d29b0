// The access log names routes, never the people in them: a username in a path or a query string
// reaches no log line, while every request's line carries its route template and request id.
import assert from 'node:assert/strict';
import { api, register, startAuthServer, type Registered } from '../support/accounts.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('http: access log records route templates, never usernames', () => {
  const s = suiteServer(() => startAuthServer({ LOG_LEVEL: 'trace' }), 60_000);
  let u: Registered;
  before(async () => {
    u = await register(s.url, 'zqaccess');
  });

  it('logs the template and request id of every request, with the username in paths and queries nowhere in the log', async () => {
    const name = u.username;
    const token = u.accessToken;
    const cases = [
      [
        'GET',
        `/api/v1/users/${name}/matches?limit=5`,
        token,
        200,
        '/api/v1/users/{username}/matches',
      ],
      ['GET', `/api/v1/users?q=${name}`, token, 200, '/api/v1/users'],
      ['GET', `/api/v1/users/${name}`, token, 200, '/api/v1/users/{username}'],
      [
        'GET',
        `/api/v1/users/${name}/avatar?v=${name}`,
        undefined,
        200,
        '/api/v1/users/{username}/avatar',
      ],
      ['GET', `/api/v1/users/${name}/stats`, undefined, 401, '/api/v1/users/{username}/stats'],
      // An unknown query key is refused by the route: still its template.
      [
        'GET',
        `/api/v1/users/${name}/matches?who=${name}`,
        token,
        400,
        '/api/v1/users/{username}/matches',
      ],
      ['GET', `/api/v1/nothing-here/${name}?who=${name}`, token, 404, '(unmatched)'],
      ['DELETE', `/api/v1/users/${name}/matches`, token, 405, '(unmatched)'],
    ] as const;
    for (const [i, [method, path, bearer, status, route]] of cases.entries()) {
      const requestId = `access-log-check-${i}-${Date.now()}`;
      const res = await api(s.url, method, path, {
        ...(bearer ? { token: bearer } : {}),
        headers: { 'x-request-id': requestId },
      });
      assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
      const lines = s.logs.filter(
        (l) => l['log.logger'] === 'access' && l['trace.id'] === requestId,
      );
      assert.equal(lines.length, 1, `one access line for ${method} ${path}`);
      const line = lines[0]!;
      assert.equal(line['http.route'], route, `${method} ${path}`);
      assert.equal(line['http.request.method'], method);
      assert.equal(line['http.response.status_code'], status);
      assert.equal(typeof line['event.duration'], 'number');
      assert.equal(line.message, 'request');
      // The signed-in user is the id, never the name.
      if (bearer && status !== 404 && status !== 405) assert.equal(line['user.id'], u.id);
    }
    const text = s.logText();
    assert.ok(text.includes('/api/v1/users/{username}/matches'), 'templates are logged');
    assert.equal(text.toLowerCase().includes(name.toLowerCase()), false, 'the username is logged');
  });
});
