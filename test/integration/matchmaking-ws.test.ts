/**
 * Matchmaking end to end over real WebSockets: two players queue (one over
 * the socket, one over HTTP), get queue.matched, join, play to the end with
 * scripted inputs, and the result, ratings and history are stored; a ticket
 * needs a socket and goes with the last one; stats and metrics follow.
 */
import assert from 'node:assert/strict';
import { gameSettingsSchema } from '../../api/contract/game.ts';
import { matchmakingMessages } from '../../api/contract/matchmaking.ts';
import { queueStatsSchema } from '../../api/contract/matchmaking.ts';
import { api, register } from '../support/accounts.ts';
import {
  joinAndReady,
  player,
  quickSettings,
  startGameServer,
  untilPlaying,
} from '../support/games.ts';
import { connect } from '../support/ws-client.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('matchmaking over WebSockets', function () {
  this.timeout(60_000);
  const s = suiteServer(() => startGameServer({ MATCHMAKING_TICK_MS: '50' }), 90_000);
  before(async () => {
    s.matchmaking.settings = gameSettingsSchema.parse(quickSettings);
  });

  it('pairs two queued players, who play the ranked match to the end; result, ratings and history are stored', async () => {
    const [ann, ben] = [await player(s, 'an'), await player(s, 'be')];
    ann.client.send({ type: 'queue.join', mode: 'ranked', id: 'q1' });
    const status = await ann.client.next('queue.status');
    matchmakingMessages['queue.status'].schema.parse(status);
    assert.equal(status.id, 'q1');
    assert.equal(status.queued, true);
    assert.equal(status.mode, 'ranked');
    const joined = await api(s.url, 'POST', '/api/v1/matchmaking/queue', {
      token: ben.accessToken,
      body: { mode: 'ranked' },
    });
    assert.equal(joined.status, 200, JSON.stringify(joined.body));
    assert.equal(joined.body.data.queued, true);

    const [am, bm] = await Promise.all([
      ann.client.next('queue.matched', 5_000),
      ben.client.next('queue.matched', 5_000),
    ]);
    for (const m of [am, bm]) matchmakingMessages['queue.matched'].schema.parse(m);
    assert.equal(am.matchId, bm.matchId);
    assert.equal(am.opponent, ben.username);
    assert.equal(bm.opponent, ann.username);
    assert.equal(am.mode, 'ranked');
    const matchId = am.matchId as string;

    const first = await joinAndReady(ann, matchId);
    await joinAndReady(ben, matchId);
    const left = (first.state as { players: { username: string }[] }).players[0]!.username;
    const loser = left === ann.username ? ann : ben;
    const winner = loser === ann ? ben : ann;
    await untilPlaying(loser.client);
    // The loser holds "up" from the serve on: with the quick settings every point goes to the other side.
    loser.client.send({ type: 'game.input', matchId, seq: 1, dir: -1 });
    const [lend, wend] = await Promise.all([
      loser.client.next('game.end', 15_000),
      winner.client.next('game.end', 15_000),
    ]);
    assert.equal(wend.outcome, 'finished');
    assert.equal(wend.winner, winner.username);
    assert.ok(
      (wend.ratingChange as number) > 0 && (lend.ratingChange as number) < 0,
      JSON.stringify([wend, lend]),
    );

    const match = (
      await api(s.url, 'GET', `/api/v1/matches/${matchId}`, { token: ann.accessToken })
    ).body.data;
    assert.equal(match.kind, 'matchmaking');
    assert.equal(match.ranked, true);
    assert.equal(match.state, 'finished');
    assert.equal(match.winner, winner.username);
    assert.ok(match.players.every((p: { ratingAfter: number | null }) => p.ratingAfter !== null));
    const history = await api(s.url, 'GET', `/api/v1/users/${loser.username}/matches?limit=1`, {
      token: winner.accessToken,
    });
    assert.equal(history.body.data[0].id, matchId);

    const stats = await api(s.url, 'GET', '/api/v1/matchmaking/stats', { token: ann.accessToken });
    queueStatsSchema.parse(stats.body.data);
    assert.ok(stats.body.data.matchesMade >= 1);
    const metrics = await (await fetch(`${s.metricsUrl}/metrics`)).text();
    assert.match(metrics, /^matchmaking_queue_size 0$/m);
    assert.match(metrics, /^matchmaking_oldest_ticket_age_seconds 0$/m);
    const waits = Number(/^matchmaking_wait_seconds_count (\d+)$/m.exec(metrics)?.[1]);
    assert.ok(waits >= 2, `matchmaking_wait_seconds_count ${waits}`);
    ann.client.close();
    ben.client.close();
  });

  it('needs an open socket to queue, keeps the ticket while one socket is left, and drops it with the last one', async () => {
    const cid = await register(s.url, 'ci');
    const refused = await api(s.url, 'POST', '/api/v1/matchmaking/queue', {
      token: cid.accessToken,
      body: { mode: 'casual' },
    });
    assert.equal(refused.status, 409);
    assert.match(refused.body.error.message, /WebSocket/);
    const bad = await api(s.url, 'POST', '/api/v1/matchmaking/queue', {
      token: cid.accessToken,
      body: { mode: 'fun' },
    });
    assert.equal(bad.status, 400);
    assert.equal((await api(s.url, 'GET', '/api/v1/matchmaking/stats')).status, 401);

    const one = await connect(s.url, cid.accessToken);
    const two = await connect(s.url, cid.accessToken);
    one.client.send({ type: 'queue.join', mode: 'casual' });
    assert.equal((await one.client.next('queue.status')).queued, true);
    const status = async () =>
      (await api(s.url, 'GET', '/api/v1/matchmaking/queue', { token: cid.accessToken })).body.data;
    assert.equal((await status()).mode, 'casual');
    one.client.close();
    await one.client.closed;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await status()).queued, true, 'another socket is still open');
    two.client.close();
    await two.client.closed;
    const deadline = Date.now() + 5_000;
    while ((await status()).queued && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    assert.equal((await status()).queued, false, 'the last socket took the ticket with it');

    const again = await connect(s.url, cid.accessToken);
    again.client.send({ type: 'queue.join', mode: 'casual' });
    await again.client.next('queue.status');
    again.client.send({ type: 'queue.leave', id: 'bye' });
    const left = await again.client.next('queue.status');
    assert.equal(left.id, 'bye');
    assert.equal(left.queued, false);
    const del = await api(s.url, 'DELETE', '/api/v1/matchmaking/queue', { token: cid.accessToken });
    assert.equal(del.status, 200);
    assert.equal(del.body.data.queued, false);
    again.client.close();
  });

  it('refuses to queue a player who is in a match', async () => {
    const dee = await player(s, 'de');
    const bot = await api(s.url, 'POST', '/api/v1/matches', {
      token: dee.accessToken,
      body: { bot: 'easy' },
    });
    assert.equal(bot.status, 201);
    dee.client.send({ type: 'queue.join', mode: 'casual', id: 'q' });
    const error = await dee.client.next('error');
    assert.equal(error.code, 'CONFLICT');
    assert.equal(error.id, 'q');
    dee.client.send({ type: 'game.leave', matchId: bot.body.data.id });
    dee.client.close();
  });
});
