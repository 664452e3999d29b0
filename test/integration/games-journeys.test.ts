/**
 * What a player needs to finish the journeys they start: crossing invites
 * and crossing rematch offers become one match, their own matches (open
 * invites both ways, live, ended, private) at GET /me/matches, the admin
 * list filtered by player, and a replay of an imported match explaining
 * why there is nothing to replay.
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
  type Player,
} from '../support/games.ts';
import { importMatches } from '../support/stats.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('games: journeys of a player', function () {
  this.timeout(60_000);
  const s = suiteServer(() => startGameServer());
  let admin: string;
  before(async () => {
    admin = await loginAs(s.url, 'admin', adminPassword);
  });

  const openMatches = (a: Player, b: Player) =>
    s
      .db('matches as m')
      .whereIn('m.state', ['pending', 'ready', 'countdown', 'playing'])
      .whereExists(s.db('match_players').whereRaw('match_id = m.id').where('user_id', a.id))
      .whereExists(s.db('match_players').whereRaw('match_id = m.id').where('user_id', b.id))
      .select('m.id', 'm.state');

  it('two players inviting each other get one match, ready at once; the second invite accepts the first', async () => {
    const [ann, ben] = [await player(s, 'an'), await player(s, 'be')];
    const first = await postMatch(s, ann.accessToken, { opponent: ben.username });
    assert.equal(first.body.data.state, 'pending');
    const second = await postMatch(s, ben.accessToken, { opponent: ann.username });
    assert.equal(second.status, 201, JSON.stringify(second.body));
    assert.equal(second.body.data.id, first.body.data.id, 'the same match');
    assert.equal(second.body.data.state, 'ready');
    assert.deepEqual(await openMatches(ann, ben), [{ id: first.body.data.id, state: 'ready' }]);
    const invites = await s
      .db('notifications')
      .where({ user_id: ann.id, type: 'game_invite' })
      .count<{ n: number }[]>({ n: '*' });
    assert.equal(Number(invites[0]!.n), 0, 'ann was not invited back');
  });

  it('invites sent at the same moment still become one match', async () => {
    const [cid, dee] = [await player(s, 'ci'), await player(s, 'de')];
    const both = await Promise.all([
      postMatch(s, cid.accessToken, { opponent: dee.username }),
      postMatch(s, dee.accessToken, { opponent: cid.username }),
    ]);
    const open = await openMatches(cid, dee);
    assert.equal(open.length, 1, JSON.stringify(open));
    assert.equal(open[0]!.state, 'ready');
    assert.ok(both.every((r) => r.status === 201 && r.body.data.id === open[0]!.id));
  });

  it('crossing rematch offers after a match become one match', async () => {
    const [eve, fox] = [await player(s, 'ev'), await player(s, 'fo')];
    const created = await postMatch(s, eve.accessToken, {
      opponent: fox.username,
      settings: quickSettings,
    });
    const id = created.body.data.id as string;
    await api(s.url, 'POST', `/api/v1/matches/${id}/accept`, { token: fox.accessToken });
    await joinAndReady(eve, id);
    await joinAndReady(fox, id);
    await untilPlaying(fox.client);
    fox.client.send({ type: 'game.input', matchId: id, seq: 1, dir: -1 });
    await fox.client.next('game.end', 15_000);
    // The result is stored after game.end; a rematch needs the stored end.
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const row = await s.db('matches').where({ id }).first();
      if (row.ended_at) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const a = await api(s.url, 'POST', `/api/v1/matches/${id}/rematch`, {
      token: eve.accessToken,
    });
    const b = await api(s.url, 'POST', `/api/v1/matches/${id}/rematch`, {
      token: fox.accessToken,
    });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(b.body.data.id, a.body.data.id);
    assert.equal(b.body.data.state, 'ready');
    assert.equal(b.body.data.rematchOf, id);
    assert.equal((await openMatches(eve, fox)).length, 1);
  });

  it('GET /me/matches lists the player’s own matches: invites both ways, private ones, by state; the admin list filters by player', async () => {
    const [gus, hal, ivy] = [await player(s, 'gu'), await player(s, 'ha'), await player(s, 'iv')];
    const out = await postMatch(s, gus.accessToken, {
      opponent: hal.username,
      visibility: 'private',
    });
    const inn = await postMatch(s, ivy.accessToken, { opponent: gus.username });
    const mine = async (token: string, query = '') => {
      const res = await api(s.url, 'GET', `/api/v1/me/matches${query}`, { token });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.data as { id: string; state: string }[];
    };
    const pending = await mine(gus.accessToken, '?state=pending');
    assert.deepEqual(
      pending.map((m) => m.id).sort(),
      [inn.body.data.id, out.body.data.id].sort(),
      'received and sent, the private one too',
    );
    assert.deepEqual(
      (await mine(hal.accessToken)).map((m) => m.id),
      [out.body.data.id],
      'only matches one plays in',
    );
    assert.deepEqual(await mine(gus.accessToken, '?state=live'), []);
    const paged = await api(s.url, 'GET', '/api/v1/me/matches?limit=1', {
      token: gus.accessToken,
    });
    assert.equal(paged.body.data.length, 1);
    const next = await api(
      s.url,
      'GET',
      `/api/v1/me/matches?limit=1&cursor=${encodeURIComponent(paged.body.meta.nextCursor)}`,
      { token: gus.accessToken },
    );
    assert.deepEqual(
      [paged.body.data[0].id, next.body.data[0].id].sort(),
      [inn.body.data.id, out.body.data.id].sort(),
      'the cursor walks on to the other one',
    );
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/me/matches?state=nope', { token: gus.accessToken })).status,
      400,
    );
    assert.equal((await api(s.url, 'GET', '/api/v1/me/matches')).status, 401);

    const byUser = await api(s.url, 'GET', `/api/v1/admin/matches?user=${hal.username}`, {
      token: admin,
    });
    assert.deepEqual(
      byUser.body.data.map((m: { id: string }) => m.id),
      [out.body.data.id],
    );
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/admin/matches?user=nobody-here', { token: admin })).status,
      404,
    );
    assert.equal(
      (
        await api(s.url, 'GET', `/api/v1/admin/matches?user=${hal.username}`, {
          token: gus.accessToken,
        })
      ).status,
      403,
    );
  });

  it('the replay of an imported match says it was imported without an input log', async () => {
    const [jo, kim] = [await player(s, 'jo'), await player(s, 'ki')];
    const [id] = await importMatches(s.url, admin, [
      {
        left: jo.username,
        right: kim.username,
        score: [5, 3],
        startedAt: new Date(Date.now() - 3_600_000),
      },
    ]);
    const res = await api(s.url, 'GET', `/api/v1/matches/${id}/replay`, {
      token: jo.accessToken,
    });
    assert.equal(res.status, 409);
    assert.match(res.body.error.message, /imported without an input log/);
  });
});
