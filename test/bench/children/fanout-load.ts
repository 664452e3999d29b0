/**
 * Bench load generator for the realtime fan-out: receivers on minimal
 * WebSocket clients (light-client.ts). A frame that carries
 * `"serverTime":"<ms since the epoch>|<seq>|…` is timed against the system
 * clock, which this process shares with the server child.
 * IPC: {type:'receivers', url, tokens} → {type:'receivers', open}
 *      {type:'collect', seq, count} → {type:'collect', latencies} once `count` frames of `seq` arrived.
 */
import type { Socket } from 'node:net';
import { lightClient } from './light-client.ts';
import { announceReady, onStop } from './protocol.ts';

const sockets: Socket[] = [];
const latencies = new Map<number, number[]>();
let waiting: { seq: number; count: number } | undefined;
const marker = Buffer.from('"serverTime":"');

function settle(): void {
  const got = waiting && latencies.get(waiting.seq);
  if (!waiting || !got || got.length < waiting.count) return;
  latencies.delete(waiting.seq);
  waiting = undefined;
  process.send?.({ type: 'collect', latencies: got });
}

function onText(payload: Buffer): void {
  const at = payload.indexOf(marker);
  if (at < 0) return;
  const receivedAt = performance.timeOrigin + performance.now();
  const [sentAt, seq] = payload
    .toString('latin1', at + marker.length, at + marker.length + 40)
    .split('|');
  const list = latencies.get(Number(seq)) ?? latencies.set(Number(seq), []).get(Number(seq))!;
  list.push(receivedAt - Number(sentAt));
  settle();
}

process.on(
  'message',
  (m: { type?: string; url?: string; tokens?: string[]; seq?: number; count?: number }) => {
    if (m?.type === 'receivers') {
      void (async () => {
        for (let i = 0; i < m.tokens!.length; i += 100)
          sockets.push(
            ...(await Promise.all(
              m.tokens!.slice(i, i + 100).map((t) => lightClient(m.url!, t, [], onText)),
            )),
          );
        process.send?.({ type: 'receivers', open: sockets.length });
      })();
    }
    if (m?.type === 'collect') {
      waiting = { seq: m.seq!, count: m.count! };
      settle();
    }
  },
);
onStop(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
});
announceReady('');
