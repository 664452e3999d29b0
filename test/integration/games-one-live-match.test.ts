/**
 * One live match per user, enforced by the database: two API processes on
 * one PostgreSQL database (no Redis, so nothing but the database is shared)
 * cannot both start a match for one user, neither one after the other nor
 * racing; and within one process concurrent creations give one match.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import knex, { type Knex } from 'knex';
import { api, register, type Registered } from '../support/accounts.ts';
import { startApiProcess, type ApiProcess } from '../support/api-process.ts';
import { onPostgres, testDatabaseUrl } from '../support/env.ts';
import { connect } from '../support/ws-client.ts';
import { postMatch, quickSettings, startGameServer } from '../support/games.ts';
import { suiteServer } from '../support/suite-server.ts';

const slowSettings = { ...quickSettings, pointsToWin: 11, maxDurationSec: 600 };

async function liveMatchesOf(db: Knex, userId: string): Promise<string[]> {
  return db('match_players as p')
    .join('matches as m', 'm.id', 'p.match_id')
    .where('p.user_id', userId)
    .whereIn('m.state', ['ready', 'countdown', 'playing'])
    .pluck('m.id');
}

describe('games: one live match per user across instances (two processes, one PostgreSQL)', function () {
  this.timeout(180_000);
  let one: ApiProcess;
  let two: ApiProcess;
  let db: Knex;

  before(async function () {
    if (!onPostgres) this.skip(); // the embedded database belongs to one process
    const jwtSecret = randomBytes(32).toString('hex');
    one = await startApiProcess({ databaseUrl: testDatabaseUrl, jwtSecret });
    two = await startApiProcess({ databaseUrl: testDatabaseUrl, jwtSecret });
    db = knex({ client: 'pg', connection: testDatabaseUrl, pool: { min: 0, max: 2 } });
  });
  after(async () => {
    await Promise.all([one?.dispose(), two?.dispose()]);
    await db?.destroy();
  });

  it('a user in a live match on instance 1 cannot start a second one through instance 2', async () => {
    const alice = await register(one.url, 'al');
    const bob = await register(one.url, 'bo');
    const first = await api(one.url, 'POST', '/api/v1/matches', {
      token: alice.accessToken,
      body: { bot: 'easy', settings: slowSettings },
    });
    assert.equal(first.status, 201, JSON.stringify(first.body));

    const bot = await api(two.url, 'POST', '/api/v1/matches', {
      token: alice.accessToken,
      body: { bot: 'easy', settings: slowSettings },
    });
    assert.equal(bot.status, 409, JSON.stringify(bot.body));
    assert.equal(bot.body.error.code, 'CONFLICT');
    assert.match(bot.body.error.message, new RegExp(`${alice.username} is already in a match`));

    // An invite may wait; accepting it would make alice live twice.
    const invite = await api(two.url, 'POST', '/api/v1/matches', {
      token: bob.accessToken,
      body: { opponent: alice.username, settings: slowSettings },
    });
    assert.equal(invite.status, 201, JSON.stringify(invite.body));
    const accept = await api(two.url, 'POST', `/api/v1/matches/${invite.body.data.id}/accept`, {
      token: alice.accessToken,
    });
    assert.equal(accept.status, 409, JSON.stringify(accept.body));
    assert.match(accept.body.error.message, new RegExp(`${alice.username} is already in a match`));
    const still = await api(two.url, 'GET', `/api/v1/matches/${invite.body.data.id}`, {
      token: bob.accessToken,
    });
    assert.equal(still.body.data.state, 'pending', 'the refused accept leaves the invite open');

    assert.deepEqual(await liveMatchesOf(db, alice.id), [first.body.data.id]);

    // Once the first match ends (alice leaves it from her socket), the invite can be accepted on instance 2.
    const { client } = await connect(one.url, alice.accessToken);
    client.send({ type: 'game.join', matchId: first.body.data.id, id: 'j' });
    await client.next('game.state', 10_000);
    client.send({ type: 'game.leave', matchId: first.body.data.id });
    await client.next('game.end', 10_000);
    client.close();
    const later = await api(two.url, 'POST', `/api/v1/matches/${invite.body.data.id}/accept`, {
      token: alice.accessToken,
    });
    assert.equal(later.status, 200, JSON.stringify(later.body));
    assert.deepEqual(await liveMatchesOf(db, alice.id), [invite.body.data.id]);
  });

  it('concurrent creations for one user through both instances give exactly one live match', async () => {
    const users: Registered[] = [];
    for (let i = 0; i < 4; i++) users.push(await register(one.url, 'rc'));
    for (const user of users) {
      const attempts = [one, two, one, two].map((s) =>
        api(s.url, 'POST', '/api/v1/matches', {
          token: user.accessToken,
          body: { bot: 'easy', settings: slowSettings },
        }),
      );
      const replies = await Promise.all(attempts);
      const statuses = replies.map((r) => r.status).sort();
      assert.deepEqual(statuses, [201, 409, 409, 409], JSON.stringify(replies.map((r) => r.body)));
      const won = replies.find((r) => r.status === 201)!;
      assert.deepEqual(await liveMatchesOf(db, user.id), [won.body.data.id]);
    }
  });
});

describe('games: one live match per user within one server', function () {
  this.timeout(60_000);
  const s = suiteServer(() => startGameServer());

  it('concurrent creations give one match and 409 CONFLICT for the rest', async () => {
    const user = await register(s.url, 'cc');
    const replies = await Promise.all(
      [1, 2, 3].map(() => postMatch(s, user.accessToken, { bot: 'easy', settings: slowSettings })),
    );
    assert.deepEqual(
      replies.map((r) => r.status).sort(),
      [201, 409, 409],
      JSON.stringify(replies.map((r) => r.body)),
    );
    for (const r of replies.filter((x) => x.status === 409))
      assert.match(r.body.error.message, /is already in a match/);
    const won = replies.find((r) => r.status === 201)!;
    assert.deepEqual(await liveMatchesOf(s.db, user.id), [won.body.data.id]);
  });
});
