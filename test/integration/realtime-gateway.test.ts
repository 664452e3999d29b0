/**
 * The WebSocket gateway over real sockets, with registered users and their
 * access tokens: authentication during the upgrade, the hello, dispatch and
 * error replies, revocation, delivery, shutdown, metrics and the AsyncAPI document.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import { AppError } from '../../api/contract/errors.ts';
import { socketUser, startRealtimeServer, type SocketUser } from '../support/realtime-server.ts';
import { connect, refusedUpgrade, wsUrl, TestClient } from '../support/ws-client.ts';
import { WebSocket } from 'ws';
import { suiteServer } from '../support/suite-server.ts';

describe('realtime gateway', () => {
  const server = suiteServer(() => startRealtimeServer(), 60_000);
  const clients: TestClient[] = [];
  const open = async (user: SocketUser, token = user.accessToken) => {
    const opened = await connect(server.url, token);
    clients.push(opened.client);
    return opened;
  };
  const user = () => socketUser(server);

  afterEach(() => clients.splice(0).forEach((c) => c.close()));

  describe('upgrade', () => {
    it('refuses an upgrade without a token with HTTP 401 and the error envelope', async () => {
      const refused = await refusedUpgrade(wsUrl(server.url));
      assert.equal(refused.status, 401);
      assert.equal(refused.headers['www-authenticate'], 'Bearer');
      assert.deepEqual(refused.body, {
        error: { code: 'UNAUTHENTICATED', message: 'An access token is required' },
      });
    });

    it('refuses a bad bearer token and a bad access_token with 401', async () => {
      const header = await refusedUpgrade(wsUrl(server.url), { authorization: 'Bearer nope' });
      assert.equal(header.status, 401);
      assert.equal((header.body as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
      const query = await refusedUpgrade(wsUrl(server.url, '?access_token=nope'));
      assert.equal(query.status, 401);
      const valid = (await user()).accessToken;
      const malformed = await refusedUpgrade(wsUrl(server.url, `?access_token=${valid}`), {
        authorization: 'Basic abc',
      });
      assert.equal(
        malformed.status,
        401,
        'a non-bearer Authorization header is not silently ignored',
      );
    });

    it('answers 404 for an upgrade on another path', async () => {
      const refused = await refusedUpgrade(`${server.url.replace('http', 'ws')}/api/v1/other`, {
        authorization: `Bearer ${(await user()).accessToken}`,
      });
      assert.equal(refused.status, 404);
    });

    it('accepts the access_token query parameter and says hello with the identity and limits', async () => {
      const alice = await user();
      const ws = new WebSocket(
        wsUrl(server.url, `?access_token=${encodeURIComponent(alice.accessToken)}`),
      );
      const client = new TestClient(ws);
      clients.push(client);
      const hello = await client.next('hello');
      assert.equal(hello.userId, alice.id);
      assert.match(String(hello.sessionId), /\S/);
      assert.match(String(hello.connectionId), /^[0-9a-f-]{36}$/);
      assert.deepEqual(hello.limits, {
        maxMessageBytes: 16384,
        messagesPerSecond: 20,
        burst: 40,
        pingIntervalMs: 30000,
      });
    });
  });

  describe('messages', () => {
    it('answers ping with pong carrying the id', async () => {
      const { client } = await open(await user());
      client.send({ type: 'ping', id: 'p-1' });
      const pong = await client.next('pong');
      assert.equal(pong.id, 'p-1');
      assert.ok(!Number.isNaN(Date.parse(String(pong.serverTime))));
    });

    it('answers invalid messages with error (code and offending id) and keeps the connection open', async () => {
      const { client } = await open(await user());
      client.send('{not json');
      assert.deepEqual(await client.next('error'), {
        type: 'error',
        code: 'VALIDATION',
        message: 'The message is not valid JSON',
      });
      client.send('[1,2]');
      assert.equal(
        (await client.next('error')).message,
        'A message is a JSON object with a "type"',
      );
      client.send({ type: 'no.such.type', id: 'u-1' });
      const unknown = await client.next('error');
      assert.equal(unknown.code, 'VALIDATION');
      assert.equal(unknown.id, 'u-1');
      assert.equal(unknown.message, 'Unknown message type');
      client.send({ type: 'hello', id: 'server-only' });
      assert.equal(
        (await client.next('error')).id,
        'server-only',
        'server messages cannot be sent by clients',
      );
      client.send({ type: 'ping', id: 's-1', extra: true });
      const schema = await client.next('error');
      assert.equal(schema.id, 's-1');
      assert.equal(schema.message, 'Invalid ping message');
      assert.deepEqual(
        (schema.details as Array<{ code: string }>).map((d) => d.code),
        ['unrecognized_keys'],
      );
      client.send({ type: 'ping', id: 'x'.repeat(65) });
      const badId = await client.next('error');
      assert.equal(badId.id, undefined, 'an invalid id is not echoed');
      client.send({ type: 'ping', id: 'still-open' });
      assert.equal((await client.next('pong')).id, 'still-open');
      assert.equal(client.ws.readyState, WebSocket.OPEN);
    });

    it('refuses binary frames by closing with 4400', async () => {
      const { client } = await open(await user());
      client.ws.send(Buffer.from([1, 2, 3]));
      const closed = await client.closedWithin();
      assert.equal(closed.code, 4400);
      assert.match(closed.reason, /Binary frames/);
    });
  });

  describe('revocation and delivery', () => {
    it('closes the sockets of a revoked session with 4401 and leaves the user’s other sessions open', async () => {
      const erin = await user();
      const a = await open(erin);
      const b = await open(erin, await erin.newSession());
      await server.realtime.gateway.revoke(String(a.hello.sessionId));
      const closed = await a.client.closedWithin();
      assert.equal(closed.code, 4401);
      b.client.send({ type: 'ping', id: 'alive' });
      assert.equal((await b.client.next('pong')).id, 'alive');
    });

    it('disconnects every socket of a banned user with the error’s close code (4403)', async () => {
      const frank = await user();
      const a = await open(frank);
      const b = await open(frank, await frank.newSession());
      await server.realtime.gateway.disconnectUser(
        frank.id,
        new AppError('FORBIDDEN', 'The account is banned'),
      );
      assert.equal((await a.client.closedWithin()).code, 4403);
      assert.equal((await b.client.closedWithin()).code, 4403);
    });

    it('delivers sendToUsers to every socket of each user, and a channel broadcast to members minus exclusions', async () => {
      const [gina, hank, ivan] = await Promise.all([user(), user(), user()]);
      const g1 = await open(gina);
      const g2 = await open(gina, await gina.newSession());
      const h = await open(hank);
      const i = await open(ivan);
      await server.realtime.gateway.sendToUsers([gina.id, gina.id, 'nobody'], {
        type: 'pong',
        serverTime: 'to-gina',
      });
      assert.equal((await g1.client.next('pong')).serverTime, 'to-gina');
      assert.equal((await g2.client.next('pong')).serverTime, 'to-gina');
      const { gateway } = server.realtime;
      for (const { id } of [gina, hank, ivan])
        for (const conn of gateway.socketsOf(id)) gateway.join(conn, 'room');
      await gateway.broadcast(
        'room',
        { type: 'pong', serverTime: 'to-room' },
        { excludeUserIds: [hank.id] },
      );
      assert.equal((await i.client.next('pong')).serverTime, 'to-room');
      assert.equal((await g1.client.next('pong')).serverTime, 'to-room');
      assert.equal((await g2.client.next('pong')).serverTime, 'to-room');
      await assert.rejects(h.client.next('pong', 150), /no pong/, 'an excluded user gets nothing');
      assert.equal(i.client.received.length, 0, 'ivan got nothing meant for gina only');
    });

    it('refuses to send a message the contract does not define or that breaks its schema', async () => {
      const { gateway } = server.realtime;
      await assert.rejects(
        gateway.sendToUsers(['x'], { type: 'ping' } as never),
        /not a server message/,
      );
      await assert.rejects(gateway.sendToUsers(['x'], { type: 'pong' } as never), /serverTime/);
    });
  });

  describe('observability and documentation', () => {
    it('counts connections, messages by type and closes by code, without user ids', async () => {
      const someone = await user();
      const { client } = await open(someone);
      client.send({ type: 'ping' });
      await client.next('pong');
      client.send({ type: 'made-up-type' });
      await client.next('error');
      const text = await server.metricsText();
      assert.match(text, /^ws_connections [1-9]\d*$/m);
      assert.match(text, /^ws_messages_total\{direction="in",type="ping"\} [1-9]/m);
      assert.match(text, /^ws_messages_total\{direction="in",type="other"\} [1-9]/m);
      assert.match(text, /^ws_messages_total\{direction="out",type="hello"\} [1-9]/m);
      assert.match(text, /^ws_closes_total\{code="4401"\} [1-9]/m);
      assert.match(text, /^ws_closes_total\{code="4403"\} [1-9]/m);
      for (const personal of [someone.id, someone.username, 'made-up-type'])
        assert.ok(!text.includes(personal), `${personal} is not in /metrics`);
    });

    it('serves an AsyncAPI 3.0 document that validates against the official schema', async () => {
      const res = await fetch(`${server.url}/api/v1/asyncapi.json`);
      assert.equal(res.status, 200);
      const doc = (await res.json()) as Record<string, any>;
      const require = createRequire(import.meta.url);
      const schemaFile = path.join(
        path.dirname(require.resolve('@asyncapi/specs/package.json')),
        'schemas',
        '3.0.0-without-$id.json',
      );
      const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
      const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
      assert.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
      assert.equal(doc.channels.gateway.address, '/api/v1/ws');
      assert.equal(doc.operations['receive.ping'].action, 'receive');
      assert.equal(doc.operations['send.error'].action, 'send');
      assert.deepEqual(doc.components.messages.error.payload.required, ['type', 'code', 'message']);
      const codes = (doc['x-close-codes'] as Array<{ code: number }>).map((c) => c.code);
      for (const code of [4401, 4403, 4429, 1009, 4400, 1013, 1011, 1001])
        assert.ok(codes.includes(code), `close code ${code} documented`);
      assert.match(doc.info.description, /\| 4429 \| RATE_LIMITED \|/);
    });
  });

  describe('shutdown (runs last: it stops the shared server)', () => {
    it('closes every socket with 1001 on shutdown, then refuses connections', async () => {
      const zed = await socketUser(server);
      const { client } = await connect(server.url, zed.accessToken);
      await server.stop();
      assert.equal((await client.closedWithin()).code, 1001);
      const refused = await new Promise<string>((resolve) => {
        const ws = new WebSocket(wsUrl(server.url), {
          headers: { authorization: `Bearer ${zed.accessToken}` },
        });
        ws.once('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? err.message));
      });
      assert.equal(refused, 'ECONNREFUSED');
    });
  });
});
