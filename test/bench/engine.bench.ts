/**
 * Engine benchmarks, all on one core in this process:
 * - ticks/s of the pure `step` (copies the state each tick) against the
 *   in-place `advance` the runner uses, measured alternately over a pool of
 *   256 matches stepped round-robin like the runner does, with scripted inputs;
 * - ns per tick of each, and the 60 Hz matches one core could step if it did
 *   nothing else (a ceiling for the runner, whose cost is the sockets);
 * - ns per tick of `botInput`, and the time to re-simulate a 10-minute input log.
 * Times are CPU time of this process (process.cpuUsage), not wall time: the
 * machine is shared, and wall time would charge other processes' work to us.
 */
import { defaultGameSettings, type Direction, type GameEvent } from '../../api/contract/game.ts';
import { botInput, createBot } from '../../api/game/bot.ts';
import {
  advance,
  createMatchState,
  step,
  type MatchState,
  type TickInputs,
} from '../../api/game/engine.ts';
import { createInputLog, recordInputs, replay } from '../../api/game/input-log.ts';
import type { Benchmark, BenchContext, BenchResult } from './harness.ts';
import { alternate, median } from './stats.ts';

const settings = defaultGameSettings();
const POOL = 256;
const PATTERN = 4096;

/** Per-match input scripts: runs of random length, precomputed so the loop measures the engine only. */
function scripts(): TickInputs[][] {
  let seed = 12345;
  const rand = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
  return Array.from({ length: POOL }, () => {
    const ticks: TickInputs[] = [];
    while (ticks.length < PATTERN) {
      const inputs: TickInputs = [(rand(3) - 1) as Direction, (rand(3) - 1) as Direction];
      for (let n = 1 + rand(40); n > 0 && ticks.length < PATTERN; n--) ticks.push(inputs);
    }
    return ticks;
  });
}

/** CPU time of this process in ms: the machine is shared, so wall time would count other tenants' work. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Steps every match of the pool once per round for `durationMs` of CPU time; returns ticks per CPU second. */
function measure(kind: 'step' | 'advance', durationMs: number, inputs: TickInputs[][]): number {
  const matches: MatchState[] = inputs.map((_, i) => createMatchState(settings, i));
  const events: GameEvent[] = [];
  let ticks = 0;
  const started = cpuMs();
  while (cpuMs() - started < durationMs) {
    for (let round = 0; round < 64; round++) {
      for (let i = 0; i < POOL; i++) {
        let m = matches[i]!;
        if (m.phase === 'ended') m = matches[i] = createMatchState(settings, i + ticks);
        const input = inputs[i]![m.tick & (PATTERN - 1)]!;
        if (kind === 'advance') {
          advance(m, input, events);
          events.length = 0;
        } else {
          matches[i] = step(m, input).state;
        }
      }
      ticks += POOL;
    }
  }
  return (ticks / (cpuMs() - started)) * 1000;
}

function botNsPerTick(durationMs: number): number {
  const state = createMatchState(settings, 1);
  const bot = createBot({ side: 1, level: 'hard', settings, seed: 1 });
  const observe = () => state;
  let ticks = 0;
  const started = cpuMs();
  while (cpuMs() - started < durationMs) {
    for (let i = 0; i < 1000; i++) {
      if (state.phase === 'ended') Object.assign(state, createMatchState(settings, ticks));
      advance(state, [0, botInput(bot, state.tick, observe)], []);
    }
    ticks += 1000;
  }
  return ((cpuMs() - started) * 1e6) / ticks;
}

/** Replays a recorded match; milliseconds per 36,000 ticks (10 minutes, the default time limit). */
function replayMs(rounds: number): number {
  const log = createInputLog();
  const live = createMatchState({ ...settings, pointsToWin: 21 }, 7);
  const script = scripts()[0]!;
  while (live.phase !== 'ended') {
    const inputs = script[live.tick & (PATTERN - 1)]!;
    advance(live, inputs, []);
    recordInputs(log, inputs);
  }
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = cpuMs();
    replay({ ...settings, pointsToWin: 21 }, 7, log);
    samples.push(((cpuMs() - started) * 36_000) / log.ticks);
  }
  return median(samples);
}

async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const inputs = scripts();
  const sliceMs = ctx.pick(1000, 200);
  measure('advance', 300, inputs);
  measure('step', 300, inputs);
  const rounds = ctx.pick(7, 3);
  ctx.log(`${rounds} alternating rounds of ${sliceMs} ms each`);
  const samples = await alternate(
    rounds,
    () => Promise.resolve(measure('step', sliceMs, inputs)),
    () => Promise.resolve(measure('advance', sliceMs, inputs)),
  );
  const stepRate = median(samples.a);
  const advanceRate = median(samples.b);
  const bot = botNsPerTick(sliceMs);
  const replayTime = replayMs(ctx.pick(9, 3));
  return [
    {
      name: 'step (pure, copies the state): ticks/s on one core',
      value: stepRate,
      unit: 'ticks/s',
      reference: { name: 'advance (in place)', value: advanceRate },
      // 500 matches at 60 Hz must cost under 1% of a core: 3,000,000 ticks/s.
      target: { op: '>=', value: 3_000_000, of: 'value' },
    },
    {
      name: 'advance (in place, used by the runner): ticks/s on one core',
      value: advanceRate,
      unit: 'ticks/s',
      target: { op: '>=', value: 3_000_000, of: 'value' },
    },
    { name: 'step: ns per tick', value: 1e9 / stepRate, unit: 'ns' },
    { name: 'advance: ns per tick', value: 1e9 / advanceRate, unit: 'ns' },
    {
      name: '60 Hz matches one core could simulate (advance, engine only)',
      value: advanceRate / 60,
      unit: 'matches',
    },
    { name: 'hard bot + advance: ns per tick', value: bot, unit: 'ns' },
    {
      name: 'replay: time to re-simulate 10 minutes of play (36,000 ticks)',
      value: replayTime,
      unit: 'ms',
      target: { op: '<=', value: 100, of: 'value' },
    },
  ];
}

export const benchmarks: Benchmark[] = [{ name: 'engine', issue: '#5', run }];
