/**
 * Whole tournaments: a single elimination of four played to the end by
 * scripted WebSocket clients (notifications naming the opponent, seeding by
 * rating, the final's result setting standings and the winner, everyone told
 * at the end), a round robin of five decided through the override path, and
 * a bracket of six with byes.
 */
import assert from 'node:assert/strict';
import { api } from '../support/accounts.ts';
import {
  action,
  createTournament,
  override,
  playGame,
  registerAll,
  seededPlayers,
  startTournamentServer,
  untilView,
  view,
} from '../support/tournaments.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('tournaments: played to the end', function () {
  this.timeout(90_000);
  const s = suiteServer(() => startTournamentServer());

  const notes = async (userId: string, type: string) =>
    (await s.db('notifications').where({ user_id: userId, type }).orderBy('id')).map((n) =>
      typeof n.payload === 'string' ? JSON.parse(n.payload) : n.payload,
    );

  it('four players, single elimination, every game played over WebSockets; the better seed wins each', async () => {
    const players = await seededPlayers(s, 4, 'se');
    const byName = new Map(players.map((p) => [p.username, p]));
    const creator = players[3]!;
    const t = await createTournament(s, creator.accessToken, { name: 'Spring Cup', capacity: 4 });
    assert.equal(t.state, 'registration');
    await registerAll(s, t.id, [...players].reverse());
    const started = await action(s, t.id, 'start', creator.accessToken);
    assert.equal(started.status, 200, JSON.stringify(started.body));
    let v = await view(s, t.id);
    assert.equal(v.state, 'running');
    assert.deepEqual(
      v.entrants.map((e) => [e.username, e.seed]),
      players.map((p, i) => [p.username, i + 1]),
      'seeded by rating',
    );
    const first = v.rounds[0]!.matches;
    assert.deepEqual(
      first.map((m) => [m.a!.seed, m.b!.seed]),
      [
        [1, 4],
        [2, 3],
      ],
      'top seeds apart',
    );
    // Each player is told whom they play, with the game to join.
    for (const m of first) {
      for (const [me, other] of [
        [m.a!, m.b!],
        [m.b!, m.a!],
      ] as const) {
        const [ready] = await notes(byName.get(me.username)!.id, 'tournament_match_ready');
        assert.equal(ready.opponent, other.username);
        assert.equal(ready.opponentAlias, other.alias);
        assert.equal(ready.gameId, m.gameId);
        assert.equal(ready.tournamentMatchId, m.id, 'the id the result endpoint takes');
        assert.equal(ready.tournamentId, t.id);
        const pushed = await byName
          .get(me.username)!
          .client.next('notification', 5_000)
          .catch(() => null);
        assert.ok(pushed, 'pushed over the socket too');
      }
    }

    for (let round = 1; round <= 2; round++) {
      v = await view(s, t.id);
      assert.equal(v.currentRound, round);
      const games = v.rounds[round - 1]!.matches.map((m) => {
        const [w, l] = m.a!.seed < m.b!.seed ? [m.a!, m.b!] : [m.b!, m.a!];
        return playGame(m.gameId!, byName.get(w.username)!, byName.get(l.username)!);
      });
      await Promise.all(games);
      await untilView(
        () => view(s, t.id),
        (x) => x.rounds[round - 1]!.state === 'finished',
      );
    }
    v = await untilView(
      () => view(s, t.id),
      (x) => x.state === 'finished',
    );
    assert.equal(v.winner!.username, players[0]!.username);
    assert.equal(v.winner!.alias, 'Ace 4');
    const final = v.rounds[1]!.matches[0]!;
    assert.equal(v.rounds[1]!.name, 'Final');
    assert.deepEqual([final.a!.seed, final.b!.seed], [1, 2]);
    assert.equal(final.winner, players[0]!.username);
    assert.deepEqual(final.score, [2, 0]);
    assert.equal(final.reason, 'points');
    assert.deepEqual(
      v.standings.map((x) => [x.username, x.rank]),
      [
        [players[0]!.username, 1],
        [players[1]!.username, 2],
        [players[2]!.username, 3],
        [players[3]!.username, 3],
      ],
    );
    const game = await s.db('matches').where({ id: final.gameId }).first();
    assert.equal(game.kind, 'tournament');
    for (const p of players) {
      const ends = (await notes(p.id, 'system')).filter((n) => n.event === 'tournament_finished');
      assert.equal(ends.length, 1, `${p.username} told once at the end`);
      assert.equal(ends[0].winner, 'Ace 4');
    }
    const metrics = await (await fetch(`${s.metricsUrl}/metrics`)).text();
    assert.match(metrics, /tournament_rounds_completed_total\{format="single_elimination"\} [2-9]/);
    for (const p of players) p.client.close();
  });

  it('five players, round robin: a fair schedule with byes, the table decides the winner', async () => {
    const players = await seededPlayers(s, 5, 'rr');
    const t = await createTournament(s, players[0]!.accessToken, {
      name: 'League',
      capacity: 6,
      format: 'round_robin',
    });
    await registerAll(s, t.id, players);
    assert.equal((await action(s, t.id, 'start', players[0]!.accessToken)).status, 200);
    let v = await view(s, t.id);
    assert.equal(v.roundsTotal, 5);
    const pairs = new Set<string>();
    for (const r of v.rounds) {
      assert.equal(r.matches.length, 2, 'two matches and one bye per round');
      const seen = new Set<string>();
      for (const m of r.matches) {
        for (const u of [m.a!.username, m.b!.username]) {
          assert.ok(!seen.has(u), 'nobody plays twice in a round');
          seen.add(u);
        }
        pairs.add([m.a!.username, m.b!.username].sort().join('|'));
      }
    }
    assert.equal(pairs.size, 10, 'every pair meets once');
    // Lower seed wins, except seed 2 beats seed 1.
    for (let round = 1; round <= 5; round++) {
      v = await view(s, t.id);
      assert.equal(v.currentRound, round);
      for (const m of v.rounds[round - 1]!.matches) {
        assert.equal(m.state, 'ready', 'the round has its games');
        const top = [m.a!, m.b!].sort((x, y) => x.seed - y.seed);
        const winner = top[0]!.seed === 1 && top[1]!.seed === 2 ? top[1]! : top[0]!;
        const res = await override(s, { id: t.id, matchId: m.id, winner: winner.alias });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }
    }
    v = await view(s, t.id);
    assert.equal(v.state, 'finished');
    assert.deepEqual(
      v.standings.map((x) => [x.username, x.rank, x.wins, x.points]),
      [
        [players[1]!.username, 1, 4, 8],
        [players[0]!.username, 2, 3, 6],
        [players[2]!.username, 3, 2, 4],
        [players[3]!.username, 4, 1, 2],
        [players[4]!.username, 5, 0, 0],
      ],
    );
    assert.equal(v.winner!.username, players[1]!.username);
    for (const p of players) p.client.close();
  });

  it('six players: byes for seeds 1 and 2, decided at once; the bracket plays out to a final', async () => {
    const players = await seededPlayers(s, 6, 'by');
    const t = await createTournament(s, s.adminToken, { name: 'Byes', capacity: 8 });
    await registerAll(s, t.id, players);
    assert.equal((await action(s, t.id, 'start')).status, 200);
    let v = await view(s, t.id);
    assert.equal(v.roundsTotal, 3);
    const r1 = v.rounds[0]!.matches;
    assert.deepEqual(
      r1.map((m) => [m.a?.seed, m.b?.seed ?? null, m.state, m.reason]),
      [
        [1, null, 'finished', 'bye'],
        [4, 5, 'ready', null],
        [2, null, 'finished', 'bye'],
        [3, 6, 'ready', null],
      ],
    );
    assert.deepEqual(
      v.rounds[1]!.matches.map((m) => [m.a?.seed ?? null, m.b?.seed ?? null]),
      [
        [1, null],
        [2, null],
      ],
      'bye winners already placed',
    );
    const decide = async (round: number) => {
      for (const m of (await view(s, t.id)).rounds[round - 1]!.matches.filter(
        (x) => x.state !== 'finished',
      )) {
        const w = m.a!.seed < m.b!.seed ? m.a! : m.b!;
        assert.equal(
          (await override(s, { id: t.id, matchId: m.gameId!, winner: w.username })).status,
          200,
          'the game id works as match id too',
        );
      }
    };
    await decide(1);
    await decide(2);
    v = await view(s, t.id);
    assert.deepEqual(
      v.rounds[2]!.matches.map((m) => [m.a!.seed, m.b!.seed]),
      [[1, 2]],
    );
    await decide(3);
    v = await view(s, t.id);
    assert.equal(v.state, 'finished');
    assert.deepEqual(
      v.standings.map((x) => x.rank),
      [1, 2, 3, 3, 5, 5],
    );
    const list = await api(s.url, 'GET', '/api/v1/tournaments?state=finished&limit=100', {
      token: players[5]!.accessToken,
    });
    const row = list.body.data.find((x: { id: string }) => x.id === t.id);
    assert.equal(row.winner.username, players[0]!.username);
    for (const p of players) p.client.close();
  });
});
