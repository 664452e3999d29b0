/**
 * Bench load generator in its own process: scripted players (join, ready, a
 * key change every `inputEveryMs` like a human on a keyboard) and spectators
 * that timestamp every game.state frame. It never parses JSON on the hot path.
 * IPC: {type:'players', url, matches:[{id,a,b}], inputEveryMs} → {type:'players', open}
 *      {type:'spectators', url, matchId, count} → {type:'spectators', open}
 *      {type:'reset'}; {type:'stats', expectedMs} → {type:'stats', ...}; {type:'close'}.
 */
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';

const sockets: WebSocket[] = [];
const arrivals = new Map<WebSocket, number[]>();
const statePrefix = Buffer.from('{"type":"game.state"');
let inputTimer: NodeJS.Timeout | undefined;

function open(url: string, token: string, onOpen: (ws: WebSocket) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/ws`, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false });
    ws.once('open', () => {
      onOpen(ws);
      resolve(ws);
    });
    ws.once('error', reject);
    sockets.push(ws);
  });
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

async function players(url: string, matches: { id: string; a: string; b: string }[], inputEveryMs: number): Promise<number> {
  const seats: { ws: WebSocket; matchId: string; seq: number }[] = [];
  const seatsOf = matches.flatMap((m) => [{ token: m.a, matchId: m.id }, { token: m.b, matchId: m.id }]);
  await inBatches(seatsOf, 50, async ({ token, matchId }) => {
    const ws = await open(url, token, (s) => {
      s.send(JSON.stringify({ type: 'game.join', matchId }));
      s.send(JSON.stringify({ type: 'game.ready', matchId }));
    });
    seats.push({ ws, matchId, seq: 0 });
  });
  // Key changes spread over the interval, not all in one burst.
  let next = 0;
  const perTick = Math.max(1, Math.ceil(seats.length / (inputEveryMs / 10)));
  inputTimer = setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      const seat = seats[next++ % seats.length]!;
      seat.seq += 1;
      const dir = ((seat.seq % 3) - 1) as -1 | 0 | 1;
      if (seat.ws.readyState === WebSocket.OPEN) seat.ws.send(`{"type":"game.input","matchId":"${seat.matchId}","seq":${seat.seq},"dir":${dir}}`);
    }
  }, 10);
  return seats.length;
}

async function spectators(url: string, matchId: string, count: number): Promise<number> {
  await inBatches(Array.from({ length: count }, () => randomUUID()), 100, (token) =>
    open(url, token, (ws) => {
      const times: number[] = [];
      arrivals.set(ws, times);
      ws.on('message', (data: Buffer) => {
        if (data.length > statePrefix.length && data.subarray(0, statePrefix.length).equals(statePrefix)) times.push(performance.now());
      });
      ws.send(JSON.stringify({ type: 'spectate.start', matchId }));
    }),
  );
  return count;
}

function stats(expectedMs: number) {
  const jitter: number[] = [];
  let frames = 0;
  for (const times of arrivals.values()) {
    frames += times.length;
    for (let i = 1; i < times.length; i++) jitter.push(Math.abs(times[i]! - times[i - 1]! - expectedMs));
  }
  jitter.sort((a, b) => a - b);
  const at = (p: number) => (jitter.length === 0 ? 0 : jitter[Math.min(jitter.length - 1, Math.ceil(p * jitter.length) - 1)]!);
  return { type: 'stats', frames, intervals: jitter.length, jitterP50: at(0.5), jitterP99: at(0.99), jitterMax: at(1) };
}

process.on('message', (m: { type: string; url: string; matches: { id: string; a: string; b: string }[]; inputEveryMs: number; matchId: string; count: number; expectedMs: number }) => {
  if (m.type === 'players') void players(m.url, m.matches, m.inputEveryMs).then((n) => process.send?.({ type: 'players', open: n }));
  if (m.type === 'spectators') void spectators(m.url, m.matchId, m.count).then((n) => process.send?.({ type: 'spectators', open: n }));
  if (m.type === 'reset') {
    for (const times of arrivals.values()) times.length = 0;
    process.send?.({ type: 'reset' });
  }
  if (m.type === 'stats') process.send?.(stats(m.expectedMs));
  if (m.type === 'close') {
    clearInterval(inputTimer);
    for (const ws of sockets.splice(0)) ws.terminate();
    arrivals.clear();
    process.send?.({ type: 'close' });
  }
});
process.once('disconnect', () => process.exit(0));
process.send?.({ type: 'ready', url: '' });
