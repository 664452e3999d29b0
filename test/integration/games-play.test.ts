/**
 * Matches end to end over real WebSockets: an invite accepted and played to
 * the end by two scripted players while a third watches, the result, stats,
 * timeline, history and replay stored, a ranked match from the matchmaking
 * entry point changing ratings, a replay streamed back with the same score.
 */
import assert from 'node:assert/strict';
import { gameMessages, gameViewSchema } from '../../api/contract/game.ts';
import { decodeInputLog, replay } from '../../api/game/input-log.ts';
import { createMatchFromQueue } from '../../api/domain/games/service.ts';
import { gameSettingsSchema } from '../../api/contract/game.ts';
import { api } from '../support/accounts.ts';
import { connect } from '../support/ws-client.ts';
import {
  drain,
  joinAndReady,
  player,
  postMatch,
  quickSettings,
  startGameServer,
  untilPlaying,
  type Player,
} from '../support/games.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('games: play over WebSockets', function () {
  this.timeout(60_000);
  const s = suiteServer(() => startGameServer());

  /** Both join and ready; `loser` holds up from the start and concedes every point. */
  async function play(matchId: string, loser: Player, winner: Player) {
    await joinAndReady(winner, matchId);
    await joinAndReady(loser, matchId);
    await untilPlaying(loser.client);
    loser.client.send({ type: 'game.input', matchId, seq: 1, dir: -1 });
    const ends = await Promise.all([
      loser.client.next('game.end', 15_000),
      winner.client.next('game.end', 15_000),
    ]);
    return ends;
  }

  it('an accepted invite is played to the end while a spectator watches at the lower rate; everything is stored', async () => {
    const [alice, bob, carol] = [
      await player(s, 'al'),
      await player(s, 'bo'),
      await player(s, 'ca'),
    ];
    const created = await postMatch(s, alice.accessToken, {
      opponent: bob.username,
      settings: quickSettings,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.data.id as string;
    assert.equal(created.body.data.state, 'pending');
    assert.ok(created.body.data.inviteExpiresAt);
    const invite = await s
      .db('notifications')
      .where({ user_id: bob.id, type: 'game_invite' })
      .first();
    assert.ok(invite, 'bob got a game_invite notification');
    assert.equal(
      (typeof invite.payload === 'string' ? JSON.parse(invite.payload) : invite.payload).matchId,
      id,
    );
    assert.equal(
      (await api(s.url, 'POST', `/api/v1/matches/${id}/accept`, { token: alice.accessToken }))
        .status,
      403,
      'the inviter cannot accept',
    );
    const accepted = await api(s.url, 'POST', `/api/v1/matches/${id}/accept`, {
      token: bob.accessToken,
    });
    assert.equal(accepted.body.data.state, 'ready');

    await joinAndReady(alice, id);
    await joinAndReady(bob, id);
    await untilPlaying(alice.client);
    assert.equal(
      (await s.social.presence.statusOf([alice.id])).get(alice.id),
      'in_game',
      'presence shows in_game while playing',
    );
    const live = await api(s.url, 'GET', '/api/v1/matches?state=live', {
      token: carol.accessToken,
    });
    assert.ok(
      live.body.data.some((m: { id: string }) => m.id === id),
      'listed as live',
    );
    carol.client.send({ type: 'spectate.start', username: bob.username, id: 'watch' });
    const first = await carol.client.next('game.state');
    assert.equal(first.id, 'watch');
    drain(alice.client);
    drain(carol.client);
    alice.client.send({ type: 'game.input', matchId: id, seq: 1, dir: -1 });
    const [aliceEnd, bobEnd, carolEnd] = await Promise.all([
      alice.client.next('game.end', 15_000),
      bob.client.next('game.end', 15_000),
      carol.client.next('game.end', 15_000),
    ]);
    for (const end of [aliceEnd, bobEnd, carolEnd]) gameMessages['game.end'].schema.parse(end);
    assert.equal(aliceEnd.winner, bob.username);
    assert.deepEqual(aliceEnd.score, [0, 2]);
    assert.equal(aliceEnd.ratingChange, undefined, 'direct invites are unranked');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(
      (await s.social.presence.statusOf([alice.id])).get(alice.id),
      'online',
      'back to online after the match',
    );
    const playerFrames = drain(alice.client);
    const spectatorFrames = drain(carol.client);
    assert.ok(playerFrames > 20, `players got ${playerFrames} frames`);
    const ratio = spectatorFrames / playerFrames;
    assert.ok(
      ratio > 0.4 && ratio < 0.6,
      `spectator/player frame ratio ${ratio} (${spectatorFrames}/${playerFrames})`,
    );

    const got = await api(s.url, 'GET', `/api/v1/matches/${id}`, { token: carol.accessToken });
    const match = got.body.data;
    assert.equal(match.state, 'finished');
    assert.equal(match.reason, 'points');
    assert.equal(match.winner, bob.username);
    assert.deepEqual(
      match.players.map((p: { points: number }) => p.points),
      [0, 2],
    );
    assert.equal(match.timeline.length, 2);
    assert.deepEqual(match.timeline[1].score, [0, 2]);
    assert.ok(
      match.stats.durationSec > 0 && match.stats.maxBallSpeed >= 900,
      JSON.stringify(match.stats),
    );
    const history = await api(s.url, 'GET', `/api/v1/users/${alice.username}/matches?limit=5`, {
      token: carol.accessToken,
    });
    assert.equal(history.body.data[0].id, id);

    const stored = await api(s.url, 'GET', `/api/v1/matches/${id}/replay`, {
      token: carol.accessToken,
    });
    const data = stored.body.data;
    const final = replay(
      gameSettingsSchema.parse(data.settings),
      data.seed,
      decodeInputLog(data.inputLog),
    );
    assert.deepEqual(
      [final.leftScore, final.rightScore],
      match.score,
      'the stored log replays to the stored score',
    );
    assert.equal(final.tick, data.ticks);

    carol.client.send({ type: 'replay.start', matchId: id, speed: 4 });
    const replayEnd = await carol.client.next('game.end', 10_000);
    assert.deepEqual(replayEnd.score, [0, 2]);
    const frames = carol.client.received.filter((m) => m.type === 'game.state');
    assert.ok(frames.length > 2);
    assert.deepEqual(
      gameViewSchema.parse(frames.at(-1)!.state).score,
      [0, 2],
      'the streamed replay ends on the stored score',
    );
    for (const p of [alice, bob, carol]) p.client.close();
  });

  it('a ranked match from the matchmaking entry point changes both ratings; bot matches do not', async () => {
    const [dan, eve] = [await player(s, 'da'), await player(s, 'ev')];
    const spec = await createMatchFromQueue(s.games, {
      a: dan.id,
      b: eve.id,
      ranked: true,
      settings: gameSettingsSchema.parse(quickSettings),
    });
    const loser =
      spec.players[0] && 'userId' in spec.players[0] && spec.players[0].userId === dan.id
        ? dan
        : eve;
    const winner = loser === dan ? eve : dan;
    const [loserEnd, winnerEnd] = await play(spec.id, loser, winner);
    assert.equal(winnerEnd.winner, winner.username);
    assert.ok(
      (winnerEnd.ratingChange as number) > 0 && (loserEnd.ratingChange as number) < 0,
      JSON.stringify([winnerEnd, loserEnd]),
    );
    const ratings = await s.db('ratings').whereIn('user_id', [dan.id, eve.id]).select();
    assert.equal(ratings.length, 2);
    const won = ratings.find((r) => r.user_id === winner.id);
    assert.ok(won.rating > 1500 && won.deviation < 350 && won.matches === 1 && won.wins === 1);
    assert.equal((await s.db('rating_history').where({ match_id: spec.id })).length, 2);

    const bot = await postMatch(s, dan.accessToken, {
      bot: 'hard',
      settings: { ...quickSettings, serve: { ...quickSettings.serve, first: 'right' } },
    });
    assert.equal(bot.body.data.state, 'ready');
    await joinAndReady(dan, bot.body.data.id);
    const end = await dan.client.next('game.end', 20_000);
    assert.equal(end.winner, 'bot', 'the bot beats a player who stands still');
    assert.equal(end.ratingChange, undefined);
    const after = await s.db('ratings').where({ user_id: dan.id }).first();
    assert.equal(after.matches, 1, 'the bot match did not change the rating');
    const match = await api(s.url, 'GET', `/api/v1/matches/${bot.body.data.id}`, {
      token: eve.accessToken,
    });
    assert.equal(match.body.data.kind, 'bot');
    assert.deepEqual(match.body.data.players[1], {
      side: 1,
      username: null,
      bot: 'hard',
      points: 2,
      hits: match.body.data.players[1].hits,
      ratingBefore: null,
      ratingAfter: null,
    });
    dan.client.close();
    eve.client.close();
  });

  it('a reconnecting player resumes the match on a new socket', async () => {
    const [fay, gus] = [await player(s, 'fa'), await player(s, 'gu')];
    const created = await postMatch(s, fay.accessToken, {
      bot: 'easy',
      settings: { ...quickSettings, pointsToWin: 5 },
    });
    const id = created.body.data.id as string;
    await joinAndReady(fay, id);
    await untilPlaying(fay.client);
    fay.client.close();
    await new Promise((r) => setTimeout(r, 300));
    const admin = await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: 'admin', password: (await import('../support/accounts.ts')).adminPassword },
    });
    const state = await api(s.url, 'GET', `/api/v1/admin/matches/${id}/state`, {
      token: admin.body.data.accessToken,
    });
    assert.equal(state.body.data.paused, true);
    assert.equal(state.body.data.seats[0].connected, false);
    const { client } = await connect(s.url, fay.accessToken);
    client.send({ type: 'game.join', matchId: id });
    const view = await client.next('game.state');
    assert.equal((view.state as { phase: string }).phase, 'paused');
    await untilPlaying(client);
    client.close();
    void gus;
    gus.client.close();
  });
});
