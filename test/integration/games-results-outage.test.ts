/**
 * No result is lost: matches that end while a private PostgreSQL is stopped
 * or frozen get `game.end` with `stored: false`, are held in the spool file,
 * and once the database is back (no restart of the API) they show their true
 * result, rating changes and tournament progress, each written once, and the
 * players get `game.stored`.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import knex from 'knex';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createMatchFromQueue } from '../../api/domain/games/service.ts';
import { gameSettingsSchema } from '../../api/contract/game.ts';
import { gameMessages } from '../../api/contract/game.ts';
import { createDb } from '../../api/core/db.ts';
import { api, register } from '../support/accounts.ts';
import { startApiProcess, type ApiProcess } from '../support/api-process.ts';
import { until as waitFor } from '../support/poll.ts';
import { connect } from '../support/ws-client.ts';
import { onPostgres } from '../support/env.ts';
import {
  joinAndReady,
  quickSettings,
  untilPlaying,
  player,
  startGameServer,
  type Player,
  type GameServer,
} from '../support/games.ts';
import {
  startPrivatePostgres,
  startPrivateRedis,
  type PrivatePostgres,
  type PrivateRedis,
} from '../support/private-services.ts';
import {
  action,
  createTournament,
  registerAll,
  seededPlayers,
  startTournamentServer,
  untilView,
  view,
  type TournamentServer,
} from '../support/tournaments.ts';
import type { WsMessage } from '../support/ws-client.ts';

const spooled = (s: GameServer) => readdirSync(path.join(s.dataDir, 'pending-results'));

/** Both join and ready and play begins; nobody moves yet (straight serves rally forever). */
async function begin(matchId: string, a: Player, b: Player): Promise<void> {
  await joinAndReady(a, matchId);
  await joinAndReady(b, matchId);
  await Promise.all([untilPlaying(a.client), untilPlaying(b.client)]);
}

/** The left player holds "up" and concedes every point; both get game.end. */
async function concede(matchId: string, left: Player, right: Player): Promise<WsMessage[]> {
  left.client.send({ type: 'game.input', matchId, seq: 1, dir: -1 });
  const ends = await Promise.all([
    left.client.next('game.end', 20_000),
    right.client.next('game.end', 20_000),
  ]);
  for (const end of ends) gameMessages['game.end'].schema.parse(end);
  return ends;
}

function leftOf(spec: { players: unknown[] }, a: Player, b: Player): [Player, Player] {
  const first = spec.players[0] as { userId?: string };
  return first.userId === a.id ? [a, b] : [b, a];
}

describe('games: no result lost while PostgreSQL is away (private PostgreSQL)', function () {
  this.timeout(180_000);
  let pg: PrivatePostgres;
  let s: TournamentServer;

  before(async function () {
    if (!onPostgres) this.skip(); // the PostgreSQL pass; PGlite's spool is covered below
    pg = await startPrivatePostgres();
    s = await startTournamentServer({ DATABASE_URL: pg.url, DATABASE_POOL_MAX: '4' });
  });
  after(async () => {
    await pg?.start().catch(() => undefined);
    await s?.stop();
    await pg?.destroy();
  });

  it('a ranked match and a tournament final that end while it is stopped are stored truly once it is back', async () => {
    const players = await seededPlayers(s, 4, 'ot');
    const [p0, p1, p2, p3] = players as [Player, Player, Player, Player];
    const ranked = await createMatchFromQueue(s.games, {
      a: p0.id,
      b: p1.id,
      ranked: true,
      settings: gameSettingsSchema.parse(quickSettings),
    });
    const t = await createTournament(s, s.adminToken, { name: 'Outage Cup', capacity: 4 });
    await registerAll(s, t.id, [p2, p3]);
    assert.equal((await action(s, t.id, 'start')).status, 200);
    const final = (await view(s, t.id)).rounds[0]!.matches[0]!;
    assert.ok(final.gameId, 'the final has a game');
    const gameId = final.gameId;
    const tSpec = s.games.runner.get(gameId)!.spec;

    const [rl, rr] = leftOf(ranked, p0, p1);
    const [tl, tr] = leftOf(tSpec, p2, p3);
    await begin(ranked.id, rl, rr);
    await begin(gameId, tl, tr);

    await pg.stop();
    const [rankedEnds, finalEnds] = await Promise.all([
      concede(ranked.id, rl, rr),
      concede(gameId, tl, tr),
    ]);
    for (const end of [...rankedEnds, ...finalEnds]) {
      assert.equal(end.stored, false, `game.end says it is not stored: ${JSON.stringify(end)}`);
      assert.equal(end.ratingChange, undefined, 'no rating change before it is stored');
      assert.equal((end.score as number[])[1], 2, 'the right player won');
    }
    assert.deepEqual(
      spooled(s).sort(),
      [`${ranked.id}.json`, `${gameId}.json`].sort(),
      'both results are held in the spool file',
    );
    assert.equal(s.games.results.pendingIds().size, 2);

    await pg.start();
    const stored = await Promise.all(
      [rl, rr, tl, tr].map((p) => p.client.next('game.stored', 40_000)),
    );
    for (const m of stored) gameMessages['game.stored'].schema.parse(m);
    assert.deepEqual(spooled(s), [], 'the spool is empty once stored');
    assert.equal(s.games.results.pendingIds().size, 0);

    // The ranked match: its true result, both ratings changed once.
    const row = await s.db('matches').where({ id: ranked.id }).first();
    assert.equal(row.state, 'finished');
    assert.deepEqual([row.left_score, row.right_score], rankedEnds[0]!.score);
    assert.equal(row.winner_side, 1);
    assert.ok(row.started_at, 'play began');
    assert.equal((await s.db('rating_history').where({ match_id: ranked.id })).length, 2);
    // One timeline row per point (the left player's first input may land after a rally it won).
    assert.equal(
      (await s.db('match_timeline').where({ match_id: ranked.id })).length,
      row.left_score + row.right_score,
    );
    assert.equal((await s.db('match_input_logs').where({ match_id: ranked.id })).length, 1);
    const ratings = await s.db('ratings').whereIn('user_id', [rl.id, rr.id]);
    for (const r of ratings) assert.equal(r.matches, 21, 'one more match each, not two');
    const winnerChange = stored[1]!.ratingChange as number;
    const loserChange = stored[0]!.ratingChange as number;
    assert.ok(winnerChange > 0 && loserChange < 0, JSON.stringify(stored));
    const sides = await s.db('match_players').where({ match_id: ranked.id }).orderBy('side');
    assert.equal(
      Math.round((sides[1].rating_after - sides[1].rating_before) * 100) / 100,
      winnerChange,
      'game.stored carries the stored rating change',
    );
    const shown = await api(s.url, 'GET', `/api/v1/matches/${ranked.id}`, {
      token: rl.accessToken,
    });
    assert.equal(shown.body.data.state, 'finished');
    assert.deepEqual(shown.body.data.score, rankedEnds[0]!.score);

    // The tournament final: stored, and the tournament moved on without a scheduler tick.
    const game = await s.db('matches').where({ id: gameId }).first();
    assert.equal(game.state, 'finished');
    assert.deepEqual([game.left_score, game.right_score], finalEnds[0]!.score);
    const done = await untilView(
      () => view(s, t.id),
      (v) => v.state === 'finished',
      20_000,
    );
    assert.equal(done.winner?.username, tr.username);
    assert.equal(done.standings.find((x) => x.username === tr.username)?.played, 1);
  });

  it('a match that ends while the database is frozen (SIGSTOP) is stored once it thaws', async () => {
    const [a, b] = (await seededPlayers(s, 2, 'fz')) as [Player, Player];
    const spec = await createMatchFromQueue(s.games, {
      a: a.id,
      b: b.id,
      ranked: true,
      settings: gameSettingsSchema.parse(quickSettings),
    });
    const [left, right] = leftOf(spec, a, b);
    await begin(spec.id, left, right);
    await pg.signal('SIGSTOP');
    let ends: WsMessage[];
    try {
      ends = await concede(spec.id, left, right);
      assert.equal(spooled(s).length, 1, 'held in the spool while the database is frozen');
    } finally {
      await pg.signal('SIGCONT');
    }
    for (const end of ends) assert.equal(end.stored, false);
    await Promise.all([left, right].map((p) => p.client.next('game.stored', 40_000)));
    const row = await s.db('matches').where({ id: spec.id }).first();
    assert.equal(row.state, 'finished');
    assert.deepEqual([row.left_score, row.right_score], ends[0]!.score, 'the score game.end gave');
    assert.equal((await s.db('rating_history').where({ match_id: spec.id })).length, 2);
    assert.deepEqual(spooled(s), []);
  });
});

describe('games: the spool file is replayed after a restart (embedded PGlite)', function () {
  this.timeout(180_000);

  it('a result the database refused is stored with its true score when the server process starts again', async function () {
    if (onPostgres) this.skip(); // PGlite's pass; PostgreSQL outages are covered above
    const s = await startGameServer({ DATABASE_URL: '' });
    const dataDir = s.dataDir;
    try {
      // An outage of match ends only: the end transaction fails as if the database were gone.
      await s.db.raw(`create function refuse_ends() returns trigger language plpgsql as $$
        begin raise exception 'simulated outage' using errcode = '08006'; end $$`);
      await s.db.raw(`create trigger refuse_ends before update on matches for each row
        when (new.state in ('finished', 'aborted', 'forfeited')) execute function refuse_ends()`);
      const [a, b] = [await player(s, 'sa'), await player(s, 'sb')];
      const spec = await createMatchFromQueue(s.games, {
        a: a.id,
        b: b.id,
        ranked: true,
        settings: gameSettingsSchema.parse(quickSettings),
      });
      const [left, right] = leftOf(spec, a, b);
      await begin(spec.id, left, right);
      const ends = await concede(spec.id, left, right);
      for (const end of ends) assert.equal(end.stored, false);
      assert.deepEqual(spooled(s), [`${spec.id}.json`]);
      left.client.close();
      right.client.close();
      await s.shutdown();

      const db = createDb({ databaseUrl: undefined, dataDir });
      await db.raw('drop trigger refuse_ends on matches');
      await db.raw('drop function refuse_ends');
      const before = await db('matches').where({ id: spec.id }).first();
      assert.equal(before.state, 'playing', 'nothing stored the end before the restart');
      await db.destroy();

      const again = await startApiProcess({ databaseUrl: '', dataDir });
      try {
        const shown = await api(again.url, 'GET', `/api/v1/matches/${spec.id}`, {
          token: left.accessToken,
        });
        assert.equal(shown.status, 200, JSON.stringify(shown.body));
        assert.equal(shown.body.data.state, 'finished', JSON.stringify(shown.body.data));
        assert.deepEqual(shown.body.data.score, ends[0]!.score);
        assert.notEqual(shown.body.data.reason, 'server_restart');
        assert.ok(
          shown.body.data.players.every((p: { ratingAfter: number | null }) => p.ratingAfter),
          'ratings were changed',
        );
        assert.deepEqual(readdirSync(path.join(dataDir, 'pending-results')), []);
      } finally {
        await again.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('games: a result held in Redis by an instance that died is stored by another', function () {
  this.timeout(240_000);
  let pg: PrivatePostgres | undefined;
  let redis: PrivateRedis | undefined;
  const processes: ApiProcess[] = [];

  after(async () => {
    for (const p of processes) await p.dispose();
    await redis?.stop();
    await pg?.destroy();
  });

  it('instance 1 holds the end in Redis while PostgreSQL is down and is killed; instance 2 claims and stores it', async function () {
    if (!onPostgres) this.skip(); // two processes need PostgreSQL
    pg = await startPrivatePostgres();
    redis = await startPrivateRedis();
    const prefix = `pt${randomBytes(4).toString('hex')}:`;
    const shared = {
      databaseUrl: pg.url,
      jwtSecret: randomBytes(32).toString('hex'),
      env: {
        REDIS_URL: redis.url,
        REDIS_PREFIX: prefix,
        GAME_COUNTDOWN_MS: '200',
        WS_RATE_PER_SECOND: '200',
        WS_BURST: '200',
      },
    };
    const one = await startApiProcess(shared);
    processes.push(one);
    const [alice, bob] = [await register(one.url, 'ra'), await register(one.url, 'rb')];
    const created = await api(one.url, 'POST', '/api/v1/matches', {
      token: alice.accessToken,
      body: { opponent: bob.username, settings: quickSettings },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.data.id as string;
    const accepted = await api(one.url, 'POST', `/api/v1/matches/${id}/accept`, {
      token: bob.accessToken,
    });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    // The inviter plays left.
    const left = { ...alice, client: (await connect(one.url, alice.accessToken)).client };
    const right = { ...bob, client: (await connect(one.url, bob.accessToken)).client };
    await begin(id, left, right);
    await pg.stop();
    const ends = await concede(id, left, right);
    for (const end of ends) assert.equal(end.stored, false);

    const r = new Redis(redis.url);
    try {
      const held = await r.hget(`${prefix}results:pending`, id);
      assert.ok(held, 'the result is held in Redis');
      assert.deepEqual(JSON.parse(held).result.score, ends[0]!.score);

      one.child.kill('SIGKILL');
      await once(one.child, 'exit');
      await pg.start();
      const two = await startApiProcess(shared);
      processes.push(two);

      const db = knex({ client: 'pg', connection: pg.url, pool: { min: 0, max: 1 } });
      try {
        const row = await waitFor(
          'the match stored by instance 2',
          async () => {
            const m = await db('matches').where({ id }).first();
            return m?.state === 'finished' ? m : undefined;
          },
          60_000,
        );
        assert.deepEqual([row.left_score, row.right_score], ends[0]!.score);
        assert.equal(
          (await db('match_timeline').where({ match_id: id })).length,
          row.left_score + row.right_score,
        );
        assert.equal((await db('match_input_logs').where({ match_id: id })).length, 1);
        await waitFor('the Redis entry released', async () =>
          (await r.hlen(`${prefix}results:pending`)) === 0 ? true : undefined,
        );
      } finally {
        await db.destroy();
      }
    } finally {
      r.disconnect();
      left.client.close();
      right.client.close();
    }
  });
});
