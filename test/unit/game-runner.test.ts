/** The match runner on a hand-driven clock: lifecycle, pause and forfeit, inputs, audiences, replays. */
import assert from 'node:assert/strict';
import { AppError } from '../../api/contract/errors.ts';
import { decodeInputLog, replay } from '../../api/game/input-log.ts';
import {
  fastSettings,
  matchSpec,
  peer,
  runnerKit,
  type RunnerKit,
} from '../support/game-runner.ts';

const TICK = 1000 / 60;

function playing(kit: RunnerKit, id = 'm1', overrides = {}) {
  const a = peer('ua');
  const b = peer('ub');
  kit.runner.add(matchSpec(id, { settings: fastSettings(), ...overrides }));
  kit.runner.join(a, id);
  kit.runner.join(b, id);
  kit.runner.ready(a, id);
  kit.runner.ready(b, id);
  kit.scheduler.advance(3_000 + 2 * TICK);
  assert.equal(kit.runner.get(id)?.state, 'playing');
  return { a, b };
}

const code = (code: string) => (err: unknown) => err instanceof AppError && err.code === code;

describe('game runner', () => {
  let kit: RunnerKit;
  beforeEach(() => (kit = runnerKit()));
  afterEach(() => kit.runner.close());

  it('expires an invite that nobody accepted after the TTL', async () => {
    kit.runner.add(matchSpec('inv', { state: 'pending' }));
    kit.scheduler.advance(59_000);
    assert.equal(kit.runner.get('inv')?.state, 'pending');
    assert.throws(() => kit.runner.join(peer('ub'), 'inv'), code('CONFLICT'));
    kit.scheduler.advance(2_000);
    await Promise.resolve();
    assert.equal(kit.runner.get('inv'), undefined);
    assert.deepEqual(
      kit.results.map((r) => r.decision),
      [{ outcome: 'aborted', reason: 'invite_expired', winnerSide: null }],
    );
    assert.equal(kit.results[0]!.inputLog, null);
  });

  it('accepting moves the invite to ready; both ready starts a countdown, then play', () => {
    kit.runner.add(matchSpec('m1', { state: 'pending' }));
    kit.runner.accept('m1');
    assert.throws(() => kit.runner.accept('m1'), code('CONFLICT'));
    const a = peer('ua');
    const b = peer('ub');
    assert.equal(kit.runner.join(a, 'm1').phase, 'waiting');
    kit.runner.join(b, 'm1');
    kit.runner.ready(a, 'm1');
    kit.scheduler.advance(5_000);
    assert.equal(kit.runner.get('m1')?.state, 'ready', 'one ready player is not enough');
    kit.runner.ready(b, 'm1');
    kit.scheduler.advance(TICK);
    assert.equal(kit.runner.get('m1')?.state, 'countdown');
    const countdown = kit.transport.of(a, 'game.state').at(-1)!.state;
    assert.equal(countdown.phase, 'countdown');
    assert.equal(countdown.countdown, 3);
    kit.scheduler.advance(2_900);
    assert.equal(kit.runner.get('m1')?.state, 'countdown');
    kit.scheduler.advance(200);
    assert.equal(kit.runner.get('m1')?.state, 'playing');
    assert.deepEqual(
      kit.states.map((s) => s.state),
      ['ready', 'countdown', 'playing'],
    );
  });

  it('pauses when a player drops, resumes on rejoin with a countdown, and keeps the timeline', () => {
    const { a } = playing(kit);
    const match = kit.runner.get('m1')!;
    kit.scheduler.advance(500);
    kit.runner.detach(a);
    kit.scheduler.advance(TICK);
    const tickAtPause = match.engine.tick;
    kit.scheduler.advance(10_000);
    assert.equal(match.engine.tick, tickAtPause, 'the engine stands still while paused');
    assert.equal(match.paused, true);
    const b = match.seats[1].peer!;
    const paused = kit.transport.of(b, 'game.state').at(-1)!.state;
    assert.equal(paused.phase, 'paused');
    assert.ok(
      paused.countdown <= 6 && paused.countdown >= 4,
      `grace left shown: ${paused.countdown}`,
    );
    const back = peer('ua');
    kit.runner.join(back, 'm1');
    kit.scheduler.advance(TICK);
    assert.equal(match.paused, false);
    assert.equal(kit.transport.of(back, 'game.state').at(-1)!.state.phase, 'countdown');
    kit.scheduler.advance(3_100);
    assert.ok(match.engine.tick > tickAtPause, 'play resumed');
    assert.equal(kit.results.length, 0);
  });

  it('forfeits a player who stays away for the grace period', async () => {
    const { a, b } = playing(kit);
    kit.runner.detach(b);
    kit.scheduler.advance(14_900);
    assert.ok(kit.runner.get('m1'));
    kit.scheduler.advance(200);
    await new Promise((r) => setImmediate(r));
    assert.equal(kit.runner.get('m1'), undefined);
    assert.deepEqual(kit.results[0]!.decision, {
      outcome: 'forfeited',
      reason: 'disconnect',
      winnerSide: 0,
    });
    assert.ok(kit.results[0]!.inputLog?.startsWith('1:'));
    const end = kit.transport.of(a, 'game.end');
    assert.equal(end.length, 1);
    assert.equal(end[0]!.winner, 'alice');
    assert.equal(end[0]!.outcome, 'forfeited');
  });

  it('aborts when both stay away, and forfeits a no-show after the ready timeout', async () => {
    const { a, b } = playing(kit);
    kit.runner.detach(a);
    kit.runner.detach(b);
    kit.scheduler.advance(15_100);
    kit.runner.add(
      matchSpec('m2', {
        players: [
          { userId: 'uc', username: 'carol' },
          { userId: 'ud', username: 'dave' },
        ],
      }),
    );
    const c = peer('uc');
    kit.runner.join(c, 'm2');
    kit.runner.ready(c, 'm2');
    kit.scheduler.advance(60_100);
    kit.runner.add(
      matchSpec('m3', {
        players: [
          { userId: 'ue', username: 'erin' },
          { userId: 'uf', username: 'finn' },
        ],
      }),
    );
    kit.scheduler.advance(60_100);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      kit.results.map((r) => [
        r.spec.id,
        r.decision.outcome,
        r.decision.reason,
        r.decision.winnerSide,
      ]),
      [
        ['m1', 'aborted', 'abandoned', null],
        ['m2', 'forfeited', 'no_show', 0],
        ['m3', 'aborted', 'not_ready', null],
      ],
    );
  });

  it('applies the last input of a tick, ignores stale sequence numbers and echoes lastSeq', () => {
    const { a } = playing(kit);
    const match = kit.runner.get('m1')!;
    const y0 = match.engine.leftY;
    assert.equal(kit.runner.input(a, { matchId: 'm1', seq: 1, dir: 1 }), true);
    assert.equal(kit.runner.input(a, { matchId: 'm1', seq: 3, dir: -1 }), true);
    assert.equal(kit.runner.input(a, { matchId: 'm1', seq: 2, dir: 1 }), false, 'stale');
    kit.scheduler.advance(TICK);
    assert.ok(match.engine.leftY < y0, 'moved up: the last input (seq 3) counted');
    const last = kit.transport.of(a, 'game.state').at(-1)!.state;
    assert.equal(last.lastSeq, 3);
    const other = kit.transport.of(match.seats[1].peer!, 'game.state').at(-1)!.state;
    assert.equal(other.lastSeq, 0);
  });

  it('refuses inputs for unknown matches, from non-players, unjoined sockets and floods, without touching the match', () => {
    const { a } = playing(kit);
    const match = kit.runner.get('m1')!;
    const before = { tick: match.engine.tick, y: match.engine.rightY };
    assert.throws(
      () => kit.runner.input(a, { matchId: 'nope', seq: 1, dir: 1 }),
      code('NOT_FOUND'),
    );
    assert.throws(
      () => kit.runner.input(peer('stranger'), { matchId: 'm1', seq: 1, dir: 1 }),
      code('FORBIDDEN'),
    );
    assert.throws(
      () => kit.runner.input(peer('ub'), { matchId: 'm1', seq: 1, dir: 1 }),
      code('CONFLICT'),
    );
    for (let seq = 1; seq <= 4; seq++) kit.runner.input(a, { matchId: 'm1', seq, dir: 0 });
    assert.throws(
      () => kit.runner.input(a, { matchId: 'm1', seq: 5, dir: 1 }),
      code('RATE_LIMITED'),
    );
    assert.equal(match.engine.rightY, before.y);
    kit.scheduler.advance(TICK);
    assert.equal(match.engine.tick, before.tick + 1, 'the match keeps its pace');
    assert.equal(match.seats[0].dir, 0, 'the refused input was not applied');
  });

  it('sends players every tick and spectators at 30 Hz, one encoding per audience', () => {
    playing(kit);
    const s1 = peer('watcher1');
    const s2 = peer('watcher2');
    assert.equal(kit.runner.spectate(s1, 'm1').spectators, 1);
    kit.runner.spectate(s2, 'm1');
    const match = kit.runner.get('m1')!;
    kit.transport.clear();
    kit.scheduler.advance(1000);
    const players = kit.transport.of(match.seats[0].peer!, 'game.state').length;
    const watchers = kit.transport.of(s1, 'game.state').length;
    assert.ok(players >= 59 && players <= 61, `players got ${players}`);
    assert.ok(watchers >= 29 && watchers <= 31, `spectators got ${watchers}`);
    assert.equal(kit.transport.of(s2, 'game.state').length, watchers);
    assert.equal(
      kit.transport.of(s1, 'game.state')[0]!.state.lastSeq,
      undefined,
      'spectators get no lastSeq',
    );
    assert.equal(kit.runner.stopSpectating(s1), true);
    kit.transport.clear();
    kit.scheduler.advance(500);
    assert.equal(kit.transport.of(s1).length, 0);
  });

  it('staggers spectators: two groups take turns, each still every second tick', () => {
    playing(kit);
    const watchers = ['w1', 'w2', 'w3', 'w4'].map((id) => peer(id));
    for (const w of watchers) kit.runner.spectate(w, 'm1');
    kit.transport.clear();
    kit.scheduler.advance(500);
    const ticks = watchers.map((w) =>
      kit.transport.of(w, 'game.state').map((m) => m.state.tick as number),
    );
    for (const seen of ticks) {
      assert.ok(seen.length >= 14, `${seen.length} frames in half a second`);
      for (let i = 1; i < seen.length; i++)
        assert.equal(seen[i]! - seen[i - 1]!, 2, `frames two ticks apart: ${seen.join(',')}`);
    }
    const parity = ticks.map((seen) => seen[0]! % 2);
    assert.deepEqual(
      parity.filter((p) => p === 0).length,
      2,
      `half of the crowd on even ticks, half on odd: ${parity.join(',')}`,
    );
  });

  it('gives each spectator group a tick’s events on its own turn, just before its state, each once', () => {
    const { a } = playing(kit);
    const watchers = ['w1', 'w2'].map((id) => peer(id));
    for (const w of watchers) kit.runner.spectate(w, 'm1');
    kit.transport.clear();
    const events = (p: ReturnType<typeof peer>) =>
      kit.transport.of(p, 'game.event').map((m) => JSON.stringify(m.event));
    // Fast settings: serves, hits, walls and points come every few ticks.
    let oneGroupWaited = false;
    for (let i = 0; i < 240 && kit.runner.get('m1'); i++) {
      kit.scheduler.advance(TICK);
      const behind = watchers.map((w) => events(a).length - events(w).length);
      // Right after an event's tick, the group not due has yet to get it: one watcher, not both.
      if (behind.filter((n) => n > 0).length === 1) oneGroupWaited = true;
    }
    assert.ok(oneGroupWaited, 'the group not due waited for its turn');
    const settled = events(a);
    assert.ok(settled.length >= 4, `${settled.length} events in 240 ticks`);
    kit.scheduler.advance(2 * TICK); // the group not due on the last tick gets its turn
    for (const w of watchers) {
      const mine = events(w);
      assert.deepEqual(mine.slice(0, settled.length), settled, 'every event, once, in order');
      assert.deepEqual(mine, events(a).slice(0, mine.length));
      // Delivered on its turn: an event of tick t comes after the state of t − 1 and before that of t + 1 at the latest.
      let lastState = -1;
      for (const m of kit.transport.of(w)) {
        if (m.type === 'game.state') lastState = m.state.tick;
        else if (m.type === 'game.event' && lastState >= 0) {
          assert.ok(
            lastState < m.event.tick,
            `event of tick ${m.event.tick} after state ${lastState}`,
          );
          assert.ok(m.event.tick - lastState <= 2, `event of tick ${m.event.tick} held too long`);
        }
      }
    }
  });

  it('sends a spectator group the events it was owed before game.end, when the match ends between ticks', async () => {
    const { a } = playing(kit);
    const watchers = ['w1', 'w2'].map((id) => peer(id));
    for (const w of watchers) kit.runner.spectate(w, 'm1');
    const before = kit.transport.of(a, 'game.event').length;
    const events = (p: ReturnType<typeof peer>) =>
      kit.transport.of(p, 'game.event').length - (p === a ? before : 0);
    // Play until a tick leaves one group owed an event, then end the match from outside the loop.
    for (let i = 0; i < 600 && watchers.every((w) => events(w) === events(a)); i++)
      kit.scheduler.advance(TICK);
    const owed = watchers.find((w) => events(w) < events(a));
    assert.ok(owed, 'a group was owed an event');
    await kit.runner.leave(a, 'm1');
    const got = kit.transport.of(owed).map((m) => m.type);
    assert.equal(events(owed), events(a), 'the owed event came');
    assert.ok(got.lastIndexOf('game.event') < got.indexOf('game.end'), got.slice(-3).join(', '));
  });

  it('refuses spectators on private matches', () => {
    playing(kit, 'priv', { visibility: 'private' });
    assert.throws(() => kit.runner.spectate(peer('x'), 'priv'), code('NOT_FOUND'));
  });

  it('plays a bot match to the end; the stored log replays to the same final state', async () => {
    const a = peer('ua');
    kit.runner.add(
      matchSpec('bot', {
        kind: 'bot',
        settings: fastSettings({ pointsToWin: 3 }),
        players: [{ userId: 'ua', username: 'alice' }, { bot: 'hard' }],
      }),
    );
    kit.runner.join(a, 'bot');
    kit.runner.ready(a, 'bot');
    for (let i = 0; i < 600 && kit.runner.get('bot'); i++) kit.scheduler.advance(1000);
    await new Promise((r) => setImmediate(r));
    const result = kit.results[0]!;
    assert.equal(result.decision.outcome, 'finished');
    assert.equal(result.decision.winnerSide, 1, 'the bot beats a player who stands still');
    assert.deepEqual(result.score, [0, 3]);
    assert.equal(result.stats!.players[1].points, 3);
    const final = replay(result.spec.settings, result.spec.seed, decodeInputLog(result.inputLog!));
    assert.deepEqual([final.leftScore, final.rightScore], result.score);
    assert.equal(final.tick, result.ticks);
    const end = kit.transport.of(a, 'game.end')[0]!;
    assert.deepEqual(end.score, [0, 3]);
    assert.equal(end.winner, 'bot');
  });

  it('a player leaving during play forfeits; before play it cancels', async () => {
    const { a } = playing(kit);
    await kit.runner.leave(a, 'm1');
    kit.runner.add(matchSpec('m2'));
    await kit.runner.leave(peer('ub'), 'm2');
    assert.deepEqual(
      kit.results.map((r) => [r.decision.outcome, r.decision.reason, r.decision.winnerSide]),
      [
        ['forfeited', 'left', 1],
        ['aborted', 'left', null],
      ],
    );
  });

  it('streams a replay at the requested speed and ends with the stored outcome', async () => {
    const settings = fastSettings({ pointsToWin: 2 });
    kit.runner.add(
      matchSpec('src', { kind: 'bot', settings, players: [{ bot: 'easy' }, { bot: 'hard' }] }),
    );
    for (let i = 0; i < 600 && kit.runner.get('src'); i++) kit.scheduler.advance(1000);
    await new Promise((r) => setImmediate(r));
    const result = kit.results[0]!;
    const viewer = peer('v');
    const started = kit.scheduler.now();
    kit.runner.startReplay(
      viewer,
      {
        matchId: 'src',
        settings,
        seed: result.spec.seed,
        log: decodeInputLog(result.inputLog!),
        players: [
          { username: 'bot', bot: 'easy' },
          { username: 'bot', bot: 'hard' },
        ],
        end: { outcome: 'finished', reason: 'points', winner: 'bot', score: result.score },
      },
      4,
    );
    while (kit.transport.of(viewer, 'game.end').length === 0) kit.scheduler.advance(100);
    const took = kit.scheduler.now() - started;
    const expected = (result.ticks / 60 / 4) * 1000;
    assert.ok(Math.abs(took - expected) < 200, `4× replay took ${took} ms for ${expected} ms`);
    assert.deepEqual(kit.transport.of(viewer, 'game.state').at(-1)!.state.score, result.score);
    assert.equal(
      kit.transport.of(viewer, 'game.event').filter((e) => e.event.type === 'score').length,
      result.score[0] + result.score[1],
    );
  });
});
