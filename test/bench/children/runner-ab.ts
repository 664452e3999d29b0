/**
 * Bench child: the match runner and the plain-write floor in ONE process, on
 * the SAME loopback sockets and readers, in alternating windows, so that
 * neither the machine's drift between runs nor another process's sockets
 * tell them apart. Runner windows: production's runner and transports
 * (side-by-side.ts), two players a match, each changing key every 100 ms
 * (applied in-process: the WebSocket read path is the end-to-end benchmark's).
 * Plain windows: one loop writing a frame of the runner's size to every
 * socket per 60 Hz tick, nothing else.
 * IPC: {type:'measure', matches, windows, ms, perfDir?} once `2 × matches` readers
 * are connected → {type:'measure', windows:[Window]}; with perfDir, the second
 * window of each kind is recorded by perf there.
 */
import path from 'node:path';
import { longSettings, matchSpec, testRunnerConfig } from '../../support/game-runner.ts';
import {
  during,
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

let round = 0;
/** N matches in play on the sockets, two players each; returns their seats. */
function startMatches(n: number): { peer: PlainConnection; matchId: string; seq: number }[] {
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
  ticks.durations.length = 0;
  ticks.lateness.length = 0;
  const cpu0 = process.cpuUsage();
  const gc = watchGc();
  await during(ms, perfFile);
  const cpu = process.cpuUsage(cpu0);
  const frames = ticks.durations.length * seats.length;
  clearInterval(inputs);
  for (const id of new Set(seats.map((s) => s.matchId))) runner.release(id);
  return {
    kind: 'runner',
    durP50: pct(ticks.durations, 50),
    durP99: pct(ticks.durations, 99),
    lateP99: pct(ticks.lateness, 99),
    usPerFrame: (cpu.user + cpu.system) / frames,
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
  // A player's game.state of these matches is about this long.
  const frame = plainFrame(400);
  const results: Window[] = [];
  for (let w = 0; w < windows; w++) {
    const perf = (kind: string) =>
      perfDir && w === 1 ? path.join(perfDir, `${kind}-${matches}-matches.perf.data`) : undefined;
    const { frames: _frames, ...plain } = await plainTicks(
      [sockets.slice(0, 2 * matches)],
      frame,
      ms,
      perf('plain-beside-runner'),
    );
    results.push(plain);
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
