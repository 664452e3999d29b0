/**
 * Checkpoints: a match written in pieces (the closed input runs from where the
 * store's copy ends) and read back goes on exactly where it was; a piece
 * written twice or late changes nothing; a checkpoint of the format before
 * (the whole log inline) still restores.
 */
import assert from 'node:assert/strict';
import {
  parseCheckpoint,
  restoreMatch,
  type CheckpointWrite,
  type PeerRef,
} from '../../api/game/checkpoint.ts';
import { encodeInputLog, joinInputLog, type RunMark } from '../../api/game/input-log.ts';
import type { LiveMatch, Peer } from '../../api/game/live-match.ts';
import { playingMatch, runnerKit, testRunnerConfig } from '../support/game-runner.ts';

const refOf = (p: Peer): PeerRef => ({ id: p.id, userId: p.userId, instance: 'i1' });

/** Redis's SET and SETRANGE on one string per side, as the store uses them. */
class LogCopy {
  text: [string, string] = ['', ''];
  write({ closed }: CheckpointWrite): void {
    closed.forEach(({ at, text }, side) => {
      const current = this.text[side]!;
      this.text[side] =
        at === 0
          ? text
          : current.padEnd(at, '\0').slice(0, at) + text + current.slice(at + text.length);
    });
  }
}

function restored(write: CheckpointWrite, copy: LogCopy): LiveMatch {
  const stored = parseCheckpoint(JSON.stringify(write.checkpoint), copy.text);
  return restoreMatch(stored, {
    now: 0,
    timing: testRunnerConfig,
    spectatorPhases: 2,
    peerOf: (ref) => ({ id: ref.id, userId: ref.userId }),
  });
}

describe('game checkpoints', () => {
  it('writes the closed runs from where the last write ended, and restores the match exactly', () => {
    const kit = runnerKit();
    const { play } = playingMatch(kit, 'm1', 5);
    const copy = new LogCopy();
    play(600);
    const first = kit.runner.checkpoint('m1', refOf)!;
    assert.deepEqual(
      first.closed.map((p) => p.at),
      [0, 0],
      'without a known copy, the runs go whole',
    );
    copy.write(first);
    const marks: [RunMark, RunMark] = [first.closed[0].end, first.closed[1].end];
    play(120);
    const second = kit.runner.checkpoint('m1', refOf, marks)!;
    assert.deepEqual(
      second.closed.map((p) => p.at),
      marks.map((m) => m.length),
    );
    // 120 ticks of a change every 5 (or 7) ticks: a few dozen runs, not the 720 ticks' worth.
    assert.ok(
      second.closed[0].text.length < 80,
      `left delta ${second.closed[0].text.length} chars`,
    );
    assert.ok(second.closed[0].text.length > 0);
    copy.write(second);

    const live = kit.runner.get('m1')!;
    const back = restored(second, copy);
    assert.equal(encodeInputLog(back.log), encodeInputLog(live.log));
    assert.deepEqual(back.engine, live.engine, 'the engine re-simulated to the same state');
    assert.deepEqual(
      back.seats.map((s) => [s.seq, s.dir]),
      live.seats.map((s) => [s.seq, s.dir]),
    );
  });

  it('changes nothing when a piece is written twice, or an older checkpoint is read over a longer copy', () => {
    const kit = runnerKit();
    const { play } = playingMatch(kit, 'm1', 5);
    const copy = new LogCopy();
    play(300);
    const first = kit.runner.checkpoint('m1', refOf)!;
    copy.write(first);
    const marks: [RunMark, RunMark] = [first.closed[0].end, first.closed[1].end];
    play(100);
    const second = kit.runner.checkpoint('m1', refOf, marks)!;
    // Its confirmation was lost: the next write starts from the same marks again.
    copy.write(second);
    play(100);
    const third = kit.runner.checkpoint('m1', refOf, marks)!;
    copy.write(third);
    copy.write(second); // a late duplicate of the second
    const live = kit.runner.get('m1')!;
    assert.equal(encodeInputLog(restored(third, copy).log), encodeInputLog(live.log));
    // The first checkpoint read against the longest copy: its own runs, no more.
    const { ticks, open } = first.checkpoint.log;
    assert.equal(
      encodeInputLog(restored(first, copy).log),
      joinInputLog(ticks, [first.closed[0].text, first.closed[1].text], open),
    );
  });

  it('restores a checkpoint written before v2, with the whole log inline', () => {
    const kit = runnerKit();
    playingMatch(kit, 'm1', 5).play(400);
    const live = kit.runner.get('m1')!;
    const { checkpoint } = kit.runner.checkpoint('m1', refOf)!;
    const { log: _log, ...rest } = checkpoint;
    const v1 = JSON.stringify({ ...rest, v: 1, inputLog: encodeInputLog(live.log) });
    const back = restoreMatch(parseCheckpoint(v1, ['', '']), {
      now: 0,
      timing: testRunnerConfig,
      spectatorPhases: 2,
      peerOf: (ref) => ({ id: ref.id, userId: ref.userId }),
    });
    assert.equal(encodeInputLog(back.log), encodeInputLog(live.log));
    assert.deepEqual(back.engine, live.engine);
  });
});
