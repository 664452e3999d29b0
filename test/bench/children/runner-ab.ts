/**
 * Bench child: the match runner and the plain-write floor in ONE process, on
 * the SAME loopback sockets and readers, in alternating windows, so that
 * neither the machine's drift between runs nor another process's sockets
 * tell them apart. Runner windows: the real Runner on the system scheduler
 * with the gateway's transport (prepared frames, backpressure, writes
 * straight to the socket under the WebSocket, as in production), two players
 * a match, each changing key every 100 ms (applied in-process: the WebSocket
 * read path is the end-to-end benchmark's). Plain windows: one loop writing a
 * frame of the runner's size to every socket per 60 Hz tick, nothing else.
 * IPC: {type:'measure', matches, windows, ms, perfDir?} once `2 × matches` readers
 * are connected → {type:'measure', windows:[{kind, durP50, durP99, lateP99, usPerFrame}]};
 * with perfDir, the second window of each kind is recorded by perf there.
 */
import net, { type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import pino from 'pino';
import { WebSocket } from 'ws';
import { TICK_RATE } from '../../../api/contract/game.ts';
import type { Peer } from '../../../api/game/live-match.ts';
import { Runner } from '../../../api/game/runner.ts';
import { systemScheduler } from '../../../api/game/ticker.ts';
import { gatewayTransport } from '../../../api/realtime/game-transport.ts';
import { longSettings, matchSpec, testRunnerConfig } from '../../support/game-runner.ts';
import { perfRecorded } from './perf-window.ts';
import { announceReady, onStop } from './protocol.ts';

const sockets: Socket[] = [];
const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  socket.on('data', () => undefined);
  sockets.push(socket);
});

interface Window {
  kind: 'runner' | 'plain';
  durP50: number;
  durP99: number;
  lateP99: number;
  /** Process CPU (all threads, user + kernel) per frame written. */
  usPerFrame: number;
  /** Garbage-collection pauses in the window, and their total. */
  gcPauses: number;
  gcMs: number;
}

const pct = (values: number[], p: number) =>
  [...values].sort((x, y) => x - y)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)] ?? 0;

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
class PlainConnection implements Peer {
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

const durations: number[] = [];
const lateness: number[] = [];
const runner = new Runner({
  config: testRunnerConfig,
  scheduler: systemScheduler,
  transport: gatewayTransport({ backpressureBytes: 1 << 20 }, {
    messages: () => undefined,
    dropped: () => undefined,
  } as never),
  logger: pino({ level: 'silent' }),
  hooks: {
    onState: () => undefined,
    onEnd: async () => ({ stored: true, ratingChanges: [null, null] }),
  },
  metrics: {
    tick(durationSec: number, latenessSec: number) {
      durations.push(durationSec * 1000);
      lateness.push(latenessSec * 1000);
    },
    gauges: () => undefined,
    finished: () => undefined,
  },
});

let round = 0;
/** N matches in play on the sockets, two players each; returns their seats. */
function startMatches(n: number): { peer: Peer; matchId: string; seq: number }[] {
  round += 1;
  const seats = [];
  for (let i = 0; i < n; i++) {
    const id = `00000000-0000-4000-8000-${String(round * 100_000 + i).padStart(12, '0')}`;
    const users = [`a${round}-${i}`, `b${round}-${i}`];
    runner.add(
      matchSpec(id, {
        settings: longSettings,
        players: [
          { userId: users[0]!, username: `a${i}` },
          { userId: users[1]!, username: `b${i}` },
        ],
      }),
    );
    for (const [side, userId] of users.entries()) {
      const peer = new PlainConnection(sockets[2 * i + side]!, `${round}-${2 * i + side}`, userId);
      runner.join(peer, id);
      runner.ready(peer, id);
      seats.push({ peer, matchId: id, seq: 0 });
    }
  }
  return seats;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts the collector's pauses from now until the returned function is called. */
function watchGc(): () => { gcPauses: number; gcMs: number } {
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
const during = (ms: number, perfFile: string | undefined) =>
  perfFile ? perfRecorded(perfFile, ms, () => sleep(ms)) : sleep(ms);

async function runnerWindow(matches: number, ms: number, perfFile?: string): Promise<Window> {
  const seats = startMatches(matches);
  await sleep(testRunnerConfig.countdownMs + 1_000); // countdown, then steady play
  // Each player changes key every 100 ms, spread over 10 ms turns like the load generator's.
  let next = 0;
  const inputs = setInterval(() => {
    for (let i = 0; i < seats.length / 10; i++) {
      const seat = seats[next++ % seats.length]!;
      seat.seq += 1;
      runner.input(seat.peer, {
        matchId: seat.matchId,
        seq: seat.seq,
        dir: ((seat.seq % 3) - 1) as -1 | 0 | 1,
      });
    }
  }, 10);
  durations.length = 0;
  lateness.length = 0;
  const cpu0 = process.cpuUsage();
  const gc = watchGc();
  await during(ms, perfFile);
  const cpu = process.cpuUsage(cpu0);
  const frames = durations.length * seats.length;
  clearInterval(inputs);
  for (const id of new Set(seats.map((s) => s.matchId))) runner.release(id);
  return {
    kind: 'runner',
    durP50: pct(durations, 50),
    durP99: pct(durations, 99),
    lateP99: pct(lateness, 99),
    usPerFrame: (cpu.user + cpu.system) / frames,
    ...gc(),
  };
}

/** The frame a player gets, in size: a game.state of this runner's matches. */
function stateSizedFrame(): string {
  const payload = `{"type":"game.state","state":{"pad":"${'x'.repeat(340)}"},"lastSeq":1}`;
  return String.fromCharCode(0x81, 126, payload.length >> 8, payload.length & 0xff) + payload;
}

async function plainWindow(count: number, ms: number, perfFile?: string): Promise<Window> {
  const targets = sockets.slice(0, count);
  const frame = stateSizedFrame();
  const period = 1000 / TICK_RATE;
  const durs: number[] = [];
  const lates: number[] = [];
  const cpu0 = process.cpuUsage();
  const gc = watchGc();
  const start = performance.now();
  const recorded = perfFile ? during(ms, perfFile) : undefined;
  // The runner's ticker's timeline: tick n due at start + n × period, the last millisecond spun.
  for (let n = 1; performance.now() - start < ms; n++) {
    const wait = start + n * period - performance.now();
    if (wait > 1) await sleep(Math.floor(wait - 1));
    while (performance.now() < start + n * period) await new Promise((r) => setImmediate(r));
    const t0 = performance.now();
    lates.push(t0 - (start + n * period));
    for (const socket of targets) socket.write(frame, 'latin1');
    durs.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  await recorded;
  return {
    kind: 'plain',
    durP50: pct(durs, 50),
    durP99: pct(durs, 99),
    lateP99: pct(lates, 99),
    usPerFrame: (cpu.user + cpu.system) / (durs.length * targets.length),
    ...gc(),
  };
}

async function measure(
  matches: number,
  windows: number,
  ms: number,
  perfDir?: string,
): Promise<Window[]> {
  while (sockets.length < 2 * matches) await sleep(20);
  const results: Window[] = [];
  for (let w = 0; w < windows; w++) {
    const perf = (kind: string) =>
      perfDir && w === 1 ? path.join(perfDir, `${kind}-${matches}-matches.perf.data`) : undefined;
    results.push(await plainWindow(2 * matches, ms, perf('plain-beside-runner')));
    results.push(await runnerWindow(matches, ms, perf('runner-beside-plain')));
    await sleep(300); // the released matches' last writes drain
  }
  return results;
}

interface MeasureMessage {
  type?: string;
  matches?: number;
  windows?: number;
  ms?: number;
  perfDir?: string;
}

process.on('message', (m: MeasureMessage) => {
  if (m?.type !== 'measure') return;
  void measure(m.matches ?? 500, m.windows ?? 3, m.ms ?? 4_000, m.perfDir).then((windows) =>
    process.send?.({ type: 'measure', windows }),
  );
});
onStop(async () => {
  await runner.close();
  for (const socket of sockets) socket.destroy();
  server.close();
});
server.listen(0, '127.0.0.1', () =>
  announceReady(`tcp://127.0.0.1:${(server.address() as AddressInfo).port}`),
);
