/** A live match's state text: exactly what JSON.stringify writes of its view, in every phase. */
import assert from 'node:assert/strict';
import { advance } from '../../api/game/engine.ts';
import { openStateTextOf, viewOf } from '../../api/game/live-match.ts';
import { fastSettings, matchSpec, peer, runnerKit } from '../support/game-runner.ts';

describe('game state encoding', () => {
  it('the state text is exactly what JSON.stringify writes of the view, in every phase', () => {
    const kit = runnerKit();
    kit.runner.add(
      matchSpec('enc"\\id', {
        settings: fastSettings(),
        players: [{ userId: 'ua', username: 'al"ice' }, { bot: 'hard' }],
      }),
    );
    const match = kit.runner.get('enc"\\id')!;
    const same = (now: number) =>
      assert.equal(`${openStateTextOf(match, now)}}`, JSON.stringify(viewOf(match, now)));
    same(0); // waiting
    match.state = 'countdown';
    match.deadline = 2_500;
    same(0);
    same(2_499);
    match.state = 'playing';
    match.deadline = null;
    match.spectators.add(peer('s'));
    for (let t = 0; t < 200; t++) {
      advance(match.engine, [1, -1], []);
      same(0);
    }
    match.paused = true;
    match.deadline = 9_000;
    same(1_000);
    assert.equal(match.text.ascii, true);
    void kit.runner.close();
  });

  it('a match whose names are not ASCII is not marked ASCII (its frames are then encoded as UTF-8)', () => {
    const kit = runnerKit();
    kit.runner.add(
      matchSpec('m-utf8', {
        players: [
          { userId: 'ua', username: 'zoë' },
          { userId: 'ub', username: 'bob' },
        ],
      }),
    );
    const match = kit.runner.get('m-utf8')!;
    assert.equal(match.text.ascii, false);
    assert.equal(`${openStateTextOf(match, 0)}}`, JSON.stringify(viewOf(match, 0)));
    void kit.runner.close();
  });
});
