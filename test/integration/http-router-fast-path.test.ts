/** The exact-path route lookup (routes.ts routerMiddleware) answers exactly as @koa/router does. */
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('router exact-path fast path', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.stop();
  });

  it('answers the exact path, a trailing slash and another letter case alike', async () => {
    for (const path of ['/healthz', '/healthz/', '/HEALTHZ']) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.deepEqual(await res.json(), { data: { status: 'ok' }, meta: {} }, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    }
  });

  it('leaves HEAD, wrong methods and unknown paths to @koa/router', async () => {
    const head = await fetch(`${server.url}/healthz`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    const post = await fetch(`${server.url}/healthz`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.match(post.headers.get('allow') ?? '', /GET/);
    const missing = await fetch(`${server.url}/healthzz`);
    assert.equal(missing.status, 404);
  });

  it('labels fast-path requests with their route template in the access log', async () => {
    await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'fast-path-check-1' } });
    const line = server.logs.find((l) => l['trace.id'] === 'fast-path-check-1');
    assert.equal(line?.['http.route'], '/healthz');
  });
});
