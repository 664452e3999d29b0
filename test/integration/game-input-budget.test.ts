/**
 * Honest players are not punished by abuse controls: game.input does not use
 * the socket's general message budget (production defaults: 20/s, burst 40,
 * which a player changing direction 30 times a second used up in about 4 s
 * and then forfeited). Inputs beyond the per-tick allowance are answered with
 * RATE_LIMITED and the socket stays open; only a flood closes it with 4429.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  joinAndReady,
  player,
  postMatch,
  startGameServer,
  untilPlaying,
} from '../support/games.ts';
import type { TestClient } from '../support/ws-client.ts';
import { suiteServer } from '../support/suite-server.ts';

/** Settings under which no match ends on its own during the test. */
const longSettings = { pointsToWin: 21, maxDurationSec: 600 };

function errorsIn(client: TestClient): string[] {
  return client.received.filter((m) => m.type === 'error').map((m) => String(m.code));
}

describe('game.input has its own budget', function () {
  this.timeout(90_000);
  const s = suiteServer(() =>
    startGameServer({
      WS_RATE_PER_SECOND: '20',
      WS_BURST: '40',
      GAME_MAX_INPUTS_PER_TICK: '4',
    }),
  );

  async function playing(prefix: string) {
    const p = await player(s, prefix);
    const created = await postMatch(s, p.accessToken, { bot: 'easy', settings: longSettings });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const matchId = created.body.data.id as string;
    await joinAndReady(p, matchId);
    await untilPlaying(p.client);
    return { p, matchId };
  }

  it('a player changing direction 30 times a second for 10 s stays connected and in the match', async () => {
    const { p, matchId } = await playing('kb');
    // 300 key changes on a 30 Hz timeline (a stalled machine catches up rather than sending fewer).
    const started = performance.now();
    let seq = 0;
    while (seq < 300) {
      seq++;
      p.client.send({ type: 'game.input', matchId, seq, dir: seq % 2 === 0 ? 1 : -1 });
      await sleep(Math.max(0, started + (seq * 1000) / 30 - performance.now()));
      // The test client queues every frame it did not wait for: keep only errors and ends.
      p.client.received.splice(
        0,
        p.client.received.length,
        ...p.client.received.filter((m) => m.type !== 'game.state'),
      );
    }
    await p.client.next('game.state', 5_000);
    seq++;
    p.client.send({ type: 'game.input', matchId, seq, dir: 0 });
    p.client.send({ type: 'ping', id: 'after' });
    assert.equal((await p.client.next('pong', 5_000)).id, 'after', 'the socket is open');
    // A stall of the test machine can bunch inputs into one tick: those are refused, never punished.
    assert.deepEqual(
      errorsIn(p.client).filter((code) => code !== 'RATE_LIMITED'),
      [],
      'no input failed otherwise',
    );
    let state = await p.client.next('game.state', 5_000);
    while ((state.state as { lastSeq?: number }).lastSeq !== seq)
      state = await p.client.next('game.state', 5_000);
    assert.equal((state.state as { phase: string }).phase !== 'ended', true);
    assert.ok(
      !p.client.received.some((m) => m.type === 'game.end'),
      'the match did not end (no forfeit)',
    );
    const row = await s.db('matches').where({ id: matchId }).first();
    assert.equal(row.ended_at, null, `the match is still live (${row.state})`);
    p.client.close();
  });

  it('answers inputs beyond the per-tick allowance with RATE_LIMITED and keeps the socket', async () => {
    const { p, matchId } = await playing('tk');
    for (let seq = 1; seq <= 12; seq++)
      p.client.send({
        type: 'game.input',
        matchId,
        seq,
        dir: seq % 2 === 0 ? 1 : -1,
        id: `i${seq}`,
      });
    const refused = await p.client.next('error', 5_000);
    assert.equal(refused.code, 'RATE_LIMITED');
    p.client.send({ type: 'ping', id: 'still' });
    assert.equal((await p.client.next('pong', 5_000)).id, 'still');
    p.client.close();
  });

  it('closes a flood far beyond any keyboard with 4429', async () => {
    const { p, matchId } = await playing('fl');
    for (let seq = 1; seq <= 5_000; seq++)
      p.client.send({ type: 'game.input', matchId, seq, dir: seq % 2 === 0 ? 1 : -1 });
    const closed = await p.client.closedWithin(15_000);
    assert.equal(closed.code, 4429);
  });
});
