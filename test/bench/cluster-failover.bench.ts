/**
 * When the owner of a match goes away. Two real API processes on
 * one PostgreSQL and one Redis, INSTANCE_LEASE_TTL_MS = leaseTtlMs: a
 * survivor, and a victim started afresh for each run. The match is invited
 * and accepted through the victim before either player has a socket, so the
 * victim owns it; both players then play it from sockets on the survivor
 * (every frame relayed), so neither socket goes down with the owner.
 * - Take-over: SIGKILL of the victim → the first `resumed` event on a
 *   player's socket (lease expiry, then the sweeper has the match adopted
 *   from its checkpoint). p50 of 5 runs; target ≤ TTL + 2 s.
 * - Hand-over: SIGTERM of the victim → the longest gap between two
 *   game.state frames a player sees (the paused play); target ≤ 1 s.
 */
import type { Benchmark, BenchContext, BenchResult } from './harness.ts';
import {
  Deployment,
  leaseTtlMs,
  loadNote,
  missingPrerequisite,
  ownerOf,
  readyMatch,
  skipped,
  sleep,
  type Instance,
} from './cluster-common.ts';
import { TimedPlayer } from './cluster-player.ts';
import { median } from './stats.ts';

type Kind = 'takeover' | 'handover';

interface Outcome {
  /** From the signal to the first `resumed` event on a player's socket. */
  resumedMs: number;
  /** The longest gap between two game.state frames around the signal. */
  gapMs: number;
  /** From the signal to the first frame in play again (after the resume countdown). */
  playingMs: number;
}

/** One run: a fresh victim owning one match played from the survivor, then the signal. */
async function once(
  deployment: Deployment,
  survivor: Instance,
  kind: Kind,
  run: number,
): Promise<Outcome> {
  const victim = await deployment.start(`bench-${kind}-${run}`);
  const [a, b] = await deployment.players(2);
  const matchId = await readyMatch(victim.url, a!, victim.url, b!);
  const owner = await ownerOf(deployment.prefix, matchId);
  if (owner !== victim.id) throw new Error(`match placed on ${owner}, expected ${victim.id}`);
  const players = await Promise.all([
    TimedPlayer.connect(survivor.url, a!.token),
    TimedPlayer.connect(survivor.url, b!.token),
  ]);
  try {
    for (const p of players) p.join(matchId);
    await Promise.all(players.map((p) => p.until(['serve', 'play'], 15_000)));
    await sleep(1_500); // checkpoints are written every 500 ms once play has begun
    const signalled = performance.now();
    const gone = kind === 'takeover' ? deployment.kill(victim) : deployment.stop(victim);
    const deadline = signalled + 30_000;
    while (!players.some((p) => p.resumed.length > 0)) {
      if (performance.now() > deadline) throw new Error(`no resumed event within 30 s (${kind})`);
      await sleep(5);
    }
    const resumedAt = Math.min(...players.flatMap((p) => p.resumed.map((r) => r.at)));
    const states = players[0]!.states;
    const playing = () =>
      states.find((s) => s.at >= resumedAt && (s.phase === 'serve' || s.phase === 'play'));
    while (!playing()) {
      if (performance.now() > deadline) throw new Error(`not in play again within 30 s (${kind})`);
      await sleep(5);
    }
    const playingAt = playing()!.at;
    await gone;
    let gapMs = 0;
    for (let i = 1; i < states.length; i++)
      if (states[i]!.at >= signalled - 100 && states[i - 1]!.at <= playingAt)
        gapMs = Math.max(gapMs, states[i]!.at - states[i - 1]!.at);
    return { resumedMs: resumedAt - signalled, gapMs, playingMs: playingAt - signalled };
  } finally {
    for (const p of players) p.close();
  }
}

async function runs(ctx: BenchContext, kind: Kind): Promise<Outcome[] | string> {
  const missing = await missingPrerequisite(ctx);
  if (missing) {
    ctx.log(`skipped: ${missing}`);
    return missing;
  }
  const deployment = new Deployment(ctx.databaseUrl!);
  try {
    const survivor = await deployment.start(`bench-${kind}-survivor`);
    const outcomes: Outcome[] = [];
    for (let i = 0; i < ctx.pick(5, 3); i++) {
      const o = await once(deployment, survivor, kind, i);
      ctx.log(
        `run ${i + 1}: resumed after ${o.resumedMs.toFixed(0)} ms, longest frame gap ${o.gapMs.toFixed(0)} ms, in play again after ${o.playingMs.toFixed(0)} ms`,
      );
      outcomes.push(o);
    }
    return outcomes;
  } finally {
    await deployment.close();
  }
}

const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');

async function takeover(ctx: BenchContext): Promise<BenchResult[]> {
  const outcomes = await runs(ctx, 'takeover');
  if (typeof outcomes === 'string') return skipped('take-over', outcomes);
  const resumed = outcomes.map((o) => o.resumedMs);
  return [
    {
      name: `take-over: SIGKILL of the owner → resumed on another instance, p50 of ${outcomes.length} (lease TTL ${leaseTtlMs} ms)`,
      value: Math.round(median(resumed)),
      unit: 'ms',
      target: { op: '<=', value: leaseTtlMs + 2_000, of: 'value' },
      notes: `runs: ${list(resumed)} ms; longest frame gap ${list(outcomes.map((o) => o.gapMs))} ms; in play again after ${list(outcomes.map((o) => o.playingMs))} ms (the resume countdown is GAME_COUNTDOWN_MS = 1000); both players on the surviving instance; ${loadNote()}`,
    },
  ];
}

async function handover(ctx: BenchContext): Promise<BenchResult[]> {
  const outcomes = await runs(ctx, 'handover');
  if (typeof outcomes === 'string') return skipped('hand-over', outcomes);
  const gaps = outcomes.map((o) => o.gapMs);
  return [
    {
      name: `hand-over: SIGTERM of the owner → longest gap between game.state frames, p50 of ${outcomes.length}`,
      value: Math.round(median(gaps)),
      unit: 'ms',
      target: { op: '<=', value: 1_000, of: 'value' },
      notes: `runs: ${list(gaps)} ms (max ${Math.round(Math.max(...gaps))}); resumed after ${list(outcomes.map((o) => o.resumedMs))} ms; in play again after ${list(outcomes.map((o) => o.playingMs))} ms (incl. the 1 s resume countdown); both players on the other instance; ${loadNote()}`,
    },
  ];
}

export const benchmarks: Benchmark[] = [
  { name: 'cluster take-over', issue: '#12', timeoutMs: 6 * 60_000, run: takeover },
  { name: 'cluster hand-over', issue: '#12', timeoutMs: 6 * 60_000, run: handover },
];
