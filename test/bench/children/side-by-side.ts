/**
 * What the side-by-side bench children share (runner-ab.ts, spectators-ab.ts):
 * a loopback server for the readers, plain sockets dressed as the gateway's connections, the real Runner
 * on the system scheduler with production's transports (the cluster's over
 * the gateway's: prepared frames, backpressure, writes straight to the socket
 * under the WebSocket), the ticker's timeline for the plain writers, and the
 * figures of a window.
 */
import net, { type AddressInfo, type Socket } from 'node:net';
import { PerformanceObserver } from 'node:perf_hooks';
import pino from 'pino';
import { WebSocket } from 'ws';
import { TICK_RATE } from '../../../api/contract/game.ts';
import type { Peer } from '../../../api/game/live-match.ts';
import { Runner } from '../../../api/game/runner.ts';
import { systemScheduler } from '../../../api/game/ticker.ts';
import type { Relay } from '../../../api/realtime/cluster/relay.ts';
import { clusterTransport } from '../../../api/realtime/cluster/transport.ts';
import { gatewayTransport } from '../../../api/realtime/game-transport.ts';
import { testRunnerConfig } from '../../support/game-runner.ts';
import { perfRecorded } from './perf-window.ts';
import { announceReady, onStop } from './protocol.ts';

export interface Window {
  kind: 'runner' | 'plain';
  durP50: number;
  durP99: number;
  lateP99: number;
  /** Process CPU (all threads, user + kernel) per frame written. */
  usPerFrame: number;
  /** Garbage-collection pauses in the window, and their total. */
  gcPauses: number;
  gcMs: number;
  /** Spectator windows: p99 of |interval − 33.3 ms| between a socket's frames, at the write. */
  jitterP99?: number;
}

export const pct = (values: number[], p: number) =>
  [...values].sort((x, y) => x - y)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)] ?? 0;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the transport reads of a WebSocket (ws's own getters are on its prototype too), over a plain socket. */
class PlainSocketAsWs {
  readonly readyState = WebSocket.OPEN;
  readonly _socket: Socket;
  constructor(socket: Socket) {
    this._socket = socket;
  }
  get bufferedAmount(): number {
    return this._socket.writableLength;
  }
}

/** The gateway's Connection as the transport uses it. */
export class PlainConnection implements Peer {
  readonly socket: PlainSocketAsWs;
  readonly id: string;
  readonly userId: string;
  constructor(socket: Socket, id: string, userId: string) {
    this.socket = new PlainSocketAsWs(socket);
    this.id = id;
    this.userId = userId;
  }
  closeWith(): void {
    this.socket._socket.destroy();
  }
}

/** What a side-by-side child runs on: the runner, its ticks' figures, the readers' sockets. */
export interface SideBySide {
  runner: Runner;
  /** Each tick's duration and lateness (ms), as the runner reports them. */
  ticks: { durations: number[]; lateness: number[] };
  /** The readers' sockets (game-load.ts `readers`), filling as they connect. */
  sockets: Socket[];
}

/** Starts the runner and the loopback server for the readers, and announces it; on stop, all of it closes. */
export function startSideBySide(): SideBySide {
  const ticks = { durations: [] as number[], lateness: [] as number[] };
  const runner = benchRunner(ticks);
  return { runner, ticks, sockets: serveReaders(runner) };
}

function serveReaders(runner: Runner): Socket[] {
  const sockets: Socket[] = [];
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    sockets.push(socket);
  });
  onStop(async () => {
    await runner.close();
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  server.listen(0, '127.0.0.1', () =>
    announceReady(`tcp://127.0.0.1:${(server.address() as AddressInfo).port}`),
  );
  return sockets;
}

/** No remote peers here: the cluster's transport takes its local path, as on an owner. */
const noRelay = {
  sendFrames: () => {
    throw new Error('no remote peers in a side-by-side bench');
  },
} as unknown as Relay;

/** The runner as production composes it, its ticks' durations and lateness (ms) recorded into `ticks`. */
function benchRunner(ticks: { durations: number[]; lateness: number[] }): Runner {
  const metrics = { messages: () => undefined, dropped: () => undefined } as never;
  return new Runner({
    config: testRunnerConfig,
    scheduler: systemScheduler,
    transport: clusterTransport(gatewayTransport({ backpressureBytes: 1 << 20 }, metrics), noRelay),
    logger: pino({ level: 'silent' }),
    hooks: {
      onState: () => undefined,
      onEnd: async () => ({ stored: true, ratingChanges: [null, null] }),
    },
    metrics: {
      tick(durationSec: number, latenessSec: number) {
        ticks.durations.push(durationSec * 1000);
        ticks.lateness.push(latenessSec * 1000);
      },
      gauges: () => undefined,
      finished: () => undefined,
    },
  });
}

/** Counts the collector's pauses from now until the returned function is called. */
export function watchGc(): () => { gcPauses: number; gcMs: number } {
  const pauses: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push(entry.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    observer.disconnect();
    return { gcPauses: pauses.length, gcMs: pauses.reduce((sum, ms) => sum + ms, 0) };
  };
}

/** Sleeps `ms`; records the process with perf meanwhile when `perfFile` is given. */
export const during = (ms: number, perfFile: string | undefined) =>
  perfFile ? perfRecorded(perfFile, ms, () => sleep(ms)) : sleep(ms);

/** A frame of `payloadBytes` of JSON text, framed as the server frames it. */
export function plainFrame(payloadBytes: number): string {
  const pad = payloadBytes - `{"type":"game.state","state":{"pad":""}}`.length;
  const payload = `{"type":"game.state","state":{"pad":"${'x'.repeat(pad)}"}}`;
  return String.fromCharCode(0x81, 126, payload.length >> 8, payload.length & 0xff) + payload;
}

/**
 * Plain writes for `ms` on the runner's ticker's timeline (tick n due at
 * start + n × period, the last millisecond spun): tick n writes `frame` to
 * `turns[n mod turns.length]`. Returns the window's figures; `frames` writes were made.
 */
export async function plainTicks(
  turns: Socket[][],
  frame: string,
  ms: number,
  perfFile?: string,
): Promise<Window & { frames: number }> {
  const period = 1000 / TICK_RATE;
  const durations: number[] = [];
  const lateness: number[] = [];
  let frames = 0;
  const cpu0 = process.cpuUsage();
  const gc = watchGc();
  const start = performance.now();
  const recorded = perfFile ? during(ms, perfFile) : undefined;
  for (let n = 1; performance.now() - start < ms; n++) {
    const wait = start + n * period - performance.now();
    if (wait > 1) await sleep(Math.floor(wait - 1));
    while (performance.now() < start + n * period) await new Promise((r) => setImmediate(r));
    const t0 = performance.now();
    lateness.push(t0 - (start + n * period));
    const turn = turns[n % turns.length]!;
    for (const socket of turn) socket.write(frame, 'latin1');
    frames += turn.length;
    durations.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  await recorded;
  return {
    kind: 'plain',
    durP50: pct(durations, 50),
    durP99: pct(durations, 99),
    lateP99: pct(lateness, 99),
    usPerFrame: (cpu.user + cpu.system) / frames,
    frames,
    ...gc(),
  };
}
