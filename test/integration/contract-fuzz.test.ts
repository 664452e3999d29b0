/**
 * Property-based fuzzing of the whole contract: every HTTP operation gets
 * hostile path parameters, query parameters and bodies (wrong types, NUL,
 * huge strings, deep objects, unknown keys, `__proto__`), with no token, a
 * player's and an admin's; every WebSocket client message type gets hostile
 * fields. No answer may be a 5xx, an error outside the envelope, an INTERNAL
 * error message or a socket closed by a server failure. Fixed seed and
 * bounded runs keep it deterministic and under a minute.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import fc from 'fast-check';
import { endpoints } from '../../api/contract/index.ts';
import type { Endpoint } from '../../api/contract/endpoint.ts';
import { errorEnvelopeSchema } from '../../api/contract/errors.ts';
import { messages } from '../../api/contract/messages.ts';
import type { MessageSpec } from '../../api/contract/realtime.ts';
import {
  adminPassword,
  api,
  loginAs,
  register,
  startAuthServer,
  type Registered,
} from '../support/accounts.ts';
import {
  encodeAll,
  hostileKey,
  hostileObject,
  hostileString,
  hostileValue,
} from '../support/hostile.ts';
import { connect, refusedUpgrade, wsUrl, type TestClient } from '../support/ws-client.ts';
import { suiteServer } from '../support/suite-server.ts';

const seed = 20261202;
const runsPerOperation = 12;
const runsPerMessageType = 25;

type Who = 'none' | 'user' | 'admin';
/** Path parameter values that name real things, resolved when the request is sent. */
const realParam = fc.constantFrom('$user', '$victim', '$uuid');

interface HostileRequest {
  who: Who;
  params: Record<string, string>;
  query: Array<[string, string]>;
  body?: { type: string; payload: string | Uint8Array };
}

function keysOf(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

function bodyOf(endpoint: Endpoint): fc.Arbitrary<HostileRequest['body']> {
  if (endpoint.binaryBody) {
    const types = [...endpoint.binaryBody.contentTypes, 'text/plain', 'application/json'];
    return fc
      .tuple(fc.constantFrom(...types), fc.uint8Array({ maxLength: 4_096 }))
      .map(([type, payload]) => ({ type, payload }));
  }
  if (!endpoint.body) return fc.constant(undefined);
  const json = (value: unknown) => ({
    type: 'application/json',
    payload: JSON.stringify(value) ?? 'null',
  });
  return fc.oneof(
    hostileObject(keysOf(endpoint.body), 200_000).map(json),
    hostileValue(200_000).map(json),
    fc.constantFrom('{"a":', '{"__proto__":{"admin":true}}', '[', 'nul\u0000').map((payload) => ({
      type: 'application/json',
      payload,
    })),
    fc.constant(undefined),
  );
}

function requestOf(endpoint: Endpoint): fc.Arbitrary<HostileRequest> {
  const names = [...endpoint.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const queryKeys = keysOf(endpoint.query);
  const queryKey =
    queryKeys.length > 0 ? fc.oneof(fc.constantFrom(...queryKeys), hostileKey) : hostileKey;
  return fc.record({
    who: fc.constantFrom<Who>('none', 'user', 'admin'),
    params: fc.record(
      Object.fromEntries(names.map((n) => [n, fc.oneof(realParam, hostileString(2_000))])),
    ),
    query: fc.array(fc.tuple(queryKey, hostileString(500)), { maxLength: 4 }),
    body: bodyOf(endpoint),
  });
}

interface Answer {
  status: number;
  text: string;
}

/** One request on its own connection (no keep-alive pool whose stale sockets a fuzz run would trip on). */
function request(
  url: string,
  options: { method: string; headers: Record<string, string>; body?: string | Uint8Array },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method, headers: options.headers, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', (err) =>
      reject(new Error(`no answer (${err.message}) to ${options.method} ${url.slice(0, 200)}`)),
    );
    req.end(options.body);
  });
}

/** Operations that end the caller's session run last, so the others keep their tokens. */
const endsSession = (e: Endpoint) => /logout/.test(e.id);

describe('contract fuzz: hostile input never reaches a 5xx', function () {
  this.timeout(180_000);
  const s = suiteServer(() => startAuthServer({ WS_RATE_PER_SECOND: '1000', WS_BURST: '1000' }));
  let user: Registered;
  let victim: Registered;
  let adminToken: string;

  before(async () => {
    [user, victim] = [await register(s.url, 'fz'), await register(s.url, 'fv')];
    adminToken = await loginAs(s.url, 'admin', adminPassword);
  });

  /** Hostile calls may sign the fuzz users out, ban or delete them: start each operation with working tokens. */
  async function freshTokens(): Promise<void> {
    if ((await api(s.url, 'GET', '/api/v1/me', { token: user.accessToken })).status !== 200)
      user = await register(s.url, 'fz');
    if ((await api(s.url, 'GET', '/api/v1/me', { token: adminToken })).status !== 200)
      adminToken = await loginAs(s.url, 'admin', adminPassword);
  }

  async function send(endpoint: Endpoint, req: HostileRequest): Promise<Answer> {
    const real: Record<string, string> = {
      $user: user.username,
      $victim: victim.username,
      $uuid: '6f1c2b8e-3c1d-4e5f-9a7b-1c2d3e4f5a6b',
    };
    const path = endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = req.params[name]!;
      return encodeAll(real[value] ?? value);
    });
    const query = req.query.map(([k, v]) => `${encodeAll(k)}=${encodeAll(v)}`).join('&');
    const headers: Record<string, string> = {};
    const token =
      req.who === 'user' ? user.accessToken : req.who === 'admin' ? adminToken : undefined;
    if (token) headers.authorization = `Bearer ${token}`;
    if (req.body) headers['content-type'] = req.body.type;
    return request(`${s.url}${path}${query ? `?${query}` : ''}`, {
      method: endpoint.method,
      headers,
      body: req.body?.payload,
    });
  }

  it('answers every hostile HTTP request with a 2xx-4xx, errors in the envelope', async () => {
    const operations = Object.values(endpoints as Record<string, Endpoint>).sort(
      (a, b) => Number(endsSession(a)) - Number(endsSession(b)),
    );
    const problems: string[] = [];
    for (const endpoint of operations) {
      await freshTokens();
      const details = await fc.check(
        fc.asyncProperty(requestOf(endpoint), async (req) => {
          const { status, text } = await send(endpoint, req);
          assert.ok(status < 500, `${status} ${text.slice(0, 300)}`);
          if (status < 400) return;
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            assert.fail(`${status} outside the envelope: ${text.slice(0, 300)}`);
          }
          assert.ok(errorEnvelopeSchema.safeParse(body).success, `${status} ${text.slice(0, 300)}`);
        }),
        { seed, numRuns: runsPerOperation, endOnFailure: true },
      );
      if (details.failed)
        problems.push(
          `${endpoint.method} ${endpoint.path}: ${String(details.errorInstance ?? '').slice(0, 200)} ${fc.stringify(details.counterexample).slice(0, 300)}`,
        );
    }
    assert.deepEqual(problems, []);
  });

  it('refuses hostile access tokens on the WebSocket upgrade with a 401 in the envelope', async () => {
    await fc.assert(
      fc.asyncProperty(hostileString(2_000), async (token) => {
        const refused = await refusedUpgrade(wsUrl(s.url, `?access_token=${encodeAll(token)}`));
        assert.equal(refused.status, 401);
        assert.ok(
          errorEnvelopeSchema.safeParse(refused.body).success,
          JSON.stringify(refused.body),
        );
      }),
      { seed, numRuns: 20 },
    );
  });

  it('answers every hostile WebSocket message without an INTERNAL error or a closed socket', async () => {
    await freshTokens();
    let client: TestClient = (await connect(s.url, user.accessToken)).client;
    const clientTypes = Object.values(messages as Record<string, MessageSpec>).filter(
      (spec) => spec.direction === 'client',
    );
    const problems: string[] = [];
    let sync = 0;
    for (const spec of clientTypes) {
      const keys = keysOf(spec.schema).filter((k) => k !== 'type');
      const frame = fc.oneof(
        hostileObject(keys, 4_000).map((fields) => JSON.stringify({ ...fields, type: spec.type })),
        hostileValue(4_000).map((value) => JSON.stringify({ type: spec.type, id: value })),
        hostileString(4_000),
      );
      const details = await fc.check(
        fc.asyncProperty(frame, async (text) => {
          client.send(text);
          const id = `sync-${++sync}`;
          client.send({ type: 'ping', id });
          try {
            await client.next('pong', 5_000);
          } catch {
            const closed = await client.closedWithin(1_000).catch(() => undefined);
            client.close();
            client = (await connect(s.url, user.accessToken)).client;
            problems.push(
              `${spec.type}: socket ${closed ? `closed ${closed.code}` : 'silent'} after ${text.slice(0, 300)}`,
            );
            return false;
          }
          const internal = client.received.filter(
            (m) => m.type === 'error' && m.code === 'INTERNAL',
          );
          client.received.length = 0;
          return internal.length === 0;
        }),
        { seed, numRuns: runsPerMessageType, endOnFailure: true },
      );
      if (details.failed)
        problems.push(`${spec.type}: ${fc.stringify(details.counterexample).slice(0, 300)}`);
    }
    client.close();
    assert.deepEqual(problems, []);
  });
});
