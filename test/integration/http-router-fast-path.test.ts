/** The exact-path route lookup (routes.ts routerMiddleware) answers exactly as @koa/router does. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import type { AppContext, RequestState } from '../../api/http/context.ts';
import { routerMiddleware } from '../../api/http/routes.ts';
import { startTestServer } from '../support/server.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('router exact-path fast path', () => {
  const server = suiteServer(() => startTestServer());

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

describe('router exact-path fast path against @koa/router on the same routes', () => {
  const paths = ['/a/b', '/a/x', '/a/b/', '/A/B', '/a', '/c', '/c/1', '/d.json', '/nope'];
  const methods = ['GET', 'POST', 'PUT', 'HEAD', 'DELETE'];

  /** The same routes twice: one app behind the fast path, one behind @koa/router alone. */
  async function build(fast: boolean): Promise<{ server: Server; routerCalls: () => number }> {
    const router = new Router<RequestState>();
    const answer = (name: string) => (ctx: AppContext) => {
      ctx.body = { name, params: ctx.params };
    };
    router.register('/a/:x', ['GET'], answer('param-before-exact'));
    router.register('/a/b', ['GET', 'POST'], answer('exact-a-b'));
    router.register('/c', ['GET'], answer('exact-c'));
    router.register('/c/:id', ['PUT'], answer('param-c'));
    router.register('/d.json', ['GET'], answer('exact-d'));
    let calls = 0;
    const routes = router.routes();
    router.routes = (() => {
      return ((ctx, next) => {
        calls++;
        return routes(ctx, next);
      }) as typeof routes;
    }) as typeof router.routes;
    const app = new Koa<RequestState>();
    app.use(fast ? routerMiddleware(router) : router.routes());
    app.use((ctx) => {
      ctx.status = 404;
      ctx.body = { name: 'none' };
    });
    const callback = app.callback();
    const server = createServer((req, res) => void callback(req, res)).listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { server, routerCalls: () => calls };
  }

  async function answers(server: Server): Promise<string[]> {
    const { port } = server.address() as AddressInfo;
    const out: string[] = [];
    for (const path of paths)
      for (const method of methods) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, { method });
        out.push(`${method} ${path} ${res.status} ${await res.text()}`);
      }
    return out;
  }

  it('answers every path and method exactly as @koa/router, without asking it for exact paths', async () => {
    const fast = await build(true);
    const plain = await build(false);
    try {
      assert.deepEqual(await answers(fast.server), await answers(plain.server));
      const before = fast.routerCalls();
      const { port } = fast.server.address() as AddressInfo;
      for (const path of ['/c', '/d.json']) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`);
        assert.equal(res.status, 200, path);
      }
      assert.equal(fast.routerCalls(), before, 'exact paths are served by the fast path');
      await fetch(`http://127.0.0.1:${port}/c/7`, { method: 'PUT' });
      assert.equal(fast.routerCalls(), before + 1, 'parameterised paths go to @koa/router');
    } finally {
      fast.server.close();
      plain.server.close();
    }
  });
});
