/**
 * The heartbeat's rounds: every socket pinged once per interval, the round
 * spread over the interval (no turn pings more than its share), a socket that
 * did not answer terminated at its next visit.
 */
import assert from 'node:assert/strict';
import { mock } from 'node:test';
import type { Connection } from '../../api/realtime/connection.ts';
import { startHeartbeat } from '../../api/realtime/heartbeat.ts';

interface FakeConn {
  alive: boolean;
  pings: number;
  terminated: boolean;
}

function fakeConnections(count: number): FakeConn[] {
  return Array.from({ length: count }, () => ({ alive: true, pings: 0, terminated: false }));
}

function asConnections(conns: FakeConn[]): Connection[] {
  return conns.map(
    (c) =>
      ({
        get alive() {
          return c.alive;
        },
        set alive(value: boolean) {
          c.alive = value;
        },
        socket: { ping: () => void (c.pings += 1) },
        terminate: () => void (c.terminated = true),
      }) as unknown as Connection,
  );
}

describe('websocket heartbeat', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval'] }));
  afterEach(() => mock.timers.reset());

  it('pings every socket once per interval, a twentieth of them per turn', () => {
    const conns = fakeConnections(2_000);
    const stop = startHeartbeat(() => asConnections(conns), 1_000);
    const pinged = () => conns.reduce((n, c) => n + c.pings, 0);
    mock.timers.tick(50);
    assert.equal(pinged(), 100);
    for (let turn = 2; turn <= 20; turn++) {
      const before = pinged();
      mock.timers.tick(50);
      assert.ok(pinged() - before <= 100, `turn ${turn} pinged ${pinged() - before}`);
    }
    assert.ok(conns.every((c) => c.pings === 1));
    stop();
  });

  it('terminates a socket that did not answer at its next visit, and pings one that did again', () => {
    const conns = fakeConnections(3);
    const stop = startHeartbeat(() => asConnections(conns), 1_000);
    mock.timers.tick(1_000);
    assert.deepEqual(
      conns.map((c) => c.pings),
      [1, 1, 1],
    );
    conns[0]!.alive = true; // its pong
    mock.timers.tick(1_000);
    assert.deepEqual(
      conns.map((c) => [c.pings, c.terminated]),
      [
        [2, false],
        [1, true],
        [1, true],
      ],
    );
    stop();
  });

  it('visits a lone socket once per interval, not once per turn', () => {
    const conns = fakeConnections(1);
    const stop = startHeartbeat(() => asConnections(conns), 1_000);
    mock.timers.tick(999);
    assert.equal(conns[0]!.pings, 1);
    conns[0]!.alive = true;
    mock.timers.tick(1_000);
    assert.equal(conns[0]!.pings, 2);
    stop();
  });
});
