/**
 * Checkpoints: a match written in pieces (the closed input runs from where the
 * store's copy ends) and read back goes on exactly where it was; a piece
 * written twice or late changes nothing; the spectators are written only when
 * someone came or went; checkpoints of the formats before (spectators inline,
 * or the whole log inline too) still restore.
 */
import assert from 'node:assert/strict';
import {
  parseCheckpoint,
  restoreMatch,
  type CheckpointWrite,
  type PeerRef,
  marksAfter,
} from '../../api/game/checkpoint.ts';
import { encodeInputLog, joinInputLog } from '../../api/game/input-log.ts';
import type { LiveMatch, Peer } from '../../api/game/live-match.ts';
import { peer, playingMatch, runnerKit, testRunnerConfig } from '../support/game-runner.ts';

const refOf = (p: Peer): PeerRef => ({ id: p.id, userId: p.userId, instance: 'i1' });

/** Redis's SET and SETRANGE on one string per side, and the spectators' SET, as the store uses them. */
class LogCopy {
  text: [string, string] = ['', ''];
  spectators: string | null = null;
  write({ closed, spectators }: CheckpointWrite): void {
    if (spectators) this.spectators = spectators.text;
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
  const stored = parseCheckpoint(JSON.stringify(write.checkpoint), copy.text, copy.spectators);
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
    const marks = marksAfter(first);
    play(120);
    const second = kit.runner.checkpoint('m1', refOf, marks)!;
    assert.deepEqual(
      second.closed.map((p) => p.at),
      marks.runs.map((m) => m.length),
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
    const marks = marksAfter(first);
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

  it('writes the spectators only when someone came or went, and restores them', () => {
    const kit = runnerKit();
    const { play } = playingMatch(kit, 'm1', 5);
    const [s1, s2] = [peer('u-s1'), peer('u-s2')];
    kit.runner.spectate(s1, 'm1');
    kit.runner.spectate(s2, 'm1');
    const copy = new LogCopy();
    const first = kit.runner.checkpoint('m1', refOf)!;
    assert.deepEqual(JSON.parse(first.spectators!.text), [refOf(s1), refOf(s2)]);
    copy.write(first);
    play(60);
    const second = kit.runner.checkpoint('m1', refOf, marksAfter(first))!;
    assert.equal(second.spectators, null, 'nobody came or went: the stored list stands');
    copy.write(second);
    kit.runner.stopSpectating(s1);
    const third = kit.runner.checkpoint('m1', refOf, marksAfter(second, marksAfter(first)))!;
    assert.deepEqual(JSON.parse(third.spectators!.text), [refOf(s2)]);
    copy.write(third);
    assert.deepEqual(
      [...restored(third, copy).spectators].map((p) => p.id),
      [s2.id],
    );
    const bare = new LogCopy();
    bare.write({ ...first, spectators: null });
    bare.write(second);
    assert.deepEqual(
      [...restored(second, bare).spectators],
      [],
      'a checkpoint whose list was never stored restores with no spectators',
    );
  });

  it('restores checkpoints of the formats before: v2 with the spectators inline, v1 with the whole log too', () => {
    const kit = runnerKit();
    playingMatch(kit, 'm1', 5).play(400);
    const watcher = peer('u-w');
    kit.runner.spectate(watcher, 'm1');
    const live = kit.runner.get('m1')!;
    const write = kit.runner.checkpoint('m1', refOf)!;
    const { checkpoint } = write;
    const v2 = { ...checkpoint, v: 2, spectators: [refOf(watcher)] };
    const { log: _log, ...rest } = v2;
    const v1 = { ...rest, v: 1, inputLog: encodeInputLog(live.log) };
    const closedText: [string, string] = [write.closed[0].text, write.closed[1].text];
    for (const [old, runs] of [
      [v2, closedText],
      [v1, ['', '']],
    ] as const) {
      const back = restoreMatch(parseCheckpoint(JSON.stringify(old), [...runs], null), {
        now: 0,
        timing: testRunnerConfig,
        spectatorPhases: 2,
        peerOf: (ref) => ({ id: ref.id, userId: ref.userId }),
      });
      assert.equal(encodeInputLog(back.log), encodeInputLog(live.log), `v${old.v}`);
      assert.deepEqual(back.engine, live.engine);
      assert.deepEqual(
        [...back.spectators].map((p) => p.id),
        [watcher.id],
      );
    }
  });
});
