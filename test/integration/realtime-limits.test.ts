/**
 * The gateway's limits over real sockets: message size (1009), the token
 * bucket (4429), sockets per user (oldest closed with 4409), the heartbeat
 * (silent peers terminated) and backpressure (droppable frames skipped and
 * counted, a socket that stops reading closed with 1013).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { z } from 'zod';
import { gatewayMessages, defineMessages, messageSchema } from '../../api/contract/realtime.ts';
import { loadConfig } from '../../api/core/config.ts';
import { createLogger } from '../../api/core/logger.ts';
import { createMetrics } from '../../api/core/metrics.ts';
import { createMemoryBus } from '../../api/realtime/bus.ts';
import { createGateway, type Gateway } from '../../api/realtime/gateway.ts';
import { LogCapture } from '../support/server.ts';
import {
  socketUser,
  startRealtimeServer,
  testAuthenticator,
  testToken,
} from '../support/realtime-server.ts';
import { connect, type TestClient } from '../support/ws-client.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('realtime limits', () => {
  const server = suiteServer(
    () =>
      startRealtimeServer({
        WS_MAX_SOCKETS_PER_USER: '2',
        WS_PING_INTERVAL_MS: '100',
        WS_RATE_PER_SECOND: '20',
        WS_BURST: '40',
      }),
    60_000,
  );
  const clients: TestClient[] = [];
  const open = async (token?: string, options = {}) => {
    const opened = await connect(
      server.url,
      token ?? (await socketUser(server)).accessToken,
      options,
    );
    clients.push(opened.client);
    return opened;
  };

  afterEach(() => clients.splice(0).forEach((c) => c.close()));

  it('closes with 1009 when a message exceeds WS_MAX_MESSAGE_BYTES, and accepts one at the limit', async () => {
    const { client } = await open();
    const envelope = JSON.stringify({ type: 'ping', id: 'fits', pad: '' }).length;
    const atLimit = JSON.stringify({ type: 'ping', id: 'fits', pad: 'x'.repeat(16384 - envelope) });
    assert.equal(Buffer.byteLength(atLimit), 16384);
    client.send(atLimit);
    assert.equal(
      (await client.next('error')).id,
      'fits',
      'a message at the limit is read (and refused by its schema)',
    );
    client.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(16384) }));
    assert.equal((await client.closedWithin()).code, 1009);
  });

  it('lets a burst of 40 through and closes a flood with 4429', async () => {
    const { client } = await open();
    for (let i = 0; i < 40; i++) client.send({ type: 'ping', id: `b${i}` });
    for (let i = 0; i < 40; i++) assert.equal((await client.next('pong')).id, `b${i}`);
    for (let i = 0; i < 60; i++) client.send({ type: 'ping' });
    const closed = await client.closedWithin();
    assert.equal(closed.code, 4429);
    assert.equal(closed.reason, 'Too many messages');
    assert.match(await server.metricsText(), /^ws_closes_total\{code="4429"\} 1$/m);
  });

  it('refills the bucket at WS_RATE_PER_SECOND after a burst', async () => {
    const { client } = await open();
    for (let i = 0; i < 40; i++) client.send({ type: 'ping' });
    for (let i = 0; i < 40; i++) await client.next('pong');
    await new Promise((r) => setTimeout(r, 520)); // ≈ 10.4 tokens back at 20/s
    for (let i = 0; i < 10; i++) client.send({ type: 'ping', id: `r${i}` });
    for (let i = 0; i < 10; i++) assert.equal((await client.next('pong')).id, `r${i}`);
    assert.equal(client.ws.readyState, client.ws.OPEN, 'the refilled tokens were enough');
    for (let i = 0; i < 3; i++) client.send({ type: 'ping' });
    assert.equal((await client.closedWithin()).code, 4429, 'and no more than those');
  });

  it('closes the oldest socket with 4409 when a user opens more than WS_MAX_SOCKETS_PER_USER', async () => {
    const many = await socketUser(server);
    const first = await open(many.accessToken);
    const second = await open(await many.newSession());
    const third = await open(await many.newSession());
    const closed = await first.client.closedWithin();
    assert.equal(closed.code, 4409);
    for (const { client } of [second, third]) {
      client.send({ type: 'ping', id: 'ok' });
      assert.equal((await client.next('pong')).id, 'ok');
    }
    assert.equal(server.realtime.gateway.socketsOf(many.id).length, 2);
  });

  it('terminates a peer that stops answering pings, and keeps one that answers', async () => {
    const silent = await open(undefined, { autoPong: false });
    const healthy = await open();
    const started = Date.now();
    const closed = await silent.client.closedWithin(3_000);
    assert.equal(closed.code, 1006, 'terminated without a close handshake');
    assert.ok(
      Date.now() - started < 1_500,
      'gone within a few ping intervals of 100 ms (not the 30 s default)',
    );
    await new Promise((r) => setTimeout(r, 300));
    healthy.client.send({ type: 'ping', id: 'h' });
    assert.equal((await healthy.client.next('pong')).id, 'h');
    assert.match(await server.metricsText(), /^ws_closes_total\{code="1006"\} [1-9]/m);
  });
});

/** A gateway with two test-only server messages, one droppable, on its own HTTP server. */
async function backpressureGateway(): Promise<{
  url: string;
  gateway: Gateway;
  metrics: ReturnType<typeof createMetrics>;
  close(): Promise<void>;
}> {
  const config = loadConfig({ WS_BACKPRESSURE_BYTES: '16384' });
  const logger = createLogger({
    level: 'warn',
    service: { name: 'test', version: '0', environment: 'test' },
    destination: new LogCapture(),
  });
  const metrics = createMetrics({ version: '0' });
  const bus = createMemoryBus(logger);
  const messages = {
    ...gatewayMessages,
    ...defineMessages({
      'test.frame': {
        type: 'test.frame',
        direction: 'server',
        summary: 'droppable',
        droppable: true,
        schema: messageSchema('test.frame', { n: z.number(), pad: z.string() }),
      },
      'test.important': {
        type: 'test.important',
        direction: 'server',
        summary: 'must arrive',
        schema: messageSchema('test.important', { n: z.number(), pad: z.string() }),
      },
    }),
  };
  const gateway = await createGateway({
    config: config.ws,
    logger,
    metrics: metrics.ws,
    bus,
    authenticateToken: testAuthenticator,
    messages,
  });
  const server = http.createServer();
  server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket as Duplex, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    gateway,
    metrics,
    async close() {
      await gateway.close(1_000);
      await bus.close();
      server.close();
    },
  };
}

describe('realtime backpressure', () => {
  it('skips droppable frames for a socket that does not read, counts them, and still sends the rest', async () => {
    const bp = await backpressureGateway();
    try {
      const { client } = await connect(bp.url, testToken('slow'));
      const raw = (client.ws as unknown as { _socket: Duplex })._socket;
      raw.pause(); // stop reading: the server's send buffer fills up
      const [conn] = bp.gateway.socketsOf('slow');
      const pad = 'x'.repeat(4000);
      let dropped = 0;
      for (let n = 0; n < 10_000 && dropped < 50; n++)
        if (!bp.gateway.send(conn!, { type: 'test.frame', n, pad } as never)) dropped++;
      assert.equal(
        dropped,
        50,
        'droppable frames are refused once the buffer is over the threshold',
      );
      assert.ok(
        bp.gateway.send(conn!, { type: 'test.important', n: 1, pad: '' } as never),
        'a non-droppable frame is still queued',
      );
      const text = await bp.metrics.registry.metrics();
      assert.match(
        text,
        /^ws_dropped_frames_total\{type="other"\} 50$/m,
        'test types are not in the contract allow-list',
      );
      raw.resume();
      const important = await client.next('test.important', 5_000);
      assert.equal(important.n, 1);
      const frames = client.received.filter((m) => m.type === 'test.frame');
      assert.ok(frames.length > 0, 'frames sent before the threshold arrive');
      assert.deepEqual(
        frames.map((m) => m.n),
        frames.map((_, i) => i),
        'in order, none lost before the first drop',
      );
      client.close();
    } finally {
      await bp.close();
    }
  });

  it('closes a socket that stops reading with 1013 once non-droppable frames pile up', async () => {
    const bp = await backpressureGateway();
    try {
      const { client } = await connect(bp.url, testToken('stalled'));
      (client.ws as unknown as { _socket: Duplex })._socket.pause();
      const [conn] = bp.gateway.socketsOf('stalled');
      const pad = 'y'.repeat(8000);
      for (let n = 0; n < 2_000 && conn!.closeCode === undefined; n++)
        bp.gateway.send(conn!, { type: 'test.important', n, pad } as never);
      assert.equal(conn!.closeCode, 1013);
      assert.ok(
        conn!.socket.bufferedAmount > 16384 * 16,
        'the limit is 16 × WS_BACKPRESSURE_BYTES',
      );
      client.close();
    } finally {
      await bp.close();
    }
  });
});
