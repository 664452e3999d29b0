import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DEFAULT_INPUT_MODEL,
  describeInputModel,
  directionAt,
  initialInputState,
  keysOf,
  pressKey,
  type InputKey,
  type InputModelState,
} from '../../cli/render/input-model.ts';

/** Feeds presses at the given times; returns the state after the last. */
function feed(presses: [InputKey, number][]): InputModelState {
  return presses.reduce((s, [key, at]) => pressKey(s, key, at), initialInputState());
}

describe('terminal input model', () => {
  it('is still until a key is pressed', () => {
    assert.equal(directionAt(initialInputState(), 0), 0);
    assert.equal(directionAt(initialInputState(), 1e9), 0);
  });

  it('a single press moves for the tap hold, then stops by itself', () => {
    const s = feed([['up', 1000]]);
    assert.equal(directionAt(s, 1000), -1);
    assert.equal(directionAt(s, 1149), -1);
    assert.equal(directionAt(s, 1150), 0);
    assert.equal(directionAt(feed([['down', 0]]), 10), 1);
  });

  it('held key: auto-repeats (first after the repeat delay, then every 33 ms) keep it moving without gaps once repeating', () => {
    const presses: [InputKey, number][] = [['down', 0]];
    for (let t = 500; t <= 2000; t += 33) presses.push(['down', t]);
    let s = initialInputState();
    let i = 0;
    for (let now = 0; now <= 2200; now += 1) {
      while (i < presses.length && presses[i]![1] <= now)
        s = pressKey(s, presses[i]![0], presses[i++]![1]);
      if (now >= 500 && now <= 2000) assert.equal(directionAt(s, now), 1, `moving at ${now}`);
    }
    // Released after the last repeat at 1985 ms: it stops one repeat hold later.
    assert.equal(directionAt(s, 1985 + DEFAULT_INPUT_MODEL.repeatHoldMs - 1), 1);
    assert.equal(directionAt(s, 1985 + DEFAULT_INPUT_MODEL.repeatHoldMs), 0);
  });

  it('a repeat never shortens a hold that is already longer', () => {
    const s = pressKey(
      pressKey(initialInputState(), 'up', 0, { tapHoldMs: 500, repeatHoldMs: 100 }),
      'up',
      10,
      { tapHoldMs: 500, repeatHoldMs: 100 },
    );
    assert.equal(s.until, 500);
  });

  it('the opposite key switches direction immediately, with a fresh tap hold', () => {
    const s = feed([
      ['up', 0],
      ['up', 40],
      ['up', 80],
      ['down', 90],
    ]);
    assert.equal(directionAt(s, 90), 1);
    assert.equal(directionAt(s, 239), 1);
    assert.equal(directionAt(s, 240), 0);
  });

  it('space stops at once', () => {
    const s = feed([
      ['up', 0],
      ['up', 50],
      ['stop', 60],
    ]);
    assert.equal(directionAt(s, 60), 0);
    assert.equal(directionAt(s, 61), 0);
  });

  it('a press after the hold expired is a new tap, not a repeat', () => {
    const s = feed([
      ['down', 0],
      ['down', 400],
    ]);
    assert.equal(s.until, 400 + DEFAULT_INPUT_MODEL.tapHoldMs);
  });

  it('never reports a direction without a press of that key within the last tap hold or repeat chain', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom<InputKey>('up', 'down', 'stop'), fc.nat(300)), {
          maxLength: 40,
        }),
        fc.nat(1000),
        (steps, probe) => {
          let now = 0;
          let s = initialInputState();
          let last: { key: InputKey; at: number } | undefined;
          for (const [key, gap] of steps) {
            now += gap;
            s = pressKey(s, key, now);
            last = { key, at: now };
          }
          const dir = directionAt(s, now + probe);
          if (last === undefined || last.key === 'stop') return assert.equal(dir, 0);
          assert.equal(dir === 0 || dir === (last.key === 'up' ? -1 : 1), true);
          if (probe >= DEFAULT_INPUT_MODEL.tapHoldMs)
            assert.equal(dir, 0, 'stops within one hold of the last press');
        },
      ),
    );
  });

  it('decodes W/S, arrows (both cursor modes), space and quit keys, also several in one chunk', () => {
    assert.deepEqual(keysOf('w'), ['up']);
    assert.deepEqual(keysOf('S'), ['down']);
    assert.deepEqual(keysOf('\u001b[A\u001b[A\u001bOB'), ['up', 'up', 'down']);
    assert.deepEqual(keysOf(' q\u0003'), ['stop', 'quit', 'quit']);
    assert.deepEqual(keysOf('x\u001b[Cw'), ['up'], 'unknown keys and right-arrow are skipped');
    assert.deepEqual(keysOf(''), []);
  });

  it('describes itself for --help with the configured timings', () => {
    const text = describeInputModel({ tapHoldMs: 200, repeatHoldMs: 90 });
    assert.match(text, /200 ms/);
    assert.match(text, /90 ms per repeat/);
    assert.match(text, /no key-release/);
  });
});
