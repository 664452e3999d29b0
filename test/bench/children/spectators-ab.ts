/**
 * Bench child: one match streamed to a crowd of spectators, and plain writes
 * to the same sockets in the same two turns, in ONE process, alternating
 * windows (as runner-ab.ts does for players). Jitter is taken at the write:
 * every spectator socket notes when each state frame was handed to it, and the
 * figure is the p99 of |interval − 33.3 ms|, what the runner's loop adds to a
 * client's jitter before the network and the client's own scheduling do.
 * IPC: {type:'measure', spectators, windows, ms} once `spectators + 2` readers
 * are connected → {type:'measure', windows:[Window]}.
 */
import type { Socket } from 'node:net';
import { longSettings, matchSpec, testRunnerConfig } from '../../support/game-runner.ts';
import {
  pct,
  plainFrame,
  plainTicks,
  PlainConnection,
  sleep,
  startSideBySide,
  watchGc,
  type Window,
} from './side-by-side.ts';

const { runner, ticks, sockets } = startSideBySide();
const FRAME_MS = 1000 / testRunnerConfig.spectatorRateHz;

/** What a game.state message begins with. */
const STATE = '{"type":"game.state"';

/** When each spectator socket was handed each state frame, while `recording`. */
const written = new Map<Socket, number[]>();
let recording = false;

function noteWrites(socket: Socket): void {
  const times: number[] = [];
  written.set(socket, times);
  const write = socket.write.bind(socket) as (chunk: string, encoding: BufferEncoding) => boolean;
  socket.write = ((chunk: string, encoding: BufferEncoding) => {
    // States only, as a client times them (a write may carry events before its state).
    if (recording && chunk.includes(STATE)) times.push(performance.now());
    return write(chunk, encoding);
  }) as Socket['write'];
}

function jitterP99(): number {
  const jitter: number[] = [];
  for (const times of written.values())
    for (let i = 1; i < times.length; i++)
      jitter.push(Math.abs(times[i]! - times[i - 1]! - FRAME_MS));
  return pct(jitter, 99);
}

function record(on: boolean): void {
  for (const times of written.values()) times.length = 0;
  recording = on;
}

let round = 0;
async function runnerWindow(crowd: Socket[], ms: number): Promise<Window> {
  round += 1;
  const id = `00000000-0000-4000-8000-${String(round).padStart(12, '0')}`;
  runner.add(matchSpec(id, { settings: longSettings }));
  for (const [side, userId] of ['ua', 'ub'].entries()) {
    const player = new PlainConnection(sockets[side]!, `${round}-p${side}`, userId);
    runner.join(player, id);
    runner.ready(player, id);
  }
  crowd.forEach((socket, i) =>
    runner.spectate(new PlainConnection(socket, `${round}-s${i}`, `s${i}`), id),
  );
  await sleep(testRunnerConfig.countdownMs + 1_000); // countdown, then steady play
  ticks.durations.length = 0;
  ticks.lateness.length = 0;
  record(true);
  const cpu0 = process.cpuUsage();
  const gc = watchGc();
  await sleep(ms);
  const cpu = process.cpuUsage(cpu0);
  recording = false;
  runner.release(id);
  const frames = [...written.values()].reduce((n, times) => n + times.length, 0);
  return {
    kind: 'runner',
    durP50: pct(ticks.durations, 50),
    durP99: pct(ticks.durations, 99),
    lateP99: pct(ticks.lateness, 99),
    usPerFrame: (cpu.user + cpu.system) / frames,
    jitterP99: jitterP99(),
    ...gc(),
  };
}

async function measure(count: number, windows: number, ms: number): Promise<Window[]> {
  while (sockets.length < count + 2) await sleep(20);
  const crowd = sockets.slice(2, count + 2);
  crowd.forEach(noteWrites);
  // The runner's two groups: every other spectator, taking turns tick by tick.
  const turns = [crowd.filter((_, i) => i % 2 === 0), crowd.filter((_, i) => i % 2 === 1)];
  const frame = plainFrame(380);
  const results: Window[] = [];
  for (let w = 0; w < windows; w++) {
    record(true);
    const { frames: _frames, ...plain } = await plainTicks(turns, frame, ms);
    recording = false;
    results.push({ ...plain, jitterP99: jitterP99() });
    results.push(await runnerWindow(crowd, ms));
    await sleep(300);
  }
  return results;
}

process.on(
  'message',
  (m: { type?: string; spectators?: number; windows?: number; ms?: number }) => {
    if (m?.type !== 'measure') return;
    void measure(m.spectators ?? 2_000, m.windows ?? 3, m.ms ?? 4_000).then((windows) =>
      process.send?.({ type: 'measure', windows }),
    );
  },
);
