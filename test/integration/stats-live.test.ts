/**
 * A match played through the runner (not imported) reaches the stats: the
 * triggers on the match-end transaction's rows fill the player's day, the
 * platform's day and the peak of players, with no call from the games code.
 */
import assert from 'node:assert/strict';
import { api } from '../support/accounts.ts';
import {
  joinAndReady,
  player,
  postMatch,
  quickSettings,
  startGameServer,
} from '../support/games.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('stats of a played match', function () {
  this.timeout(60_000);
  const s = suiteServer(() => startGameServer());

  it('counts a match against a bot for its player and the platform', async () => {
    const a = await player(s, 'lv');
    const match = await postMatch(s, a.accessToken, { bot: 'hard', settings: quickSettings });
    assert.equal(match.status, 201, JSON.stringify(match.body));
    await joinAndReady(a, match.body.data.id);
    const end = await a.client.next('game.end', 20_000);
    a.client.close();
    // The end is stored right after game.end is sent.
    let stats;
    for (let i = 0; i < 50; i++) {
      stats = (
        await api(s.url, 'GET', `/api/v1/users/${a.username}/stats?days=1`, {
          token: a.accessToken,
        })
      ).body.data;
      if (stats.matches === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(stats.matches, 1);
    const won = (end as unknown as { winner: string | null }).winner === a.username;
    assert.deepEqual([stats.wins, stats.losses], won ? [1, 0] : [0, 1]);
    assert.ok(stats.averageDurationSec > 0);
    assert.deepEqual(stats.opponents, [], 'bots are not opponents in the head-to-head table');
    const day = await s.db('stats_platform_daily').orderBy('day', 'desc').first();
    assert.ok(day.matches >= 1 && day.peak_players >= 1, JSON.stringify(day));
    assert.equal((await s.db('stats_live').first()).players, 0, 'the live counter went back down');
  });
});
