/**
 * Match rules over HTTP and WebSocket: blocked users cannot invite, declines
 * and rematches, invalid inputs answered with errors while the match plays on,
 * admin abort (audited), private matches hidden from everyone else, history
 * pages newest first.
 */
import assert from 'node:assert/strict';
import { adminPassword, api, loginAs } from '../support/accounts.ts';
import {
  joinAndReady,
  player,
  postMatch,
  quickSettings,
  startGameServer,
  untilPlaying,
} from '../support/games.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('games: rules', function () {
  this.timeout(60_000);
  const s = suiteServer(() => startGameServer());
  let admin: string;
  before(async () => {
    admin = await loginAs(s.url, 'admin', adminPassword);
  });

  it('refuses invites between users who block each other, either way', async () => {
    const [a, b, c] = [await player(s, 'ba'), await player(s, 'bb'), await player(s, 'bc')];
    await s.db('user_blocks').insert({ blocker_id: b.id, blocked_id: a.id });
    const res = await postMatch(s, a.accessToken, { opponent: b.username });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'FORBIDDEN');
    assert.equal((await postMatch(s, b.accessToken, { opponent: a.username })).status, 403);
    assert.equal(
      (await s.db('matches').where({ created_by: a.id })).length,
      0,
      'no match row was written',
    );
    assert.equal(
      (await postMatch(s, a.accessToken, { opponent: a.username })).status,
      400,
      'not yourself',
    );
    assert.equal((await postMatch(s, a.accessToken, { opponent: 'nobody-here' })).status, 404);
    assert.equal(
      (await postMatch(s, a.accessToken, { opponent: c.username, bot: 'easy' })).status,
      400,
      'opponent or bot, not both',
    );
    assert.equal(
      (await postMatch(s, a.accessToken, { bot: 'easy', settings: { pointsToWin: 99 } })).status,
      400,
      'settings are bounded',
    );
    for (const p of [a, b, c]) p.client.close();
  });

  it('treats a body that looks like an invite as text: no invite, nothing to accept', async () => {
    const [a, b] = [await player(s, 'fa'), await player(s, 'fb')];
    const real = await postMatch(s, a.accessToken, { opponent: b.username });
    assert.equal(real.status, 201, JSON.stringify(real.body));
    const conv = await api(s.url, 'POST', '/api/v1/conversations/direct', {
      token: b.accessToken,
      body: { username: a.username },
    });
    const forged = `[game-invite:${real.body.data.id}] invites you to a match, first to 3`;
    const sent = await api(s.url, 'POST', `/api/v1/conversations/${conv.body.data.id}/messages`, {
      token: b.accessToken,
      body: { body: forged },
    });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.equal(sent.body.data.invite, null);
    assert.equal(sent.body.data.body, forged, 'the text is kept as written');
    const seen = await a.client.next('chat.message');
    assert.equal((seen.message as { invite: unknown }).invite, null, 'live too');
    b.client.send({ type: 'chat.send', id: 'f1', conversationId: conv.body.data.id, body: forged });
    const ws = await b.client.next('chat.sent');
    assert.equal((ws.message as { invite: unknown }).invite, null, 'over the WebSocket too');
    const listed = await api(s.url, 'GET', '/api/v1/conversations', { token: a.accessToken });
    const mine = listed.body.data.find((c: { id: string }) => c.id === conv.body.data.id);
    assert.equal(mine.lastMessage.invite, null, 'and in the conversation list');
    const row = await s
      .db('chat_messages')
      .where({ id: Number(sent.body.data.id) })
      .first();
    assert.equal(row.invite_match_id, null);
    await api(s.url, 'POST', `/api/v1/matches/${real.body.data.id}/decline`, {
      token: a.accessToken,
    });
    a.client.close();
    b.client.close();
  });

  it('posts an invite into a direct conversation that the other side accepts from the chat', async () => {
    const [a, b] = [await player(s, 'ca'), await player(s, 'cb')];
    const conv = await api(s.url, 'POST', '/api/v1/conversations/direct', {
      token: a.accessToken,
      body: { username: b.username },
    });
    assert.ok(conv.status < 300, JSON.stringify(conv.body));
    const res = await api(s.url, 'POST', `/api/v1/conversations/${conv.body.data.id}/invite`, {
      token: a.accessToken,
      body: { settings: quickSettings },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const seen = await b.client.next('chat.message');
    const live = seen.message as { body: string; invite: { matchId: string; expiresAt: string } };
    // The invite is the server-set field; the body is text and carries no marker to parse.
    const matchId = live.invite.matchId;
    assert.equal(matchId, res.body.data.match.id);
    assert.equal(live.invite.expiresAt, res.body.data.match.inviteExpiresAt);
    assert.doesNotMatch(live.body, /game-invite/);
    assert.deepEqual(res.body.data.message.invite, live.invite, 'the HTTP answer carries it too');
    const history = await api(s.url, 'GET', `/api/v1/conversations/${conv.body.data.id}/messages`, {
      token: b.accessToken,
    });
    assert.deepEqual(history.body.data[0].invite, live.invite, 'and so does history');
    const accepted = await api(s.url, 'POST', `/api/v1/matches/${matchId}/accept`, {
      token: b.accessToken,
    });
    assert.equal(accepted.body.data.state, 'ready');
    const world = (
      await api(s.url, 'GET', '/api/v1/conversations?limit=50', { token: a.accessToken })
    ).body.data.find((c: { kind: string }) => c.kind === 'channel');
    if (world)
      assert.equal(
        (
          await api(s.url, 'POST', `/api/v1/conversations/${world.id}/invite`, {
            token: a.accessToken,
            body: {},
          })
        ).status,
        400,
      );
    await api(s.url, 'POST', `/api/v1/admin/matches/${matchId}/abort`, {
      token: admin,
      body: { reason: 'cleanup' },
    });
    await s.db('user_blocks').insert({ blocker_id: b.id, blocked_id: a.id });
    assert.equal(
      (
        await api(s.url, 'POST', `/api/v1/conversations/${conv.body.data.id}/invite`, {
          token: a.accessToken,
          body: {},
        })
      ).status,
      403,
    );
    a.client.close();
    b.client.close();
  });

  it('a declined invite ends without a result; a rematch offers the same settings again', async () => {
    const [a, b] = [await player(s, 'da'), await player(s, 'db')];
    const inv = await postMatch(s, a.accessToken, {
      opponent: b.username,
      settings: quickSettings,
    });
    const declined = await api(s.url, 'POST', `/api/v1/matches/${inv.body.data.id}/decline`, {
      token: b.accessToken,
    });
    assert.equal(declined.body.data.state, 'aborted');
    assert.equal(declined.body.data.reason, 'declined');
    assert.equal(
      (
        await api(s.url, 'POST', `/api/v1/matches/${inv.body.data.id}/accept`, {
          token: b.accessToken,
        })
      ).status,
      409,
    );
    assert.equal(
      (
        await api(s.url, 'POST', `/api/v1/matches/${inv.body.data.id}/rematch`, {
          token: a.accessToken,
        })
      ).status,
      409,
      'never played',
    );

    const botMatch = await postMatch(s, a.accessToken, { bot: 'hard', settings: quickSettings });
    await joinAndReady(a, botMatch.body.data.id);
    await a.client.next('game.end', 20_000);
    const again = await api(s.url, 'POST', `/api/v1/matches/${botMatch.body.data.id}/rematch`, {
      token: a.accessToken,
    });
    assert.equal(again.status, 201);
    assert.equal(again.body.data.rematchOf, botMatch.body.data.id);
    assert.equal(again.body.data.settings.pointsToWin, 2);
    assert.equal(again.body.data.players[1].bot, 'hard');
    assert.equal(
      (
        await api(s.url, 'POST', `/api/v1/matches/${botMatch.body.data.id}/rematch`, {
          token: b.accessToken,
        })
      ).status,
      403,
    );
    await api(s.url, 'POST', `/api/v1/admin/matches/${again.body.data.id}/abort`, {
      token: admin,
      body: { reason: 'cleanup' },
    });
    a.client.close();
    b.client.close();
  });

  it('answers invalid inputs with errors and the match plays on undisturbed', async () => {
    const [a, b, x] = [await player(s, 'ia'), await player(s, 'ib'), await player(s, 'ix')];
    const inv = await postMatch(s, a.accessToken, {
      opponent: b.username,
      settings: quickSettings,
    });
    const id = inv.body.data.id as string;
    await api(s.url, 'POST', `/api/v1/matches/${id}/accept`, { token: b.accessToken });
    await joinAndReady(a, id);
    await joinAndReady(b, id);
    await untilPlaying(a.client);
    x.client.send({ type: 'game.input', matchId: id, seq: 1, dir: 1, id: 'x1' });
    assert.equal((await x.client.next('error')).code, 'FORBIDDEN');
    x.client.send({ type: 'game.join', matchId: id, id: 'x2' });
    assert.equal((await x.client.next('error')).code, 'FORBIDDEN');
    a.client.send({ type: 'game.input', matchId: 'not-a-match', seq: 1, dir: 1, id: 'a1' });
    assert.equal((await a.client.next('error')).code, 'NOT_FOUND');
    a.client.send({ type: 'game.input', matchId: id, seq: 1, dir: 7, id: 'a2' });
    assert.equal((await a.client.next('error')).code, 'VALIDATION');
    // A spectator is read-only: its inputs are refused like anyone's who does not play.
    x.client.send({ type: 'spectate.start', matchId: id });
    await x.client.next('game.state');
    x.client.send({ type: 'game.input', matchId: id, seq: 2, dir: -1, id: 'x3' });
    assert.equal((await x.client.next('error')).code, 'FORBIDDEN');
    // A flood within one tick: the first inputs count, the rest are refused.
    for (let seq = 10; seq < 30; seq++)
      b.client.send({ type: 'game.input', matchId: id, seq, dir: 0, id: `f${seq}` });
    const flood = await b.client.next('error');
    assert.equal(flood.code, 'RATE_LIMITED');
    a.client.send({ type: 'game.input', matchId: id, seq: 2, dir: -1 });
    const end = await b.client.next('game.end', 15_000);
    assert.equal(end.outcome, 'finished');
    assert.deepEqual(end.score, [0, 2]);
    assert.equal((await x.client.next('game.end')).winner, b.username, 'the spectator saw the end');
    for (const p of [a, b, x]) p.client.close();
  });

  it('lets an admin see the live state and abort a match, audited; players get game.end', async () => {
    const a = await player(s, 'aa');
    const created = await postMatch(s, a.accessToken, {
      bot: 'easy',
      settings: { ...quickSettings, pointsToWin: 21 },
    });
    const id = created.body.data.id as string;
    await joinAndReady(a, id);
    await untilPlaying(a.client);
    const state = await api(s.url, 'GET', `/api/v1/admin/matches/${id}/state`, { token: admin });
    assert.equal(state.body.data.state, 'playing');
    assert.equal(state.body.data.seats[0].connected, true);
    assert.equal(
      (await api(s.url, 'GET', `/api/v1/admin/matches/${id}/state`, { token: a.accessToken }))
        .status,
      403,
    );
    const listed = await api(s.url, 'GET', '/api/v1/admin/matches?state=live', { token: admin });
    assert.ok(listed.body.data.some((m: { id: string }) => m.id === id));
    const aborted = await api(s.url, 'POST', `/api/v1/admin/matches/${id}/abort`, {
      token: admin,
      body: { reason: 'test abort' },
    });
    assert.equal(aborted.status, 200, JSON.stringify(aborted.body));
    assert.equal(aborted.body.data.state, 'aborted');
    assert.equal(aborted.body.data.reason, 'admin: test abort');
    const end = await a.client.next('game.end');
    assert.equal(end.outcome, 'aborted');
    const audit = await s.db('audit_log').where({ action: 'match.abort', target: id }).first();
    assert.ok(audit, 'audited');
    assert.equal(
      (typeof audit.details === 'string' ? JSON.parse(audit.details) : audit.details).reason,
      'test abort',
    );
    assert.equal(
      (
        await api(s.url, 'POST', `/api/v1/admin/matches/${id}/abort`, {
          token: admin,
          body: { reason: 'again' },
        })
      ).status,
      409,
    );
    assert.match(s.logText(), /"event.action":"match.abort"/);
    const metrics = await (await fetch(`${s.metricsUrl}/metrics`)).text();
    assert.match(metrics, /game_matches_finished_total\{kind="bot",outcome="abandoned"\} [1-9]/);
    assert.match(metrics, /game_tick_lateness_seconds_count [1-9]/);
    assert.match(metrics, /game_tick_duration_seconds_bucket/);
    a.client.close();
  });

  it('hides private matches from everyone but their players', async () => {
    const [a, other] = [await player(s, 'pa'), await player(s, 'po')];
    const created = await postMatch(s, a.accessToken, {
      bot: 'hard',
      settings: quickSettings,
      visibility: 'private',
    });
    const id = created.body.data.id as string;
    await joinAndReady(a, id);
    await untilPlaying(a.client);
    const live = await api(s.url, 'GET', '/api/v1/matches?state=live&limit=100', {
      token: other.accessToken,
    });
    assert.ok(!live.body.data.some((m: { id: string }) => m.id === id), 'not listed as live');
    assert.equal(
      (await api(s.url, 'GET', `/api/v1/matches/${id}`, { token: other.accessToken })).status,
      404,
    );
    // Answered as if there were no match: a stranger learns nothing about a private one.
    other.client.send({ type: 'spectate.start', matchId: id, id: 's' });
    assert.equal((await other.client.next('error')).code, 'NOT_FOUND');
    other.client.send({ type: 'spectate.start', username: a.username, id: 's2' });
    assert.equal((await other.client.next('error')).code, 'NOT_FOUND');
    await a.client.next('game.end', 20_000);
    await new Promise((r) => setTimeout(r, 100));
    const theirs = await api(s.url, 'GET', `/api/v1/users/${a.username}/matches`, {
      token: other.accessToken,
    });
    assert.equal(theirs.body.data.length, 0, 'not in the public history');
    const mine = await api(s.url, 'GET', `/api/v1/users/${a.username}/matches`, {
      token: a.accessToken,
    });
    assert.equal(mine.body.data[0].id, id);
    assert.equal(
      (await api(s.url, 'GET', `/api/v1/matches/${id}/replay`, { token: other.accessToken }))
        .status,
      404,
    );
    assert.equal(
      (await api(s.url, 'GET', `/api/v1/matches/${id}/replay`, { token: a.accessToken })).status,
      200,
    );
    other.client.send({ type: 'replay.start', matchId: id, speed: 2, id: 'r' });
    assert.equal((await other.client.next('error')).code, 'NOT_FOUND');
    a.client.close();
    other.client.close();
  });

  it('pages a history newest first with a cursor', async () => {
    const a = await player(s, 'ha');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await postMatch(s, a.accessToken, {
        bot: 'hard',
        settings: { ...quickSettings, pointsToWin: 1 },
      });
      ids.push(created.body.data.id);
      await joinAndReady(a, created.body.data.id);
      await a.client.next('game.end', 20_000);
      // The server's clock is the test's: move it so each end has its own time.
      s.clock.advance(1_000);
    }
    await new Promise((r) => setTimeout(r, 100));
    const first = await api(s.url, 'GET', `/api/v1/users/${a.username}/matches?limit=2`, {
      token: a.accessToken,
    });
    assert.deepEqual(
      first.body.data.map((m: { id: string }) => m.id),
      [ids[2], ids[1]],
    );
    assert.ok(first.body.meta.nextCursor);
    const second = await api(
      s.url,
      'GET',
      `/api/v1/users/${a.username}/matches?limit=2&cursor=${first.body.meta.nextCursor}`,
      { token: a.accessToken },
    );
    assert.deepEqual(
      second.body.data.map((m: { id: string }) => m.id),
      [ids[0]],
    );
    assert.equal(second.body.meta.nextCursor, null);
    assert.equal(
      (
        await api(s.url, 'GET', `/api/v1/users/${a.username}/matches?cursor=bogus`, {
          token: a.accessToken,
        })
      ).status,
      400,
    );
    a.client.close();
  });
});
