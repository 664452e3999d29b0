/**
 * Checkpoints in Redis (api/realtime/cluster/store.ts) on the real server:
 * the closed input runs go in pieces at their offsets and read back whole;
 * a write from an owner that lost the match (a frozen process resumed after a
 * take-over) is refused and changes nothing; ending the match removes it all.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { marksAfter, type PeerRef } from '../../api/game/checkpoint.ts';
import { closedRunsAfter, encodeInputLog } from '../../api/game/input-log.ts';
import type { Peer } from '../../api/game/live-match.ts';
import { ClusterStore } from '../../api/realtime/cluster/store.ts';
import { needsRedis, sharedRedisUrl } from '../support/redis.ts';
import { peer, playingMatch, runnerKit, type RunnerKit } from '../support/game-runner.ts';

const refOf = (p: Peer): PeerRef => ({ id: p.id, userId: p.userId, instance: 'a' });
const summary = { state: 'playing', score: [0, 0] } as never;

describe('cluster checkpoints in Redis', () => {
  needsRedis();
  let redis: Redis;
  let store: ClusterStore;
  let prefix: string;
  before(() => {
    redis = new Redis(sharedRedisUrl);
    prefix = `test:ckpt:${randomUUID().slice(0, 8)}:`;
    store = new ClusterStore(redis, prefix);
  });
  after(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  /** A long match in play, its players changing direction every 4 ticks. */
  function playing(id: string): { kit: RunnerKit; play(ticks: number): void } {
    const kit = runnerKit();
    return { kit, play: playingMatch(kit, id, 4).play };
  }

  it('writes the runs in pieces at their offsets and reads the match back whole', async () => {
    const id = randomUUID();
    const owner = { instance: 'a', epoch: 1 };
    assert.ok(await store.swapOwner(id, null, owner));
    const { kit, play } = playing(id);
    const watcher = peer('u-watcher');
    kit.runner.spectate(watcher, id);
    play(300);
    const first = kit.runner.checkpoint(id, refOf)!;
    assert.deepEqual(await store.saveCheckpoints([{ write: first, owner, summary }]), []);
    play(200);
    const second = kit.runner.checkpoint(id, refOf, marksAfter(first))!;
    assert.ok(second.closed[0].at > 0, 'the second write goes on from the first');
    assert.equal(second.spectators, null, 'the same spectators: their list is not written again');
    assert.deepEqual(await store.saveCheckpoints([{ write: second, owner, summary }]), []);
    const back = await store.checkpoint(id);
    assert.deepEqual(back?.spectators, [refOf(watcher)], 'the list the first write stored');
    assert.equal(back?.checkpoint.log.ticks, kit.runner.get(id)!.log.ticks);
    const log = kit.runner.get(id)!.log;
    const closed = [closedRunsAfter(log, 0).text, closedRunsAfter(log, 1).text];
    assert.deepEqual(back?.closedText, closed, 'the closed runs, as one text per side');
    assert.ok(encodeInputLog(log).length > 200, 'a log long enough for pieces to matter');
  });

  it('refuses the write of an owner that lost the match, and keeps its successor’s checkpoint', async () => {
    const id = randomUUID();
    const first = { instance: 'a', epoch: 1 };
    assert.ok(await store.swapOwner(id, null, first));
    const { kit, play } = playing(id);
    play(240);
    const early = kit.runner.checkpoint(id, refOf)!;
    await store.saveCheckpoints([{ write: early, owner: first, summary }]);
    // Instance b takes the match over and writes its own checkpoint.
    const second = { instance: 'b', epoch: 2 };
    assert.ok(await store.swapOwner(id, first, second));
    play(120);
    const successor = kit.runner.checkpoint(id, refOf)!;
    await store.saveCheckpoints([{ write: successor, owner: second, summary }]);
    const before = await redis.hget(`${prefix}cluster:checkpoint`, id);
    // a wakes up and writes what it had: a different log from the same start.
    const { kit: stale, play: playStale } = playing(id);
    playStale(400);
    const refused = await store.saveCheckpoints([
      { write: stale.runner.checkpoint(id, refOf, marksAfter(early))!, owner: first, summary },
    ]);
    assert.deepEqual(refused, [{ matchId: id, owner: second }]);
    assert.equal(await redis.hget(`${prefix}cluster:checkpoint`, id), before);
    const back = await store.checkpoint(id);
    assert.deepEqual(
      back?.closedText,
      successor.closed.map((c) => c.text),
    );
    // The match ends at its owner: checkpoint, runs and summary go with the ownership.
    assert.ok(await store.swapOwner(id, second, null));
    assert.equal(await store.checkpoint(id), null);
    assert.deepEqual(await redis.keys(`${prefix}cluster:log:${id}:*`), []);
    assert.deepEqual(await redis.keys(`${prefix}cluster:spectators:${id}`), []);
  });
});
