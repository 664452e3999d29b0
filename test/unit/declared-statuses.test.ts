import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Koa from 'koa';
import pino from 'pino';
import { z } from 'zod';
import { defineEndpoints } from '../../api/contract/endpoint.ts';
import { AppError, rateLimitedError } from '../../api/contract/errors.ts';
import type { AppDeps, RequestState } from '../../api/http/context.ts';
import {
  declaredStatuses,
  takeContractViolations,
} from '../../api/http/middleware/declared-statuses.ts';
import { errorEnvelope } from '../../api/http/middleware/errors.ts';
import { bindRoutes, routerMiddleware, type Handler } from '../../api/http/routes.ts';
import type { Endpoint } from '../../api/contract/endpoint.ts';

const table = defineEndpoints({
  'x.conflictDeclared': {
    id: 'x.conflictDeclared',
    method: 'POST',
    path: '/declared',
    auth: 'public',
    summary: 'Declares CONFLICT',
    tags: ['system'],
    errors: ['CONFLICT'],
    response: z.strictObject({}),
  },
  'x.conflictUndeclared': {
    id: 'x.conflictUndeclared',
    method: 'POST',
    path: '/undeclared',
    auth: 'public',
    summary: 'Declares nothing',
    tags: ['system'],
    errors: [],
    response: z.strictObject({}),
  },
  'x.accepted': {
    id: 'x.accepted',
    method: 'GET',
    path: '/accepted/{n}',
    auth: 'public',
    summary: 'Answers 202 or 304 by its parameter, declaring only 304',
    tags: ['system'],
    errors: [],
    params: z.strictObject({ n: z.enum(['202', '304']) }),
    response: z.strictObject({}),
    otherStatuses: { 304: 'Not modified' },
  },
  'x.limited': {
    id: 'x.limited',
    method: 'GET',
    path: '/limited',
    auth: 'public',
    summary: 'Behind a rate limit that runs before the router',
    tags: ['system'],
    errors: [],
    response: z.strictObject({}),
  },
});

const handlers: Record<string, Handler<Endpoint>> = {
  'x.conflictDeclared': async () => {
    throw new AppError('CONFLICT', 'taken');
  },
  'x.conflictUndeclared': async () => {
    throw new AppError('CONFLICT', 'taken');
  },
  'x.accepted': async ({ params }) => ({
    data: {},
    status: Number((params as { n: string }).n),
  }),
  'x.limited': async () => ({ data: {} }),
};

describe('declared statuses (tests answer an undeclared status with a 500)', () => {
  let server: Server;
  let base: string;

  before(async () => {
    const deps = { config: { bodyLimitBytes: 1024 }, validateResponses: true } as AppDeps;
    const router = bindRoutes(table, handlers, deps);
    const app = new Koa<RequestState>();
    app.silent = true;
    app.use(errorEnvelope(pino({ level: 'silent' })));
    app.use(declaredStatuses(router, table));
    app.use((ctx, next) => {
      if (ctx.path === '/limited') throw rateLimitedError(3, 'slow down');
      return next();
    });
    app.use(routerMiddleware(router));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise((resolve) => server.close(resolve)));

  it('lets a declared error code through', async () => {
    const res = await fetch(`${base}/declared`, { method: 'POST' });
    assert.equal(res.status, 409);
  });

  it('turns an undeclared error code into a 500 that names it', async () => {
    const res = await fetch(`${base}/undeclared`, { method: 'POST' });
    assert.equal(res.status, 500);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.match(body.error.message, /x\.conflictUndeclared answered 409 CONFLICT/);
    // Recorded too, so the suite's root hook fails a test that never looked at the status.
    assert.deepEqual(takeContractViolations(), [body.error.message]);
  });

  it('checks success statuses too: 304 is declared, 202 is not', async () => {
    assert.equal((await fetch(`${base}/accepted/304`)).status, 304);
    assert.equal((await fetch(`${base}/accepted/202`)).status, 500);
    assert.equal(takeContractViolations().length, 1);
  });

  it('sees errors thrown before the router (a rate limit) as the endpoint they hit', async () => {
    const res = await fetch(`${base}/limited`);
    assert.equal(res.status, 500);
    assert.equal(takeContractViolations().length, 1);
  });

  it('keeps the shape-implied codes: a query on an endpoint without one is a declared 400', async () => {
    const res = await fetch(`${base}/declared?x=1`, { method: 'POST' });
    assert.equal(res.status, 400);
    assert.deepEqual(takeContractViolations(), []);
  });
});
