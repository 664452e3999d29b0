// Spawns bin/pongctl against a live API: `games list|show|abort` (json, tables, exit codes) and the full-screen commands refusing to run without a terminal.
import assert from 'node:assert/strict';
import { gameSettingsSchema } from '../../api/contract/game.ts';
import { createMatchFromQueue } from '../../api/domain/games/service.ts';
import { adminPassword, api, loginAs } from '../support/accounts.ts';
import { runCli } from '../support/cli.ts';
import {
  joinAndReady,
  player,
  quickSettings,
  startGameServer,
  untilPlaying,
} from '../support/games.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('pongctl games, spectate, play, replay (no terminal)', function () {
  // About ten CLI spawns a test; each is slow on a shared, busy machine.
  this.timeout(180_000);
  const s = suiteServer(() => startGameServer(), 90_000);
  let adminToken: string;
  const cli = (args: string[], token: string) =>
    runCli(args, { env: { PONGCTL_API: s.url, PONGCTL_TOKEN: token } });

  before(async () => {
    adminToken = await loginAs(s.url, 'admin', adminPassword);
  });

  it('lists, shows and aborts matches with the exit codes of the error table', async () => {
    const [ada, bob] = [await player(s, 'ad'), await player(s, 'bo')];
    const spec = await createMatchFromQueue(s.games, {
      a: ada.id,
      b: bob.id,
      ranked: false,
      settings: gameSettingsSchema.parse(quickSettings),
    });
    const left = spec.players[0] as { userId: string };
    const [loser, winner] = left.userId === ada.id ? [ada, bob] : [bob, ada];
    await joinAndReady(winner, spec.id);
    await joinAndReady(loser, spec.id);
    await untilPlaying(loser.client);
    loser.client.send({ type: 'game.input', matchId: spec.id, seq: 1, dir: -1 });
    await loser.client.next('game.end', 15_000);
    const live = await api(s.url, 'POST', '/api/v1/matches', {
      token: ada.accessToken,
      body: { bot: 'easy' },
    });
    const liveId = live.body.data.id as string;

    const listed = await cli(['games', 'list', '--live', '-o', 'json'], adminToken);
    assert.equal(listed.code, 0, listed.stderr);
    const rows = JSON.parse(listed.stdout) as { id: string; state: string }[];
    assert.ok(
      rows.some((m) => m.id === liveId),
      'the running bot match is listed',
    );
    assert.ok(!rows.some((m) => m.id === spec.id), 'the finished one is not live');
    const finished = JSON.parse(
      (
        await cli(
          ['games', 'list', '--state', 'finished', '--limit', '100', '-o', 'json'],
          adminToken,
        )
      ).stdout,
    ) as { id: string }[];
    assert.ok(finished.some((m) => m.id === spec.id));
    const own = await cli(['games', 'list', '-o', 'json'], ada.accessToken);
    assert.equal(own.code, 0, own.stderr);
    assert.deepEqual(
      (JSON.parse(own.stdout) as { id: string }[]).map((m) => m.id).sort(),
      [spec.id, liveId].sort(),
      'a player lists their own matches',
    );
    assert.equal((await cli(['games', 'list', '--state', 'bogus'], adminToken)).code, 2);

    const shown = await cli(['games', 'show', spec.id, '-o', 'json'], ada.accessToken);
    assert.equal(shown.code, 0, shown.stderr);
    const match = JSON.parse(shown.stdout);
    assert.equal(match.state, 'finished');
    assert.equal(match.winner, winner.username);
    assert.deepEqual(match.timeline.at(-1).score, match.score);
    const table = await cli(['games', 'show', spec.id, '-o', 'table'], ada.accessToken);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /longest rally/);
    assert.match(table.stdout, new RegExp(`winner:?\\s*│?\\s*${winner.username}`));
    assert.equal(
      (await cli(['games', 'show', '00000000-0000-4000-8000-000000000000'], ada.accessToken)).code,
      3,
    );

    assert.equal(
      (await cli(['games', 'abort', liveId], adminToken)).code,
      2,
      '--reason is required',
    );
    const unconfirmed = await cli(['games', 'abort', liveId, '--reason', 'test'], adminToken);
    assert.equal(unconfirmed.code, 2, 'no terminal to confirm on');
    assert.match(unconfirmed.stderr, /--yes/);
    assert.equal(
      (await cli(['games', 'abort', liveId, '--reason', 'test', '--yes'], ada.accessToken)).code,
      4,
      'players cannot abort',
    );
    const aborted = await cli(
      ['games', 'abort', liveId, '--reason', 'stuck', '--yes', '-o', 'json'],
      adminToken,
    );
    assert.equal(aborted.code, 0, aborted.stderr);
    assert.equal(JSON.parse(aborted.stdout).state, 'aborted');
    assert.equal(JSON.parse(aborted.stdout).reason, 'admin: stuck');
    assert.equal(
      (await cli(['games', 'abort', liveId, '--reason', 'again', '--yes'], adminToken)).code,
      5,
      'an ended match cannot be aborted',
    );
    assert.equal(
      (
        await cli(
          ['games', 'abort', '00000000-0000-4000-8000-000000000000', '--reason', 'x', '--yes'],
          adminToken,
        )
      ).code,
      3,
    );
    const audit = await s.db('audit_log').where({ action: 'match.abort', target: liveId });
    assert.equal(audit.length, 1);
    ada.client.close();
    bob.client.close();
  });

  it('spectate, play and replay refuse to run without a terminal (exit 2) before touching the network', async () => {
    for (const args of [
      ['spectate', '00000000-0000-4000-8000-000000000000'],
      ['spectate'],
      ['play', '--bot', 'easy'],
      ['replay', '00000000-0000-4000-8000-000000000000'],
    ]) {
      const result = await runCli(args, {
        env: { PONGCTL_API: 'http://127.0.0.1:9', PONGCTL_TOKEN: 'x' },
      });
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /needs a terminal/);
    }
  });
});
