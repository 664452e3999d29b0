/**
 * Live matches outlive the instance that steps them: API processes on one
 * PostgreSQL database and one Redis, players on other instances than the
 * match's owner. SIGKILL of the owner: within the lease TTL + 5 s another
 * instance takes a direct match and a tournament game over from their
 * checkpoints, the players and a spectator hear `resumed` on the sockets
 * they have, and both end with their true results, presence and the live
 * list right afterwards; matches not begun end `server_lost` (a tournament
 * gives that pairing a new game).
 * SIGTERM of the owner: its matches (an invite too) are handed over, not
 * aborted, with a spectator watching on. Without Redis one process
 * restarted after SIGKILL ends the matches it left live (`server_restart`).
 */
import assert from 'node:assert/strict';
import { gameSettingsSchema } from '../../api/contract/game.ts';
import { decodeInputLog, replay } from '../../api/game/input-log.ts';
import { adminPassword, api, loginAs, register, type Registered } from '../support/accounts.ts';
import { startApiProcess } from '../support/api-process.ts';
import {
  agreedScore,
  invite,
  playerOn,
  spectate,
  startInstances,
  type Instance,
  type TestCluster,
} from '../support/cluster.ts';
import { onPostgres, testDatabaseUrl } from '../support/env.ts';
import { drain, joinAndReady, quickSettings, untilPlaying, type Player } from '../support/games.ts';
import { needsRedis } from '../support/redis.ts';
import { connect, type WsMessage } from '../support/ws-client.ts';
import { until } from '../support/poll.ts';

/** Straight serves and nobody moving rally for as long as the test needs. */
const rallySettings = { ...quickSettings, maxDurationSec: 120 };

const withSocket = async (url: string, user: Registered): Promise<Player> => ({
  ...user,
  client: (await connect(url, user.accessToken)).client,
});

/** Who plays left (side 0) of a match, by its stored players. */
async function leftOf(url: string, id: string, a: Player, b: Player): Promise<[Player, Player]> {
  const got = await api(url, 'GET', `/api/v1/matches/${id}`, { token: a.accessToken });
  assert.equal(got.status, 200, JSON.stringify(got.body));
  return got.body.data.players[0].username === a.username ? [a, b] : [b, a];
}

/** The next `game.event` of this match whose event is `resumed`. */
async function resumed(p: Player, matchId: string, timeoutMs: number): Promise<WsMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await p.client
      .next('game.event', Math.max(1, deadline - Date.now()))
      .catch((err: Error) => {
        throw new Error(`${p.username}: no resumed for ${matchId} (${err.message})`);
      });
    const event = m.event as { type: string };
    if (m.matchId === matchId && event.type === 'resumed') return m;
  }
}

/** After a resume: play goes on, `loser` concedes every point; both get game.end. */
async function finish(matchId: string, loser: Player, winner: Player): Promise<WsMessage[]> {
  for (const p of [loser, winner]) drain(p.client);
  await Promise.all([untilPlaying(loser.client, 15_000), untilPlaying(winner.client, 15_000)]);
  loser.client.send({ type: 'game.input', matchId, seq: 1, dir: -1 });
  return Promise.all([loser, winner].map((p) => p.client.next('game.end', 20_000)));
}

/** The stored match is finished on points with the score game.end gave, and its input log replays to it. */
async function assertTrueResult(
  url: string,
  token: string,
  id: string,
  winner: string,
  score: [number, number],
) {
  const got = await api(url, 'GET', `/api/v1/matches/${id}`, { token });
  assert.equal(got.status, 200, JSON.stringify(got.body));
  const m = got.body.data;
  assert.equal(m.state, 'finished', JSON.stringify(m));
  assert.equal(m.reason, 'points');
  assert.equal(m.winner, winner);
  assert.deepEqual(m.score, score);
  const data = (await api(url, 'GET', `/api/v1/matches/${id}/replay`, { token })).body.data;
  const final = replay(
    gameSettingsSchema.parse(data.settings),
    data.seed,
    decodeInputLog(data.inputLog),
  );
  assert.deepEqual([final.leftScore, final.rightScore], score, 'the stored log replays to it');
}

/** A started 4-seat single-elimination cup of two players (the final at once); its id. */
async function cupOf(
  url: string,
  admin: string,
  name: string,
  entrants: Registered[],
): Promise<string> {
  const cup = await api(url, 'POST', '/api/v1/tournaments', {
    token: admin,
    body: {
      name,
      capacity: 4,
      format: 'single_elimination',
      settings: rallySettings,
    },
  });
  assert.equal(cup.status, 201, JSON.stringify(cup.body));
  const id = cup.body.data.id as string;
  for (const [i, u] of entrants.entries()) {
    const res = await api(url, 'POST', `/api/v1/tournaments/${id}/register`, {
      token: u.accessToken,
      body: { alias: `Node ${i + 1}` },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  const started = await api(url, 'POST', `/api/v1/tournaments/${id}/start`, { token: admin });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  return id;
}

async function presence(url: string, user: Registered): Promise<string> {
  const res = await api(url, 'GET', `/api/v1/users/${user.username}`, { token: user.accessToken });
  return res.body.data.presence?.status as string;
}

async function liveIds(url: string, token: string): Promise<string[]> {
  const res = await api(url, 'GET', '/api/v1/matches?state=live&limit=100', { token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data.map((m: { id: string }) => m.id);
}

describe('games across instances: the owner dies or shuts down (processes, one PostgreSQL, one Redis)', function () {
  this.timeout(180_000);
  needsRedis();
  let cluster: TestCluster;
  /** The instances that survive the first test. */
  let one: Instance;
  let two: Instance;
  const players: Player[] = [];
  const on = async (url: string, user: Registered) => {
    const p = await withSocket(url, user);
    players.push(p);
    return p;
  };

  before(async function () {
    if (!onPostgres) this.skip(); // the embedded database belongs to one process
    cluster = await startInstances(['ct-one', 'ct-two', 'ct-three']);
    [one, two] = cluster.instances as [Instance, Instance];
  });
  after(async () => {
    for (const p of players) p.client.close();
    await cluster?.dispose();
  });

  it('SIGKILL of the owner (and sweeper): a direct match and a tournament game resume on another instance within the lease TTL + 5 s and end with their true results; those not begun end server_lost', async () => {
    // The victim also holds the sweeper's lease: the sweeping itself must move first.
    const holder = await cluster.redis.get(`${cluster.prefix}lease:sweeper`);
    const victim = cluster.instances.find((i) => i.id === holder)!;
    assert.ok(victim, `the sweeper lease is held by an instance: ${holder}`);
    [one, two] = cluster.instances.filter((i) => i !== victim) as [Instance, Instance];
    // Nobody has a socket yet, so both matches are placed on the instance that created them.
    const [ann, ben, cat, dov] = [
      await register(victim.url, 'ka'),
      await register(victim.url, 'kb'),
      await register(victim.url, 'kc'),
      await register(victim.url, 'kd'),
    ];
    const direct = await invite(ann, ben, victim.url, victim.url, rallySettings);
    // Accepted but not begun when the owner dies: no checkpoint, nothing to resume.
    const [kim, lou] = [await register(victim.url, 'ke'), await register(victim.url, 'kf')];
    const unbegun = await invite(kim, lou, victim.url, victim.url);
    const admin = await loginAs(victim.url, 'admin', adminPassword);
    const tid = await cupOf(victim.url, admin, 'Cluster Cup', [cat, dov]);
    const tview = async (url: string, id = tid) =>
      (await api(url, 'GET', `/api/v1/tournaments/${id}`, { token: admin })).body.data;
    const game = (await tview(victim.url)).rounds[0].matches[0].gameId as string;
    assert.ok(game, 'the final has a game');
    // A second cup whose game nobody has joined when the owner dies: its pairing gets a new game.
    const lostCup = await cupOf(victim.url, admin, 'Lost Cup', [
      await register(victim.url, 'kg'),
      await register(victim.url, 'kh'),
    ]);
    const lostGame = (await tview(victim.url, lostCup)).rounds[0].matches[0].gameId as string;
    for (const id of [direct, game, unbegun, lostGame])
      assert.deepEqual(await cluster.owner(id), { instance: victim.id, epoch: 1 }, id);

    // Players on the other instances only: every message goes through the relay to the victim.
    const [a, b, c, d] = [
      await on(one.url, ann),
      await on(two.url, ben),
      await on(one.url, cat),
      await on(two.url, dov),
    ];
    const [dl, dr] = await leftOf(one.url, direct, a, b);
    const [tl, tr] = await leftOf(one.url, game, c, d);
    for (const [id, l, r] of [
      [direct, dl, dr],
      [game, tl, tr],
    ] as const) {
      await joinAndReady(l, id);
      await joinAndReady(r, id);
    }
    await Promise.all([a, b, c, d].map((p) => untilPlaying(p.client, 15_000)));
    const watcher = await on(two.url, await register(two.url, 'kw'));
    await spectate(watcher, { matchId: direct });
    // Checkpoints come every half second: wait for ones that have play under way and the spectator.
    await until(
      'checkpoints of both matches, the spectator in the direct one',
      async () => {
        const [x, y] = [await cluster.checkpoint(direct), await cluster.checkpoint(game)];
        return x?.state === 'playing' && x.spectators.length === 1 && y?.state === 'playing'
          ? true
          : undefined;
      },
      10_000,
      100,
    );
    assert.equal(await presence(two.url, ann), 'in_game');

    await cluster.kill(victim);
    const killedAt = Date.now();
    const bound = cluster.leaseTtlMs + 5_000;
    const events = await Promise.all([
      resumed(dl, direct, bound),
      resumed(dr, direct, bound),
      resumed(tl, game, bound),
      resumed(tr, game, bound),
      resumed(watcher, direct, bound),
    ]);
    const resumedAfterMs = Date.now() - killedAt;
    console.log(
      `      resumed ${resumedAfterMs} ms after SIGKILL (lease TTL ${cluster.leaseTtlMs} ms)`,
    );
    for (const e of events) assert.equal((e.event as { reason: string }).reason, 'takeover');
    for (const id of [direct, game]) {
      const owner = await cluster.owner(id);
      assert.ok(
        owner && [one.id, two.id].includes(owner.instance) && owner.epoch === 2,
        `taken over by a live instance with a new epoch: ${JSON.stringify(owner)}`,
      );
    }
    // The match that had not begun ended server_lost, and its players are free again.
    const lost = await until(
      'the match that had not begun to end',
      async () => {
        const res = await api(two.url, 'GET', `/api/v1/matches/${unbegun}`, {
          token: kim.accessToken,
        });
        return res.body.data.state === 'ready' ? undefined : res.body.data;
      },
      10_000,
      100,
    );
    assert.equal(lost.state, 'aborted', JSON.stringify(lost));
    assert.equal(lost.reason, 'server_lost');
    assert.equal(await cluster.owner(unbegun), null);
    const again = await invite(kim, lou, one.url, two.url);
    const replayed = await until(
      'a new game for the pairing whose game was lost',
      async () => {
        const next = (await tview(one.url, lostCup)).rounds[0].matches[0].gameId as string | null;
        return next && next !== lostGame ? next : undefined;
      },
      15_000,
    );
    const lostRow = await api(one.url, 'GET', `/api/v1/matches/${lostGame}`, { token: admin });
    assert.equal(lostRow.body.data.reason, 'server_lost', JSON.stringify(lostRow.body.data));
    const replayedOwner = await cluster.owner(replayed);
    assert.ok(
      replayedOwner && [one.id, two.id].includes(replayedOwner.instance),
      `the new game runs on a live instance: ${JSON.stringify(replayedOwner)}`,
    );
    const listed = await liveIds(one.url, ann.accessToken);
    assert.ok(listed.includes(direct) && listed.includes(game), 'still listed as live');

    const [directEnds, gameEnds] = await Promise.all([
      finish(direct, dl, dr),
      finish(game, tl, tr),
    ]);
    const watched = await watcher.client.next('game.end', 10_000);
    const directScore = agreedScore([...directEnds, watched], dr.username);
    const gameScore = agreedScore(gameEnds, tr.username);
    await assertTrueResult(two.url, ann.accessToken, direct, dr.username, directScore);
    await assertTrueResult(one.url, cat.accessToken, game, tr.username, gameScore);
    const done = await until(
      'the tournament to finish',
      async () => {
        const v = await tview(two.url);
        return v.state === 'finished' ? v : undefined;
      },
      15_000,
    );
    assert.equal(done.winner.username, tr.username);

    // Afterwards: nobody is in a game, nothing is listed live, and nothing is owned.
    for (const u of [ann, ben, cat, dov])
      await until(`${u.username} online again`, async () =>
        (await presence(one.url, u)) === 'online' ? true : undefined,
      );
    const after = await liveIds(two.url, ben.accessToken);
    assert.ok(!after.includes(direct) && !after.includes(game), JSON.stringify(after));
    // Cancelling that cup through the instance that does not run its new game ends the game too.
    const elsewhere = replayedOwner!.instance === one.id ? two : one;
    const cancelled = await api(elsewhere.url, 'POST', `/api/v1/tournaments/${lostCup}/cancel`, {
      token: admin,
    });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    await until('the new game to end with its cup', async () => {
      const res = await api(elsewhere.url, 'GET', `/api/v1/matches/${replayed}`, { token: admin });
      return res.body.data.state === 'aborted' ? true : undefined;
    });
    const cleanup = await api(one.url, 'POST', `/api/v1/admin/matches/${again}/abort`, {
      token: admin,
      body: { reason: 'cluster test' },
    });
    assert.equal(cleanup.status, 200, JSON.stringify(cleanup.body));
    for (const id of [direct, game]) {
      assert.equal(await cluster.owner(id), null);
      assert.deepEqual(await cluster.checkpointLeft(id), [], 'the checkpoint and its input runs');
    }
  });

  it('SIGTERM of the owner with others alive: its match and an open invite are handed over, not aborted, and the match ends normally', async () => {
    const four = await cluster.add('ct-four');
    const [eli, fox, gil, hap] = [
      await register(four.url, 'ta'),
      await register(four.url, 'tb'),
      await register(four.url, 'tc'),
      await register(four.url, 'td'),
    ];
    const id = await invite(eli, fox, four.url, four.url, rallySettings);
    const offered = await api(four.url, 'POST', '/api/v1/matches', {
      token: gil.accessToken,
      body: { opponent: hap.username, settings: quickSettings },
    });
    assert.equal(offered.status, 201, JSON.stringify(offered.body));
    const pending = offered.body.data.id as string;
    for (const m of [id, pending]) assert.equal((await cluster.owner(m))?.instance, four.id);

    const [e, f] = [await on(one.url, eli), await on(two.url, fox)];
    const [left, right] = await leftOf(one.url, id, e, f);
    await joinAndReady(left, id);
    await joinAndReady(right, id);
    await Promise.all([untilPlaying(e.client, 15_000), untilPlaying(f.client, 15_000)]);
    const watcher = await on(one.url, await register(one.url, 'tw'));
    await spectate(watcher, { matchId: id });

    const termAt = Date.now();
    const events = Promise.all([e, f, watcher].map((p) => resumed(p, id, 15_000)));
    assert.equal(await cluster.terminate(four), 0, 'a clean exit');
    for (const ev of await events)
      assert.equal((ev.event as { reason: string }).reason, 'handover');
    console.log(`      handed over ${Date.now() - termAt} ms after SIGTERM`);
    const owner = await cluster.owner(id);
    assert.ok(owner && [one.id, two.id].includes(owner.instance), JSON.stringify(owner));

    const ends = await finish(id, left, right);
    const score = agreedScore(
      [...ends, await watcher.client.next('game.end', 10_000)],
      right.username,
    );
    await assertTrueResult(one.url, eli.accessToken, id, right.username, score);

    // The invite went along: still open, and accepting it through another instance works.
    const accepted = await api(two.url, 'POST', `/api/v1/matches/${pending}/accept`, {
      token: hap.accessToken,
    });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.body.data.state, 'ready');
    const abort = await api(one.url, 'POST', `/api/v1/admin/matches/${pending}/abort`, {
      token: await loginAs(one.url, 'admin', adminPassword),
      body: { reason: 'cluster test' },
    });
    assert.equal(abort.status, 200, JSON.stringify(abort.body));
  });
});

describe('games without Redis: one process as before, a restart ends what it left live', function () {
  this.timeout(120_000);

  it('plays a match to its end; after SIGKILL and a restart the match it was running is aborted (server_restart)', async function () {
    if (!onPostgres) this.skip(); // PGlite's data directory is not meant to survive a SIGKILL
    const env = { GAME_COUNTDOWN_MS: '200', WS_RATE_PER_SECOND: '200', WS_BURST: '200' };
    const first = await startApiProcess({ databaseUrl: testDatabaseUrl, env });
    let second: Awaited<ReturnType<typeof startApiProcess>> | undefined;
    const sockets: Player[] = [];
    try {
      const [ivy, jon] = [await playerOn(first.url, 'na'), await playerOn(first.url, 'nb')];
      sockets.push(ivy, jon);
      const played = await invite(ivy, jon, first.url, first.url);
      await joinAndReady(ivy, played);
      await joinAndReady(jon, played);
      const ends = await finish(played, ivy, jon);
      for (const end of ends) assert.equal(end.stored, true);
      const score = agreedScore(ends, jon.username);
      await assertTrueResult(first.url, ivy.accessToken, played, jon.username, score);

      const left = await invite(ivy, jon, first.url, first.url, rallySettings);
      await joinAndReady(ivy, left);
      await joinAndReady(jon, left);
      await Promise.all([untilPlaying(ivy.client, 15_000), untilPlaying(jon.client, 15_000)]);
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));

      second = await startApiProcess({
        databaseUrl: testDatabaseUrl,
        dataDir: first.dataDir,
        env,
      });
      const got = await api(second.url, 'GET', `/api/v1/matches/${left}`, {
        token: ivy.accessToken,
      });
      assert.equal(got.status, 200, JSON.stringify(got.body));
      assert.equal(got.body.data.state, 'aborted', JSON.stringify(got.body.data));
      assert.equal(got.body.data.reason, 'server_restart');
      assert.ok(!(await liveIds(second.url, ivy.accessToken)).includes(left));
      const free = await api(second.url, 'POST', '/api/v1/matches', {
        token: ivy.accessToken,
        body: { opponent: jon.username, settings: quickSettings },
      });
      assert.equal(free.status, 201, 'not held in the match the crash left');
    } finally {
      for (const p of sockets) p.client.close();
      await second?.stop();
      await first.dispose();
    }
  });
});
