/**
 * Live matches across instances: three API processes on one PostgreSQL
 * database and one Redis, with Debian's nginx in front (configured by
 * `pongctl nginx render`). Players on different instances invite, accept and
 * play a match to its end while a spectator on a third watches at the
 * spectator rate; the replay served by the third ends on the stored score; a
 * player in a live match cannot start another through any instance; and the
 * same flow works with everyone going through nginx.
 */
import assert from 'node:assert/strict';
import { gameMessages, gameSettingsSchema, gameViewSchema } from '../../api/contract/game.ts';
import { decodeInputLog, replay } from '../../api/game/input-log.ts';
import { adminPassword, api, loginAs } from '../support/accounts.ts';
import {
  agreedScore,
  invite,
  playerOn,
  spectate,
  startInstances,
  type Instance,
  type TestCluster,
} from '../support/cluster.ts';
import { onPostgres } from '../support/env.ts';
import { drain, joinAndReady, quickSettings, untilPlaying, type Player } from '../support/games.ts';
import { skipWithoutNginx, startNginx, type Nginx } from '../support/nginx.ts';
import { needsRedis } from '../support/redis.ts';
import type { WsMessage } from '../support/ws-client.ts';

/** The stored match, its replay data re-simulated, and a replay streamed over a socket: all agree on `score`. */
async function assertStoredAndReplayed(
  url: string,
  watcher: Player,
  id: string,
  score: [number, number],
  winner: string,
) {
  const got = await api(url, 'GET', `/api/v1/matches/${id}`, { token: watcher.accessToken });
  assert.equal(got.status, 200, JSON.stringify(got.body));
  assert.equal(got.body.data.state, 'finished', JSON.stringify(got.body.data));
  assert.equal(got.body.data.reason, 'points');
  assert.equal(got.body.data.winner, winner);
  assert.deepEqual(got.body.data.score, score);

  const stored = await api(url, 'GET', `/api/v1/matches/${id}/replay`, {
    token: watcher.accessToken,
  });
  assert.equal(stored.status, 200, JSON.stringify(stored.body));
  const data = stored.body.data;
  const final = replay(
    gameSettingsSchema.parse(data.settings),
    data.seed,
    decodeInputLog(data.inputLog),
  );
  assert.deepEqual([final.leftScore, final.rightScore], score, 'the stored log replays to it');
  assert.equal(final.tick, data.ticks);

  drain(watcher.client);
  watcher.client.send({ type: 'replay.start', matchId: id, speed: 8 });
  const end = await watcher.client.next('game.end', 20_000);
  assert.deepEqual(end.score, score);
  const frames = watcher.client.received.filter((m) => m.type === 'game.state');
  assert.ok(frames.length > 2, `${frames.length} replay frames`);
  assert.deepEqual(
    gameViewSchema.parse(frames.at(-1)!.state).score,
    score,
    'the streamed replay ends on the stored score',
  );
  drain(watcher.client);
}

describe('games across instances: three processes, one PostgreSQL, one Redis, nginx in front', function () {
  this.timeout(180_000);
  needsRedis();
  let cluster: TestCluster;
  let nginx: Nginx | undefined;
  let one: Instance;
  let two: Instance;
  let three: Instance;
  const sockets: Player[] = [];
  const on = async (url: string, prefix: string) => {
    const p = await playerOn(url, prefix);
    sockets.push(p);
    return p;
  };

  before(async function () {
    if (!onPostgres) this.skip(); // the embedded database belongs to one process
    skipWithoutNginx(this);
    cluster = await startInstances(['cg-one', 'cg-two', 'cg-three']);
    [one, two, three] = cluster.instances as [Instance, Instance, Instance];
    nginx = await startNginx(cluster.instances.map((i) => `127.0.0.1:${i.process.port}`));
  });
  after(async () => {
    for (const p of sockets) p.client.close();
    await nginx?.stop();
    await cluster?.dispose();
  });

  it('a player on instance 1 and one on instance 2 play to the end; a spectator on instance 3 gets frames at the spectator rate and its replay ends on the stored score', async () => {
    const alice = await on(one.url, 'ca');
    const bob = await on(two.url, 'cb');
    const carol = await on(three.url, 'cc');
    const id = await invite(alice, bob, one.url, two.url);
    // Placed where the inviter's socket is: instance 1 steps it, the others relay.
    assert.deepEqual(await cluster.owner(id), { instance: one.id, epoch: 1 });

    await joinAndReady(alice, id);
    await joinAndReady(bob, id);
    await Promise.all([untilPlaying(alice.client, 15_000), untilPlaying(bob.client, 15_000)]);
    const live = await api(three.url, 'GET', '/api/v1/matches?state=live', {
      token: carol.accessToken,
    });
    assert.ok(
      live.body.data.some((m: { id: string }) => m.id === id),
      'instance 3 lists the match as live',
    );
    await spectate(carol, { username: bob.username });

    for (const p of [alice, bob, carol]) drain(p.client);
    alice.client.send({ type: 'game.input', matchId: id, seq: 1, dir: -1 });
    const ends = await Promise.all(
      [alice, bob, carol].map((p) => p.client.next('game.end', 20_000)),
    );
    for (const end of ends) gameMessages['game.end'].schema.parse(end);
    const score = agreedScore(ends, bob.username);
    // Bob's frames come from instance 1 through the relay to instance 2, Carol's to instance 3.
    const playerFrames = drain(bob.client);
    const spectatorFrames = drain(carol.client);
    assert.ok(playerFrames > 20, `the remote player got ${playerFrames} frames`);
    const ratio = spectatorFrames / playerFrames;
    console.log(`      frames: remote player ${playerFrames}, remote spectator ${spectatorFrames}`);
    assert.ok(
      ratio > 0.35 && ratio < 0.65,
      `spectator/player frame ratio ${ratio.toFixed(2)} (${spectatorFrames}/${playerFrames})`,
    );
    assert.equal(await cluster.owner(id), null, 'the ended match has no owner');

    await assertStoredAndReplayed(three.url, carol, id, score, bob.username);
  });

  it('a player in a live match cannot start a second one through another instance (409)', async () => {
    const dan = await on(one.url, 'cd');
    const eve = await on(two.url, 'ce');
    const slow = { ...quickSettings, pointsToWin: 11, maxDurationSec: 600 };
    const first = await api(one.url, 'POST', '/api/v1/matches', {
      token: dan.accessToken,
      body: { bot: 'easy', settings: slow },
    });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const id = first.body.data.id as string;
    assert.equal((await cluster.owner(id))?.instance, one.id);

    for (const url of [two.url, three.url]) {
      const again = await api(url, 'POST', '/api/v1/matches', {
        token: dan.accessToken,
        body: { bot: 'easy', settings: slow },
      });
      assert.equal(again.status, 409, JSON.stringify(again.body));
      assert.equal(again.body.error.code, 'CONFLICT');
      assert.match(again.body.error.message, new RegExp(`${dan.username} is already in a match`));
    }
    // Invited by someone else, accepting through instance 3 is refused too.
    const offered = await api(two.url, 'POST', '/api/v1/matches', {
      token: eve.accessToken,
      body: { opponent: dan.username, settings: quickSettings },
    });
    assert.equal(offered.status, 201, JSON.stringify(offered.body));
    const accept = await api(three.url, 'POST', `/api/v1/matches/${offered.body.data.id}/accept`, {
      token: dan.accessToken,
    });
    assert.equal(accept.status, 409, JSON.stringify(accept.body));

    // An admin on instance 3 ends the match instance 1 runs; then Dan is free again.
    const admin = await loginAs(three.url, 'admin', adminPassword);
    const aborted = await api(three.url, 'POST', `/api/v1/admin/matches/${id}/abort`, {
      token: admin,
      body: { reason: 'cluster test' },
    });
    assert.equal(aborted.status, 200, JSON.stringify(aborted.body));
    const row = await api(two.url, 'GET', `/api/v1/matches/${id}`, { token: dan.accessToken });
    assert.equal(row.body.data.state, 'aborted', JSON.stringify(row.body.data));
    const free = await api(two.url, 'POST', '/api/v1/matches', {
      token: dan.accessToken,
      body: { bot: 'easy', settings: slow },
    });
    assert.equal(free.status, 201, JSON.stringify(free.body));
    const abortFree = await api(
      one.url,
      'POST',
      `/api/v1/admin/matches/${free.body.data.id}/abort`,
      {
        token: admin,
        body: { reason: 'cluster test' },
      },
    );
    assert.equal(abortFree.status, 200, JSON.stringify(abortFree.body));
  });

  it('through nginx: both players and a spectator on the one address play a match to its stored end', async () => {
    const url = nginx!.url;
    const fay = await on(url, 'nf');
    const gus = await on(url, 'ng');
    const hal = await on(url, 'nh');
    const id = await invite(fay, gus, url, url);
    const owner = await cluster.owner(id);
    assert.ok(
      owner && cluster.instances.some((i) => i.id === owner.instance),
      `owned by an instance: ${JSON.stringify(owner)}`,
    );
    await joinAndReady(gus, id);
    await joinAndReady(fay, id);
    await Promise.all([untilPlaying(fay.client, 15_000), untilPlaying(gus.client, 15_000)]);
    await spectate(hal, { matchId: id });
    for (const p of [fay, gus, hal]) drain(p.client);
    fay.client.send({ type: 'game.input', matchId: id, seq: 1, dir: -1 });
    const ends: WsMessage[] = await Promise.all(
      [fay, gus, hal].map((p) => p.client.next('game.end', 20_000)),
    );
    const score = agreedScore(ends, gus.username);
    assert.ok(drain(hal.client) > 0, 'the spectator got frames through nginx');
    await assertStoredAndReplayed(url, hal, id, score, gus.username);

    // least_conn spread the three sockets (and the requests) over more than one instance.
    const upstreams = new Set(
      [...nginx!.accessLog().matchAll(/upstream=127\.0\.0\.1:(\d+)/g)].map((m) => m[1]),
    );
    assert.ok(upstreams.size >= 2, `nginx used ${[...upstreams].join(', ')}`);
  });
});
