/**
 * Bench load generator in its own process: scripted players (join, ready, a
 * key change every `inputEveryMs` like a human on a keyboard) and spectators
 * that timestamp every game.state frame, all on minimal WebSocket clients
 * (light-client.ts) that never parse JSON.
 * IPC: {type:'players', url, matches:[{id,a,b}], inputEveryMs} → {type:'players', open}
 *      {type:'spectators', url, matchId, count} → {type:'spectators', open}
 *      {type:'readers', url: 'tcp://host:port', count, frameBytes, inputEveryMs?} → {type:'readers', open}
 *      (plain TCP, for raw-writer.ts; each run of frameBytes bytes counts as a frame's arrival; with
 *      inputEveryMs each socket also sends 96 bytes that often, like a player's key changes)
 *      {type:'reset'}; {type:'stats', expectedMs} → {type:'stats', frames, histogram}; {type:'close'}.
 */
import { randomUUID } from 'node:crypto';
import net, { type Socket } from 'node:net';
import { clientFrame, lightClient } from './light-client.ts';
import { announceReady, JITTER_BUCKET_MS, onStop } from './protocol.ts';

const sockets: Socket[] = [];
const arrivals = new Map<unknown, number[]>();
const statePrefix = Buffer.from('{"type":"game.state"');
let inputTimer: NodeJS.Timeout | undefined;

async function inBatches<T>(
  items: T[],
  size: number,
  fn: (item: T) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/** Calls `send` for each item once every `everyMs`, spread over that interval, not all in one burst. */
function roundRobin<T>(items: T[], everyMs: number, send: (item: T) => void): NodeJS.Timeout {
  let next = 0;
  const perTick = Math.max(1, Math.ceil(items.length / (everyMs / 10)));
  return setInterval(() => {
    for (let i = 0; i < perTick; i++) send(items[next++ % items.length]!);
  }, 10);
}

async function players(
  url: string,
  matches: { id: string; a: string; b: string }[],
  inputEveryMs: number,
): Promise<number> {
  const seats: { socket: Socket; matchId: string; seq: number }[] = [];
  const seatsOf = matches.flatMap((m) => [
    { token: m.a, matchId: m.id },
    { token: m.b, matchId: m.id },
  ]);
  await inBatches(seatsOf, 50, async ({ token, matchId }) => {
    const socket = await lightClient(url, token, [
      { type: 'game.join', matchId },
      { type: 'game.ready', matchId },
    ]);
    sockets.push(socket);
    seats.push({ socket, matchId, seq: 0 });
  });
  inputTimer = roundRobin(seats, inputEveryMs, (seat) => {
    seat.seq += 1;
    const dir = ((seat.seq % 3) - 1) as -1 | 0 | 1;
    if (!seat.socket.destroyed)
      seat.socket.write(
        clientFrame(
          0x1,
          Buffer.from(
            `{"type":"game.input","matchId":"${seat.matchId}","seq":${seat.seq},"dir":${dir}}`,
          ),
        ),
      );
  });
  return seats.length;
}

async function spectators(url: string, matchId: string, count: number): Promise<number> {
  await inBatches(
    Array.from({ length: count }, () => randomUUID()),
    100,
    async (token) => {
      const times: number[] = [];
      const onText = (payload: Buffer) => {
        if (
          payload.length > statePrefix.length &&
          payload.compare(statePrefix, 0, statePrefix.length, 0, statePrefix.length) === 0
        )
          times.push(performance.now());
      };
      const socket = await lightClient(url, token, [{ type: 'spectate.start', matchId }], onText);
      sockets.push(socket);
      arrivals.set(socket, times);
    },
  );
  return count;
}

/**
 * Plain TCP readers for raw-writer.ts: they read and discard, like a client
 * that never parses, and note when each whole frame of `frameBytes` arrived.
 */
async function readers(
  url: string,
  count: number,
  frameBytes: number,
  inputEveryMs: number | undefined,
): Promise<number> {
  const { hostname, port } = new URL(url);
  const opened: Socket[] = [];
  await inBatches(
    Array.from({ length: count }, (_, i) => i),
    100,
    () =>
      new Promise<void>((resolve, reject) => {
        const socket = net.connect(Number(port), hostname, resolve);
        socket.on('error', reject); // after the open, a no-op that keeps errors from crashing the process
        const times: number[] = [];
        let bytes = 0;
        socket.on('data', (chunk: Buffer) => {
          const before = Math.floor(bytes / frameBytes);
          bytes += chunk.length;
          // Frames that arrive together count as arrivals at the same moment, as a WebSocket client sees them.
          const now = performance.now();
          for (let f = before; f < Math.floor(bytes / frameBytes); f++) times.push(now);
        });
        sockets.push(socket);
        opened.push(socket);
        arrivals.set(socket, times);
      }),
  );
  // Like players' key changes: the same number of small messages the other way.
  const input = Buffer.alloc(96, 0x62);
  if (inputEveryMs)
    inputTimer = roundRobin(opened, inputEveryMs, (socket) => {
      if (!socket.destroyed) socket.write(input);
    });
  return count;
}

function close(): void {
  clearInterval(inputTimer);
  for (const socket of sockets.splice(0)) socket.destroy();
  arrivals.clear();
}

const JITTER_BUCKETS = 4_000;

/** Frames seen and a histogram of |interval − expected| (so several load processes can be merged). */
function stats(expectedMs: number) {
  const histogram = new Array<number>(JITTER_BUCKETS).fill(0);
  let frames = 0;
  for (const times of arrivals.values()) {
    frames += times.length;
    for (let i = 1; i < times.length; i++) {
      const jitter = Math.abs(times[i]! - times[i - 1]! - expectedMs);
      histogram[Math.min(JITTER_BUCKETS - 1, Math.floor(jitter / JITTER_BUCKET_MS))]! += 1;
    }
  }
  return { type: 'stats', frames, histogram };
}

process.on(
  'message',
  (m: {
    type: string;
    url: string;
    matches: { id: string; a: string; b: string }[];
    inputEveryMs: number;
    matchId: string;
    count: number;
    expectedMs: number;
    frameBytes: number;
  }) => {
    if (m.type === 'players')
      void players(m.url, m.matches, m.inputEveryMs).then((n) =>
        process.send?.({ type: 'players', open: n }),
      );
    if (m.type === 'readers')
      void readers(m.url, m.count, m.frameBytes, m.inputEveryMs).then((n) =>
        process.send?.({ type: 'readers', open: n }),
      );
    if (m.type === 'spectators')
      void spectators(m.url, m.matchId, m.count).then((n) =>
        process.send?.({ type: 'spectators', open: n }),
      );
    if (m.type === 'reset') {
      for (const times of arrivals.values()) times.length = 0;
      process.send?.({ type: 'reset' });
    }
    if (m.type === 'stats') process.send?.(stats(m.expectedMs));
    if (m.type === 'close') {
      close();
      process.send?.({ type: 'close' });
    }
  },
);
onStop(async () => close());
announceReady('');
