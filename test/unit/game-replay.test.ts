import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultGameSettings, gameSettingsSchema } from '../../api/contract/game.ts';
import { AppError } from '../../api/contract/errors.ts';
import { advance, createMatchState } from '../../api/game/engine.ts';
import { stateHash } from '../../api/game/hash.ts';
import {
  createInputLog,
  createLogCursor,
  decodeInputLog,
  encodeInputLog,
  nextInputs,
  recordInputs,
  replay,
} from '../../api/game/input-log.ts';
import { inputRunsArb, settingsArb, ticksOf } from '../support/game.ts';

describe('input logs and replay', () => {
  it('encodes runs compactly and decodes them back', () => {
    const log = createInputLog();
    for (const inputs of ticksOf([
      [0, 1, 5],
      [-1, 1, 3],
      [1, 1, 1],
    ]))
      recordInputs(log, inputs);
    const text = encodeInputLog(log);
    assert.equal(text, '1:9:n5u3d:d9');
    assert.deepEqual(decodeInputLog(text), log);
    assert.equal(encodeInputLog(createInputLog()), '1:0::');
    assert.deepEqual(decodeInputLog('1:0::'), createInputLog());
  });

  it('rejects malformed or inconsistent logs with VALIDATION', () => {
    for (const bad of [
      '',
      '2:1:n:n',
      '1:2:n:n',
      '1:1:n0:n',
      '1:1:x:n',
      '1:2:nn:n2',
      '1:01:n:n',
      '1:3:n2u:n2',
      '1:1:n:n:',
    ]) {
      assert.throws(
        () => decodeInputLog(bad),
        (err: unknown) => err instanceof AppError && err.code === 'VALIDATION',
        bad,
      );
    }
  });

  it('a replay from the encoded log reproduces the live final state exactly', () => {
    fc.assert(
      fc.property(settingsArb, fc.integer(), inputRunsArb, (raw, seed, runs) => {
        const settings = gameSettingsSchema.parse(raw);
        const live = createMatchState(settings, seed);
        const log = createInputLog();
        for (const inputs of ticksOf(runs)) {
          if (live.phase === 'ended') break;
          advance(live, inputs, []);
          recordInputs(log, inputs);
        }
        const text = encodeInputLog(log);
        assert.equal(encodeInputLog(decodeInputLog(text)), text);
        assert.equal(stateHash(replay(settings, seed, decodeInputLog(text))), stateHash(live));
      }),
      { numRuns: 50 },
    );
  });

  it('a replay with another seed or other settings does not match (the log alone is not enough)', () => {
    const settings = defaultGameSettings();
    const live = createMatchState(settings, 3);
    const log = createInputLog();
    for (const inputs of ticksOf([
      [1, -1, 400],
      [0, 1, 300],
      [-1, 0, 500],
    ])) {
      advance(live, inputs, []);
      recordInputs(log, inputs);
    }
    assert.equal(stateHash(replay(settings, 3, log)), stateHash(live));
    assert.notEqual(stateHash(replay(settings, 4, log)), stateHash(live));
    assert.notEqual(
      stateHash(replay(gameSettingsSchema.parse({ ballSpeedUp: 16 }), 3, log)),
      stateHash(live),
    );
  });

  it('a log cursor yields each tick once, then null', () => {
    const log = decodeInputLog('1:4:u2d2:n4');
    const cursor = createLogCursor(log);
    const seen: string[] = [];
    for (let inputs = nextInputs(cursor); inputs !== null; inputs = nextInputs(cursor))
      seen.push(inputs.join(','));
    assert.deepEqual(seen, ['-1,0', '-1,0', '1,0', '1,0']);
    assert.equal(nextInputs(cursor), null);
  });
});
