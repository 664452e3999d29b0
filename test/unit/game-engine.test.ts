import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  defaultGameSettings,
  gameSettingsSchema,
  type Direction,
  type GameEvent,
  type GameSettings,
  type GameSettingsInput,
} from '../../api/contract/game.ts';
import {
  advance,
  createMatchState,
  step,
  type MatchState,
  type TickInputs,
} from '../../api/game/engine.ts';
import { FP_ONE, perTick } from '../../api/game/fixed.ts';
import { stateHash } from '../../api/game/hash.ts';
import { inputRunsArb, settingsArb, ticksOf } from '../support/game.ts';

function settingsOf(overrides: GameSettingsInput = {}): GameSettings {
  return gameSettingsSchema.parse(overrides);
}

/** Runs ticks with a per-tick input function; returns all events. */
function run(state: MatchState, ticks: number, inputs: (s: MatchState) => TickInputs): GameEvent[] {
  const all: GameEvent[] = [];
  for (let i = 0; i < ticks && state.phase !== 'ended'; i++) advance(state, inputs(state), all);
  return all;
}

/** Runs until a tick produces an event of `type` (or `limit` ticks); returns that tick's events. */
function runUntil(
  state: MatchState,
  type: GameEvent['type'],
  inputs: (s: MatchState) => TickInputs,
): GameEvent[] {
  for (let i = 0; i < 5000; i++) {
    const events: GameEvent[] = [];
    advance(state, inputs(state), events);
    if (events.some((e) => e.type === type)) return events;
  }
  assert.fail(`no ${type} event in 5000 ticks`);
}

const still = (): TickInputs => [0, 0];
const straightLeft = settingsOf({ serve: { first: 'left', angle: 'straight', delayMs: 0 } });

describe('game engine', () => {
  it('starts with centred paddles and the ball on the centre spot, waiting for the serve', () => {
    const s = createMatchState(defaultGameSettings(), 1);
    assert.equal(s.phase, 'serve');
    assert.equal(s.tick, 0);
    assert.equal(s.ballX, 400 * FP_ONE);
    assert.equal(s.ballY, 300 * FP_ONE);
    assert.equal(s.leftY, s.ballY);
    assert.equal(s.rightY, s.ballY);
    assert.equal(s.serveTimer, 60, '1000 ms at 60 Hz');
    assert.deepEqual([s.leftScore, s.rightScore], [0, 0]);
  });

  it('serves after the delay towards the first receiver', () => {
    const s = createMatchState(settingsOf({ serve: { first: 'right', delayMs: 500 } }), 7);
    const events = run(s, 30, still);
    assert.equal(s.phase, 'serve');
    assert.deepEqual(events, []);
    const more = run(s, 1, still);
    assert.deepEqual(more, [{ type: 'serve', tick: 31, receiver: 1 }]);
    assert.ok(s.ballVX > 0, 'flies right');
    assert.equal(s.phase, 'play');
  });

  it('a random first serve and random angles come from the seed only', () => {
    const receivers = new Set<number>();
    for (let seed = 0; seed < 20; seed++)
      receivers.add(createMatchState(defaultGameSettings(), seed).receiver);
    assert.deepEqual([...receivers].sort(), [0, 1]);
    const a = createMatchState(defaultGameSettings(), 99);
    const b = createMatchState(defaultGameSettings(), 99);
    run(a, 61, still);
    run(b, 61, still);
    assert.equal(a.ballVY, b.ballVY);
    assert.equal(stateHash(a), stateHash(b));
  });

  it('a centred paddle returns a straight ball straight, faster, and counts the rally', () => {
    const s = createMatchState(straightLeft, 1);
    const events = run(s, 200, still).filter((e) => e.type === 'hit');
    assert.equal(events.length >= 1, true);
    const hit = events[0]!;
    assert.equal(hit.type === 'hit' && hit.player, 0);
    assert.equal(hit.type === 'hit' && hit.rally, 1);
    assert.equal(hit.type === 'hit' && hit.speed, perTick(300) + perTick(15));
  });

  it('a hit near the paddle edge sends the ball off at an angle, away from the centre of the paddle', () => {
    const s = createMatchState(straightLeft, 1);
    // The left paddle moves down 4 ticks (7 units each): the ball meets its upper part and leaves upwards.
    let moves = 0;
    const events = runUntil(s, 'hit', () => [moves++ < 4 ? 1 : 0, 0]);
    assert.equal(events[0]!.type === 'hit' && events[0]!.player, 0);
    assert.ok(s.ballVX > 0 && s.ballVY < 0, `vx ${s.ballVX} vy ${s.ballVY}`);
    // 28 units above the paddle centre of a 45-unit reach: bucket round(-28 × 8 / 45) = -5, i.e. 37.5° upwards.
    assert.equal(s.ballVY, -((s.ballSpeed * 623) >> 10));
  });

  it('paddles stop at the field edges and move one paddle step per tick', () => {
    const s = createMatchState(defaultGameSettings(), 1);
    advance(s, [-1, 1], []);
    assert.equal(s.leftY, 300 * FP_ONE - perTick(420));
    run(s, 300, () => [-1, 1]);
    assert.equal(s.leftY, 40 * FP_ONE, 'half the default 80-unit paddle');
    assert.equal(s.rightY, 560 * FP_ONE);
  });

  it('a missed ball scores for the other side, resets, and the conceder receives', () => {
    const s = createMatchState(straightLeft, 1);
    const events = runUntil(s, 'score', () => [-1, 0]);
    const scored = events.find((e) => e.type === 'score');
    assert.deepEqual(scored, {
      type: 'score',
      tick: scored!.tick,
      player: 1,
      score: [0, 1],
      rally: 0,
    });
    assert.equal(s.phase, 'serve');
    assert.equal(s.receiver, 0);
    assert.deepEqual([s.ballX, s.ballY, s.ballVX, s.ballVY], [400 * FP_ONE, 300 * FP_ONE, 0, 0]);
  });

  it('serve receiver rules: scorer and alternate', () => {
    for (const [receiver, expected] of [
      ['scorer', 1],
      ['alternate', 1],
      ['conceder', 0],
    ] as const) {
      const s = createMatchState(
        settingsOf({ serve: { first: 'left', angle: 'straight', delayMs: 0, receiver } }),
        1,
      );
      runUntil(s, 'score', () => [-1, 0]);
      assert.equal(s.rightScore, 1);
      assert.equal(s.receiver, expected, receiver);
    }
  });

  it('ends when a player reaches the points to win, then ignores further steps', () => {
    const s = createMatchState(
      settingsOf({ pointsToWin: 2, serve: { first: 'left', angle: 'straight', delayMs: 0 } }),
      1,
    );
    const events = run(s, 5000, () => [-1, 0]);
    assert.equal(s.phase, 'ended');
    assert.equal(s.winner, 1);
    assert.equal(s.endReason, 'points');
    assert.deepEqual(events.at(-1), { type: 'end', tick: s.tick, winner: 1, reason: 'points' });
    const before = stateHash(s);
    const after = step(s, [1, 1]);
    assert.equal(stateHash(after.state), before);
    assert.deepEqual(after.events, []);
  });

  it('ends at the max duration: the leader wins, a tie is a draw', () => {
    const s = createMatchState(
      settingsOf({ maxDurationSec: 30, serve: { first: 'left', angle: 'straight' } }),
      1,
    );
    const events = run(s, 10_000, still);
    assert.equal(s.tick, 1800);
    assert.deepEqual(events.at(-1), { type: 'end', tick: 1800, winner: null, reason: 'time' });
    const lead = createMatchState(
      settingsOf({
        pointsToWin: 21,
        maxDurationSec: 30,
        serve: { first: 'left', angle: 'straight', delayMs: 1000 },
      }),
      1,
    );
    const leadEvents = run(lead, 10_000, () => [-1, 0]);
    assert.ok(lead.rightScore > 1 && lead.rightScore < 21, `score ${lead.rightScore}`);
    assert.deepEqual(leadEvents.at(-1), { type: 'end', tick: 1800, winner: 1, reason: 'time' });
  });

  it('step is pure: it leaves its input state untouched', () => {
    const s = createMatchState(defaultGameSettings(), 5);
    const before = stateHash(s);
    const { state, events } = step(s, [1, -1]);
    assert.equal(stateHash(s), before);
    assert.notEqual(state, s);
    assert.equal(state.tick, 1);
    assert.deepEqual(events, []);
  });

  it('stateHash changes when any part of the state or the settings changes', () => {
    const s = createMatchState(defaultGameSettings(), 5);
    const h = stateHash(s);
    assert.match(h, /^[0-9a-f]{16}$/);
    assert.notEqual(stateHash({ ...s, ballY: s.ballY + 1 }), h);
    assert.notEqual(stateHash({ ...s, rng: s.rng ^ 1 }), h);
    assert.notEqual(stateHash(createMatchState(settingsOf({ paddleSpeed: 421 }), 5)), h);
  });

  it('is bit-identical to the pinned reference run (any change to the physics must update this on purpose)', () => {
    const s = createMatchState(defaultGameSettings(), 2024);
    let t = 0;
    run(s, 20_000, () => {
      t += 1;
      const l: Direction = t % 97 < 40 ? -1 : t % 97 < 60 ? 0 : 1;
      const r: Direction = t % 53 < 20 ? 1 : t % 53 < 30 ? 0 : -1;
      return [l, r];
    });
    assert.deepEqual([s.tick, s.leftScore, s.rightScore], PINNED.score);
    assert.equal(stateHash(s), PINNED.hash);
  });
});

/** Pinned by running the reference scenario once; the values are what every machine must reproduce. */
const PINNED = { score: [3904, 11, 10], hash: '2b1b55a87b6e5a0c' };

describe('game engine properties', () => {
  it('the ball never leaves the field, paddles stay inside, scores only grow by one point at a time', () => {
    fc.assert(
      fc.property(settingsArb, fc.integer(), inputRunsArb, (raw, seed, runs) => {
        const s = createMatchState(gameSettingsSchema.parse(raw), seed);
        const c = s.config;
        for (const inputs of ticksOf(runs)) {
          const before = s.leftScore + s.rightScore;
          const [l0, r0] = [s.leftScore, s.rightScore];
          advance(s, inputs, []);
          assert.ok(s.ballX >= c.ballHalf && s.ballX <= c.width - c.ballHalf, `ball x ${s.ballX}`);
          assert.ok(s.ballY >= c.ballHalf && s.ballY <= c.height - c.ballHalf, `ball y ${s.ballY}`);
          assert.ok(s.leftY >= c.paddleHalf && s.leftY <= c.height - c.paddleHalf);
          assert.ok(s.rightY >= c.paddleHalf && s.rightY <= c.height - c.paddleHalf);
          assert.ok(s.leftScore >= l0 && s.rightScore >= r0, 'scores never decrease');
          assert.ok(s.leftScore + s.rightScore - before <= 1, 'at most one point per tick');
          assert.ok(Math.max(s.leftScore, s.rightScore) <= c.pointsToWin);
          for (const v of [s.ballX, s.ballY, s.ballVX, s.ballVY, s.leftY, s.rightY])
            assert.ok(Number.isInteger(v));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a match always ends by its max duration, whatever the players do', () => {
    fc.assert(
      fc.property(settingsArb, fc.integer(), inputRunsArb, (raw, seed, runs) => {
        const s = createMatchState(gameSettingsSchema.parse(raw), seed);
        const inputs = [...ticksOf(runs)];
        for (let t = 0; t < s.config.maxTicks; t++) advance(s, inputs[t % inputs.length]!, []);
        assert.equal(s.phase, 'ended');
        assert.ok(s.tick <= s.config.maxTicks);
        assert.ok(
          s.endReason === 'time' || Math.max(s.leftScore, s.rightScore) === s.config.pointsToWin,
        );
      }),
      { numRuns: 25 },
    );
  });

  it('two runs with the same settings, seed and inputs give the same hash; step and advance agree', () => {
    fc.assert(
      fc.property(settingsArb, fc.integer(), inputRunsArb, (raw, seed, runs) => {
        const settings = gameSettingsSchema.parse(raw);
        const a = createMatchState(settings, seed);
        let b = createMatchState(settings, seed);
        const eventsA: GameEvent[] = [];
        const eventsB: GameEvent[] = [];
        for (const inputs of ticksOf(runs)) {
          advance(a, inputs, eventsA);
          const r = step(b, inputs);
          b = r.state;
          eventsB.push(...r.events);
        }
        assert.equal(stateHash(a), stateHash(b));
        assert.deepEqual(eventsA, eventsB);
      }),
      { numRuns: 40 },
    );
  });
});
