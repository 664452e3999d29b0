/**
 * What a checkpoint of a long match costs its owner, in this process: a match
 * played for 8 minutes (both players changing direction every 100 ms, as the
 * runner benchmark's players do) is checkpointed the way the heartbeat does it
 * twice a second: the closed input runs from where the store's copy ended
 * 500 ms earlier, plus the JSON of the rest. Reference, side by side: the same
 * checkpoint with the runs written whole, which is what every checkpoint cost
 * before they were written in pieces (and what a new owner's first one costs).
 * Figures: CPU µs per checkpoint and bytes sent to Redis per checkpoint; and
 * the memory a live 10-minute input log holds, beside its text form.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { marksAfter, type PeerRef, type StoredMarks } from '../../api/game/checkpoint.ts';
import { createInputLog, encodeInputLog, recordInputs } from '../../api/game/input-log.ts';
import type { Peer } from '../../api/game/live-match.ts';
import { playingMatch, runnerKit } from '../support/game-runner.ts';
import type { Benchmark, BenchContext, BenchResult } from './harness.ts';
import { alternate, median } from './stats.ts';

const refOf = (p: Peer): PeerRef => ({ id: p.id, userId: p.userId, instance: 'bench' });

function eightMinuteMatch() {
  const kit = runnerKit({ maxInputsPerTick: 4 });
  const id = '00000000-0000-4000-8000-000000000001';
  const { play } = playingMatch(kit, id, 6);
  play(28_800 - 30);
  const before = kit.runner.checkpoint(id, refOf)!;
  const marks = marksAfter(before);
  play(30); // the last 500 ms
  return { kit, id, marks };
}

/** CPU µs per checkpoint (median of rounds) and the bytes it sends. */
function measure(write: () => { head: Buffer; texts: Buffer[] }, ms: number) {
  let bytes = 0;
  let count = 0;
  const start = process.cpuUsage();
  const cpu = () => {
    const u = process.cpuUsage(start);
    return (u.user + u.system) / 1000;
  };
  while (cpu() < ms) {
    const { head, texts } = write();
    bytes = head.length + texts.reduce((sum, t) => sum + t.length, 0);
    count++;
  }
  return { us: (cpu() * 1000) / count, bytes };
}

/** Bytes a live 10-minute input log (a key change every 100 ms per player) holds, heap and buffers, over `count` logs. */
function logMemory(count: number): { bytes: number; text: number } {
  // A collection before each reading, so only what the logs hold counts.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const used = () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = used();
  const logs = Array.from({ length: count }, () => {
    const log = createInputLog();
    for (let t = 0; t < 36_000; t++) {
      const k = Math.floor(t / 6);
      recordInputs(log, [((k % 3) - 1) as -1 | 0 | 1, (((k + 1) % 3) - 1) as -1 | 0 | 1]);
    }
    return log;
  });
  const bytes = (used() - before) / count;
  return { bytes, text: encodeInputLog(logs[0]!).length };
}

async function checkpointCost(ctx: BenchContext): Promise<BenchResult[]> {
  const { kit, id, marks } = eightMinuteMatch();
  const write = (stored?: StoredMarks) => () => {
    const w = kit.runner.checkpoint(id, refOf, stored)!;
    // Encoded to bytes, as the write to Redis does with every argument.
    const head = Buffer.from(JSON.stringify(w.checkpoint));
    return { head, texts: w.closed.map((c) => Buffer.from(c.text, 'latin1')) };
  };
  const ms = ctx.pick(300, 100);
  const rounds = ctx.pick(9, 3);
  const samples = await alternate(
    rounds,
    async () => measure(write(marks), ms),
    async () => measure(write(), ms),
  );
  const piece = median(samples.a.map((s) => s.us));
  const whole = median(samples.b.map((s) => s.us));
  const [pieceBytes, wholeBytes] = [samples.a[0]!.bytes, samples.b[0]!.bytes];
  const memory = logMemory(ctx.pick(100, 20));
  return [
    {
      name: 'a live 10-minute input log in memory (key change every 100 ms)',
      value: Math.round(memory.bytes / 1024),
      unit: 'KiB',
      reference: { name: 'its text form', value: Math.round(memory.text / 1024) },
      target: { op: '<=', value: 8, of: 'ratio' },
      notes: 'one 32-bit word per run (one small array per run was 1.5 MiB)',
    },
    {
      name: 'checkpoint of an 8-minute match, CPU per write',
      value: Math.round(piece * 100) / 100,
      unit: 'µs',
      reference: {
        name: 'the same with the input runs written whole',
        value: Math.round(whole * 100) / 100,
      },
      target: { op: '<=', value: 0.2, of: 'ratio' },
      notes: `${kit.runner.get(id)!.log.ticks} ticks logged`,
    },
    {
      name: 'checkpoint of an 8-minute match, bytes to Redis per write',
      value: pieceBytes,
      unit: 'B',
      reference: { name: 'the same with the input runs written whole', value: wholeBytes },
      target: { op: '<=', value: 0.2, of: 'ratio' },
      notes: `500 matches twice a second: ${((pieceBytes * 1000) / 1e6).toFixed(2)} MB/s against ${((wholeBytes * 1000) / 1e6).toFixed(1)} MB/s`,
    },
  ];
}

export const benchmarks: Benchmark[] = [
  { name: 'checkpoint cost', issue: '#17', run: checkpointCost },
];
