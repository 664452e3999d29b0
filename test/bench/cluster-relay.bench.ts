/**
 * Relay cost: what a player pays for a socket on an instance that
 * does not own the match. Two real API processes (`pongctl serve`) on one
 * PostgreSQL and one Redis; two matches, each owned by one instance, with one
 * player on the owner and one on the other instance (so either instance is
 * owner once). Every ~47 ms (out of step with the 60 Hz tick) all four
 * players send a key change at the same moment; each times it to the first
 * game.state whose lastSeq acknowledges it. The remote player's input goes
 * socket → its instance → Redis → owner, and its frames come back the same
 * way; the owner's player is the reference, in the same matches and ticks.
 * Beside the p50/p99 deltas (the targets): the paired delta (the two inputs of
 * a match sent together wait for the same ticks, so the tick phase cancels),
 * the frame half alone, the instances' own relay round trip, a plain Redis
 * pub/sub ping-pong (children/cluster-echo.ts) and an idle ticker's lateness
 * (children/cluster-probe.ts): the floors this machine sets.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Benchmark, BenchContext, BenchResult } from './harness.ts';
import { startChild } from './server-child.ts';
import {
  benchRedisUrl,
  Deployment,
  histogramDelta,
  histogramPercentile,
  scrapeHistogram,
  sumHistograms,
  loadNote,
  missingPrerequisite,
  ownerOf,
  readyMatch,
  skipped,
  sleep,
} from './cluster-common.ts';
import { TimedPlayer } from './cluster-player.ts';
import { percentile } from './stats.ts';

const round2 = (x: number) => Math.round(x * 100) / 100;
const relayLatency = 'game_relay_latency_seconds';

/**
 * The floor: a Redis pub/sub round trip to another process and back
 * (children/cluster-echo.ts), the two hops a relayed input and its frame
 * take, timed between the rounds of inputs.
 */
async function pingPong(prefix: string) {
  const echo = await startChild({
    script: path.join(import.meta.dirname, 'children', 'cluster-echo.ts'),
    env: { ECHO_REDIS_URL: benchRedisUrl, ECHO_PREFIX: prefix },
    stdout: 'ignore',
  });
  const subscriber = new Redis(benchRedisUrl, { enableOfflineQueue: false, lazyConnect: true });
  const publisher = new Redis(benchRedisUrl, { enableOfflineQueue: false, lazyConnect: true });
  await Promise.all([subscriber.connect(), publisher.connect()]);
  let waiting: ((at: number) => void) | undefined;
  subscriber.on('message', () => waiting?.(performance.now()));
  await subscriber.subscribe(`${prefix}pong`);
  // About the size of a relayed input request.
  const payload = JSON.stringify({ k: 'req', id: randomUUID(), pad: 'x'.repeat(200) });
  return {
    async once(): Promise<number> {
      const sent = performance.now();
      const got = new Promise<number>((resolve) => (waiting = resolve));
      await publisher.publish(`${prefix}ping`, payload);
      return (await got) - sent;
    },
    async close() {
      subscriber.disconnect();
      publisher.disconnect();
      await echo.stop();
    },
  };
}

async function relayCost(ctx: BenchContext): Promise<BenchResult[]> {
  const missing = await missingPrerequisite(ctx);
  if (missing) {
    ctx.log(`skipped: ${missing}`);
    return skipped('relay cost', missing);
  }
  const deployment = new Deployment(ctx.databaseUrl!);
  const sockets: TimedPlayer[] = [];
  const stops: (() => Promise<void>)[] = [];
  // The machine's scheduling floor beside the figures (children/cluster-probe.ts).
  const probe = await startChild({
    script: path.join(import.meta.dirname, 'children', 'cluster-probe.ts'),
    stdout: 'ignore',
  });
  try {
    const one = await deployment.start('bench-relay-1');
    const two = await deployment.start('bench-relay-2');
    const [a1, b1, a2, b2] = await deployment.players(4);
    // Sockets first, so each match is placed on its inviter's instance.
    const [pa1, pb1, pa2, pb2] = await Promise.all([
      TimedPlayer.connect(one.url, a1!.token),
      TimedPlayer.connect(two.url, b1!.token),
      TimedPlayer.connect(two.url, a2!.token),
      TimedPlayer.connect(one.url, b2!.token),
    ]);
    sockets.push(pa1!, pb1!, pa2!, pb2!);
    const echo = await pingPong(`${deployment.prefix}echo.`);
    stops.push(() => echo.close());
    const x = await readyMatch(one.url, a1!, two.url, b1!);
    const y = await readyMatch(two.url, a2!, one.url, b2!);
    const owners = [await ownerOf(deployment.prefix, x), await ownerOf(deployment.prefix, y)];
    if (owners[0] !== one.id || owners[1] !== two.id)
      throw new Error(`matches placed on ${owners.join(', ')}, expected ${one.id}, ${two.id}`);
    const seats = [
      { player: pa1!, match: x, owner: true },
      { player: pb1!, match: x, owner: false },
      { player: pa2!, match: y, owner: true },
      { player: pb2!, match: y, owner: false },
    ];
    for (const s of seats) s.player.join(s.match);
    await Promise.all(seats.map((s) => s.player.until(['serve', 'play'], 15_000)));

    const ownerMs: number[] = [];
    const remoteMs: number[] = [];
    let lost = 0;
    const echoMs: number[] = [];
    let pairs = 0;
    const pairedMs: number[] = [];
    let laterTick = 0;
    const round = async (record: boolean) => {
      const acks = await Promise.all(seats.map((s) => s.player.input(s.match)));
      const floor = await echo.once();
      if (!record) return;
      echoMs.push(floor);
      for (const [i, { ms }] of acks.entries()) {
        if (Number.isNaN(ms)) lost++;
        else (seats[i]!.owner ? ownerMs : remoteMs).push(ms);
      }
      // Sent together: a relayed input that missed the owner's player's tick was applied a tick later.
      for (const [o, r] of [
        [0, 1],
        [2, 3],
      ] as const) {
        if (Number.isNaN(acks[o]!.tick) || Number.isNaN(acks[r]!.tick)) continue;
        pairs++;
        pairedMs.push(acks[r]!.ms - acks[o]!.ms);
        if (acks[r]!.tick > acks[o]!.tick) laterTick++;
      }
    };
    const run = async (seconds: number, record: boolean) => {
      const end = performance.now() + seconds * 1000;
      while (performance.now() < end) {
        const started = performance.now();
        await round(record);
        await sleep(Math.max(0, 47 - (performance.now() - started)));
      }
    };
    await run(2, false); // warm-up
    const seconds = ctx.pick(40, 12);
    const relayed = () =>
      Promise.all([one, two].map((i) => scrapeHistogram(i.metricsPort, relayLatency)));
    const before = await relayed();
    const windowStart = performance.now();
    const floor = probe.request<{ p50: number; p99: number }>(
      { type: 'measure', ms: seconds * 1000 },
      'measure',
    );
    await run(seconds, true);
    const after = await relayed();
    const idle = await floor;
    // The frame half alone: when the same tick's game.state reached the remote player, against the owner's player.
    const frameMs: number[] = [];
    for (const [owner, remote] of [
      [pa1!, pb1!],
      [pa2!, pb2!],
    ] as const) {
      const seen = new Map<number, number>();
      for (const st of owner.states) if (st.at >= windowStart) seen.set(st.tick, st.at);
      for (const st of remote.states) {
        const at = seen.get(st.tick);
        if (at !== undefined && st.at >= windowStart) frameMs.push(st.at - at);
      }
    }
    // The instances' own view: a forwarded request to the owner's answer, both ways through Redis.
    const server = histogramDelta(sumHistograms(before), sumHistograms(after));
    if (ownerMs.length < 50 || remoteMs.length < 50)
      throw new Error(`too few acknowledged inputs (${ownerMs.length}, ${remoteMs.length})`);
    const p = (xs: number[], q: number) => round2(percentile(xs, q));
    const line = `Redis pub/sub round trip p50 ${p(echoMs, 50)} / p99 ${p(echoMs, 99)} ms; the same tick's game.state reached the non-owner's player later by p50 ${p(frameMs, 50)} / p99 ${p(frameMs, 99)} ms (${frameMs.length} frames); the relayed input was applied a tick after its twin in ${((100 * laterTick) / Math.max(1, pairs)).toFixed(1)}% of ${pairs} pairs (≈ its extra delay / 16.7 ms); owner p50 ${p(ownerMs, 50)} / p99 ${p(ownerMs, 99)} ms; non-owner p50 ${p(remoteMs, 50)} / p99 ${p(remoteMs, 99)} ms; ${ownerMs.length + remoteMs.length} inputs, ${lost} unacknowledged; game_relay_latency_seconds (request → owner's answer) p50 ${round2(histogramPercentile(server, 50) * 1000)} / p99 ${round2(histogramPercentile(server, 99) * 1000)} ms over ${server.count} requests; an idle 60 Hz ticker meanwhile ran late by p50 ${round2(idle.p50)} / p99 ${round2(idle.p99)} ms`;
    ctx.log(line);
    const notes = `2 instances, 2 matches (one owned by each), 4 players sending a key change together every ≈47 ms for ${seconds} s; time from the send to the first game.state acknowledging it (includes the wait for the next 60 Hz tick, 0–16.7 ms); ${line}; ${loadNote()}`;
    return [
      {
        name: 'input → acknowledging game.state p50, player on a non-owner instance',
        value: p(remoteMs, 50),
        unit: 'ms',
        reference: { name: 'player on the owner', value: p(ownerMs, 50) },
        notes,
      },
      {
        name: 'input → acknowledging game.state p99, player on a non-owner instance',
        value: p(remoteMs, 99),
        unit: 'ms',
        reference: { name: 'player on the owner', value: p(ownerMs, 99) },
      },
      {
        name: 'relay cost p50 (non-owner − owner)',
        value: round2(percentile(remoteMs, 50) - percentile(ownerMs, 50)),
        unit: 'ms',
        reference: { name: 'Redis pub/sub round trip p50', value: p(echoMs, 50) },
        target: { op: '<=', value: 1, of: 'value' },
        notes: `the reference is the floor: a publish to another process and its publish back, ${echoMs.length} times between the rounds`,
      },
      {
        // Free of the tick phase: the two inputs of a pair wait for the same ticks, so only the relay is left.
        name: 'relay cost per key press, paired (same match, sent together) p50',
        value: p(pairedMs, 50),
        unit: 'ms',
        notes: `p99 ${p(pairedMs, 99)} ms over ${pairedMs.length} pairs; a relayed input that misses its twin's tick adds 16.7 ms (${((100 * laterTick) / Math.max(1, pairs)).toFixed(1)}% of pairs)`,
      },
      {
        name: 'relay cost p99 (non-owner − owner)',
        value: round2(percentile(remoteMs, 99) - percentile(ownerMs, 99)),
        unit: 'ms',
        reference: { name: 'Redis pub/sub round trip p99', value: p(echoMs, 99) },
        target: { op: '<=', value: 3, of: 'value' },
      },
    ];
  } finally {
    for (const s of sockets) s.close();
    for (const stop of stops) await stop();
    await Promise.all([deployment.close(), probe.stop()]);
  }
}

export const benchmarks: Benchmark[] = [
  { name: 'cluster relay cost', issue: '#12', timeoutMs: 5 * 60_000, run: relayCost },
];
