/**
 * Runner test kit: a scheduler whose time moves only when the test says so
 * (timers fire in due order as it advances), a transport that records what
 * each peer was sent, and a runner built on both with recorded hooks.
 */
import pino from 'pino';
import type { Scheduler } from '../../api/game/ticker.ts';
import type { GameTransport } from '../../api/game/broadcast.ts';
import type { MatchSpec, Peer, LiveState } from '../../api/game/live-match.ts';
import { Runner, type MatchResult, type RunnerConfig } from '../../api/game/runner.ts';
import {
  defaultGameSettings,
  type GameSettingsInput,
  gameSettingsSchema,
} from '../../api/contract/game.ts';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

export interface ManualScheduler extends Scheduler {
  /** Moves time forward by `ms`, firing every timer that comes due on the way. */
  advance(ms: number): void;
  /** Time passes without any timer firing: a callback that blocks the event loop. */
  block(ms: number): void;
  pending(): number;
}

export function manualScheduler(start = 1_000): ManualScheduler {
  let now = start;
  let seq = 0;
  const timers = new Map<number, Timer>();
  const nextDue = (limit: number): Timer | undefined => {
    let best: Timer | undefined;
    for (const t of timers.values())
      if (t.at <= limit && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)))
        best = t;
    return best;
  };
  const add = (fn: () => void, at: number) => {
    const id = ++seq;
    timers.set(id, { at, seq: id, fn });
    return id;
  };
  return {
    now: () => now,
    timeout: (fn, ms) => add(fn, now + Math.max(1, ms)),
    // An immediate is a yield to I/O: model it as a sliver of time passing.
    immediate: (fn) => add(fn, now + 0.1),
    cancel: (handle) => void timers.delete(handle as number),
    pending: () => timers.size,
    block: (ms) => void (now += ms),
    advance(ms) {
      const end = now + ms;
      for (let t = nextDue(end); t; t = nextDue(end)) {
        timers.delete(t.seq);
        now = Math.max(now, t.at);
        t.fn();
      }
      now = Math.max(now, end);
    },
  };
}

export class RecordingTransport implements GameTransport {
  readonly sent = new Map<string, Record<string, any>[]>();
  prepare(json: string): unknown {
    return json;
  }
  prepareEach(head: string, tails: readonly string[]): unknown[] {
    return tails.map((tail) => head + tail);
  }
  combine(frames: readonly unknown[]): unknown {
    return frames.flat();
  }
  write(peers: Iterable<Peer>, frame: unknown): void {
    for (const peer of peers) {
      let list = this.sent.get(peer.id);
      if (!list) this.sent.set(peer.id, (list = []));
      for (const json of [frame].flat() as string[])
        list.push(JSON.parse(json) as Record<string, any>);
    }
  }
  of(peer: Peer, type?: string): Record<string, any>[] {
    return (this.sent.get(peer.id) ?? []).filter((m) => type === undefined || m.type === type);
  }
  clear(): void {
    this.sent.clear();
  }
}

export const testRunnerConfig: RunnerConfig = {
  stateRateHz: 60,
  spectatorRateHz: 30,
  graceMs: 15_000,
  countdownMs: 3_000,
  readyTimeoutMs: 60_000,
  inviteTtlMs: 60_000,
  maxInputsPerTick: 4,
};

export interface RunnerKit {
  runner: Runner;
  scheduler: ManualScheduler;
  transport: RecordingTransport;
  states: { id: string; state: LiveState }[];
  results: MatchResult[];
}

export function runnerKit(config: Partial<RunnerConfig> = {}): RunnerKit {
  const scheduler = manualScheduler();
  const transport = new RecordingTransport();
  const states: RunnerKit['states'] = [];
  const results: MatchResult[] = [];
  const runner = new Runner({
    config: { ...testRunnerConfig, ...config },
    scheduler,
    transport,
    logger: pino({ level: 'silent' }),
    hooks: {
      onState: (spec, state) => void states.push({ id: spec.id, state }),
      onEnd: async (result) => {
        results.push(result);
        return { stored: true, ratingChanges: [null, null] };
      },
    },
  });
  return { runner, scheduler, transport, states, results };
}

let peerCounter = 0;
export function peer(userId: string): Peer {
  peerCounter += 1;
  return { id: `peer-${peerCounter}`, userId };
}

/** Fast settings: short serve delay, quick ball, few points. */
export function fastSettings(overrides: GameSettingsInput = {}) {
  return gameSettingsSchema.parse({
    pointsToWin: 2,
    ballSpeed: 900,
    ballMaxSpeed: 1500,
    ballSpeedUp: 100,
    serve: { delayMs: 0, first: 'left', angle: 'straight' },
    ...overrides,
  });
}

export function matchSpec(id: string, overrides: Partial<MatchSpec> = {}): MatchSpec {
  return {
    id,
    kind: 'direct',
    ranked: false,
    visibility: 'public',
    settings: defaultGameSettings(),
    seed: 42,
    players: [
      { userId: 'ua', username: 'alice' },
      { userId: 'ub', username: 'bob' },
    ],
    state: 'ready',
    ...overrides,
  };
}

/** A match that lasts: slow ball, tall paddles, straight serves; points are rare. */
export const longSettings = gameSettingsSchema.parse({
  pointsToWin: 21,
  maxDurationSec: 3600,
  ballSpeed: 150,
  paddleHeight: 300,
  serve: { angle: 'straight', delayMs: 0 },
});

/**
 * A long match in play on `kit`'s runner; `play(ticks)` goes on with both
 * players changing direction every `every` ticks (up, still, down in turn).
 */
export function playingMatch(
  kit: RunnerKit,
  id: string,
  every = 6,
): { a: Peer; b: Peer; play(ticks: number): void } {
  const [a, b] = [peer('ua'), peer('ub')];
  kit.runner.add(matchSpec(id, { settings: longSettings }));
  for (const p of [a, b]) kit.runner.join(p, id);
  for (const p of [a, b]) kit.runner.ready(p, id);
  kit.scheduler.advance(3_000 + 2 * (1000 / 60));
  let seq = 0;
  const dir = (n: number) => ((n % 3) - 1) as -1 | 0 | 1;
  return {
    a,
    b,
    play(ticks) {
      for (let t = 0; t < ticks; t++) {
        if (t % every === 0) {
          seq += 1;
          kit.runner.input(a, { matchId: id, seq, dir: dir(seq) });
          kit.runner.input(b, { matchId: id, seq, dir: dir(seq + 1) });
        }
        kit.scheduler.advance(1000 / 60);
      }
    },
  };
}
