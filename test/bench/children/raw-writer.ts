/**
 * Bench child: the floor under the match runner. Plain TCP sockets (no
 * WebSocket, no game) written the way the runner writes: one loop, 60 times a
 * second, one frame of `frameBytes` to every socket. What a tick of these
 * writes costs is what this machine's kernel charges for the runner's sends.
 * IPC: {type:'measure', sockets, frameBytes, ms, groups?, perfFile?} → waits for that
 * many connections, then {type:'measure', durP50, durP99, lateP99, cpuShare}
 * (ms; per tick). With `groups`, the sockets take turns like spectator groups
 * (spectators.ts): tick n writes to group n mod groups only.
 */
import net, { type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { perfRecorded } from './perf-window.ts';
import { announceReady, onStop } from './protocol.ts';

const sockets: Socket[] = [];
const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  socket.on('data', () => undefined); // what readers send (inputs), read and dropped
  sockets.push(socket);
});

const pct = (values: number[], p: number) =>
  [...values].sort((x, y) => x - y)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)] ?? 0;

async function measure(count: number, frameBytes: number, ms: number, groups: number) {
  while (sockets.length < count) await new Promise((r) => setTimeout(r, 20));
  const turns = Array.from({ length: groups }, (_, g) =>
    sockets.filter((_, i) => i % groups === g),
  );
  const frame = Buffer.alloc(frameBytes, 0x61);
  const period = 1000 / 60;
  const durations: number[] = [];
  const lateness: number[] = [];
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  // The same drift-free timeline as the runner's ticker: tick n is due at start + n × period.
  for (let n = 1; performance.now() - start < ms; n++) {
    const wait = start + n * period - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, Math.max(0, wait - 1)));
    while (performance.now() < start + n * period) await new Promise((r) => setImmediate(r));
    const t0 = performance.now();
    lateness.push(t0 - (start + n * period));
    for (const socket of turns[n % groups]!) socket.write(frame);
    durations.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    type: 'measure',
    durP50: pct(durations, 50),
    durP99: pct(durations, 99),
    lateP99: pct(lateness, 99),
    cpuShare: (cpu.user + cpu.system) / 1000 / ms,
  };
}

process.on(
  'message',
  (m: {
    type?: string;
    sockets?: number;
    frameBytes?: number;
    ms?: number;
    groups?: number;
    perfFile?: string;
  }) => {
    if (m?.type !== 'measure') return;
    const ms = m.ms ?? 3000;
    const window = () => measure(m.sockets ?? 0, m.frameBytes ?? 400, ms, m.groups ?? 1);
    void (m.perfFile ? perfRecorded(m.perfFile, ms, window) : window()).then((r) =>
      process.send?.(r),
    );
  },
);
onStop(async () => {
  for (const socket of sockets) socket.destroy();
  server.close();
});
server.listen(0, '127.0.0.1', () =>
  announceReady(`tcp://127.0.0.1:${(server.address() as AddressInfo).port}`),
);
