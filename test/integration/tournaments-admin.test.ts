/**
 * Running tournaments: registration rules (aliases, capacity, closing time,
 * withdrawing), permissions, the scheduler's start at startsAt and its join
 * timeout on an injected clock (single and double forfeits), audited
 * overrides and their failures, concurrent results that must advance a
 * round once, kick before and after the start, pause/resume and cancel.
 */
import assert from 'node:assert/strict';
import { api } from '../support/accounts.ts';
import { joinAndReady, type Player } from '../support/games.ts';
import {
  action,
  createTournament,
  joinTimeoutMs,
  override,
  registerAll,
  seededPlayers,
  startTournamentServer,
  untilView,
  view,
} from '../support/tournaments.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('tournaments: organising', function () {
  this.timeout(90_000);
  const s = suiteServer(() => startTournamentServer());

  const close = (players: Player[]) => players.forEach((p) => p.client.close());
  const auditRows = (id: string, action: string) => s.db('audit_log').where({ target: id, action });

  it('registration: unique aliases, capacity, closing time, withdrawing, and who may start', async () => {
    const players = await seededPlayers(s, 5, 'rg');
    const t = await createTournament(s, players[0]!.accessToken, {
      capacity: 4,
      registrationClosesAt: new Date(s.clock.now() + 60_000).toISOString(),
    });
    const reg = (p: Player, alias: string) =>
      api(s.url, 'POST', `/api/v1/tournaments/${t.id}/register`, {
        token: p.accessToken,
        body: { alias },
      });
    assert.equal((await reg(players[0]!, 'Zed')).status, 201);
    const taken = await reg(players[1]!, 'zED');
    assert.equal(taken.status, 409, 'aliases are unique without regard to case');
    assert.equal(taken.body.error.details[0].path, 'body.alias');
    assert.equal((await reg(players[0]!, 'Other')).status, 409, 'once per player');
    assert.equal((await reg(players[1]!, '')).status, 400);
    assert.equal((await reg(players[1]!, 'x'.repeat(21))).status, 400);
    for (const [i, p] of players.slice(1, 4).entries())
      assert.equal((await reg(p, `P${i}`)).status, 201);
    const full = await reg(players[4]!, 'Late');
    assert.equal(full.status, 409);
    assert.match(full.body.error.message, /full/);
    assert.equal(
      (
        await api(s.url, 'DELETE', `/api/v1/tournaments/${t.id}/register`, {
          token: players[3]!.accessToken,
        })
      ).status,
      200,
    );
    assert.equal(
      (
        await api(s.url, 'DELETE', `/api/v1/tournaments/${t.id}/register`, {
          token: players[3]!.accessToken,
        })
      ).status,
      404,
    );
    s.clock.advance(61_000);
    assert.match((await reg(players[4]!, 'Late')).body.error.message, /closed/);
    assert.equal(
      (await action(s, t.id, 'start', players[1]!.accessToken)).status,
      403,
      'only the creator or an admin',
    );
    const bad = await api(s.url, 'POST', '/api/v1/tournaments', {
      token: players[0]!.accessToken,
      body: { name: 'x', capacity: 3, format: 'single_elimination' },
    });
    assert.equal(bad.status, 400);
    const past = await api(s.url, 'POST', '/api/v1/tournaments', {
      token: players[0]!.accessToken,
      body: {
        name: 'x',
        capacity: 4,
        format: 'round_robin',
        startsAt: new Date(s.clock.now() - 1000).toISOString(),
      },
    });
    assert.equal(past.status, 400);
    const unknown = await api(s.url, 'POST', '/api/v1/tournaments', {
      token: players[0]!.accessToken,
      body: { name: 'x', capacity: 4, format: 'round_robin', extra: 1 },
    });
    assert.equal(unknown.status, 400, 'unknown fields are rejected');
    const lone = await createTournament(s, players[0]!.accessToken, { capacity: 4 });
    await registerAll(s, lone.id, [players[4]!]);
    assert.equal(
      (await action(s, lone.id, 'start', players[0]!.accessToken)).status,
      409,
      'two players at least',
    );
    assert.equal((await action(s, t.id, 'start', players[0]!.accessToken)).status, 200);
    assert.equal(
      (await action(s, t.id, 'start', players[0]!.accessToken)).status,
      409,
      'only once',
    );
    assert.equal((await auditRows(t.id, 'tournament.start')).length, 1);
    close(players);
  });

  it('the scheduler starts tournaments at startsAt, and cancels one with fewer than two players', async () => {
    const players = await seededPlayers(s, 3, 'sc');
    const startsAt = new Date(s.clock.now() + 120_000).toISOString();
    const t = await createTournament(s, players[0]!.accessToken, { capacity: 4, startsAt });
    const empty = await createTournament(s, players[0]!.accessToken, { capacity: 4, startsAt });
    await registerAll(s, t.id, players);
    await registerAll(s, empty.id, players.slice(0, 1));
    await s.tournaments.scheduler.tick();
    assert.equal((await view(s, t.id)).state, 'registration', 'not yet');
    s.clock.advance(120_000);
    await s.tournaments.scheduler.tick();
    const v = await view(s, t.id);
    assert.equal(v.state, 'running');
    assert.equal(
      v.rounds[0]!.matches.filter((m) => m.state === 'ready').length,
      1,
      'seed 1 has a bye, 2 v 3 got a game',
    );
    assert.equal((await view(s, empty.id)).state, 'cancelled');
    const [told] = await s
      .db('notifications')
      .where({ user_id: players[0]!.id, type: 'system' })
      .whereRaw("payload->>'event' = 'tournament_cancelled'");
    assert.ok(told, 'the lone player is told');
    const metrics = await (await fetch(`${s.metricsUrl}/metrics`)).text();
    assert.match(metrics, /tournaments_active\{state="running"\} [1-9]/);
    assert.match(metrics, /tournament_oldest_round_age_seconds \d/);
    assert.equal((await action(s, t.id, 'cancel', players[0]!.accessToken)).status, 200);
    close(players);
  });

  it('join timeout on the injected clock: the absent player forfeits, two absent players both do', async () => {
    const players = await seededPlayers(s, 4, 'jt');
    const t = await createTournament(s, s.adminToken, { capacity: 4 });
    await registerAll(s, t.id, players);
    assert.equal((await action(s, t.id, 'start')).status, 200);
    let v = await view(s, t.id);
    const [m1, m2] = v.rounds[0]!.matches as [
      (typeof v.rounds)[0]['matches'][0],
      (typeof v.rounds)[0]['matches'][0],
    ];
    assert.equal(Date.parse(m1.joinBy!), s.clock.now() + joinTimeoutMs);
    // Seed 1 joins and readies; seed 4 never comes. Nobody comes to 2 v 3.
    await joinAndReady(players[0]!, m1.gameId!);
    s.clock.advance(joinTimeoutMs - 1);
    await s.tournaments.scheduler.tick();
    assert.equal((await view(s, t.id)).rounds[0]!.state, 'running', 'not before the deadline');
    s.clock.advance(1);
    await s.tournaments.scheduler.tick();
    v = await untilView(
      () => view(s, t.id),
      (x) => x.rounds[0]!.state === 'finished',
    );
    const [r1, r2] = v.rounds[0]!.matches;
    assert.deepEqual(
      [r1!.winner, r1!.forfeit, r1!.reason],
      [players[0]!.username, 'b', 'join_timeout'],
    );
    assert.deepEqual(
      [r2!.winner, r2!.forfeit, r2!.reason],
      [players[1]!.username, 'both', 'double_forfeit'],
      'the better seed advances after a double forfeit',
    );
    const games = await s.db('matches').whereIn('id', [m1.gameId, m2.gameId]).orderBy('id');
    assert.deepEqual(games.map((g) => g.state).sort(), ['aborted', 'forfeited']);
    assert.equal(v.currentRound, 2);
    assert.equal(v.rounds[1]!.matches[0]!.state, 'ready', 'the final has its game');
    assert.equal(v.standings.find((x) => x.username === players[3]!.username)!.forfeits, 1);
    const metrics = await (await fetch(`${s.metricsUrl}/metrics`)).text();
    assert.match(metrics, /tournament_forfeits_total [3-9]/);
    close(players);
  });

  it('a creator who plays cannot decide their own match; an admin can, and the creator decides the others', async () => {
    const players = await seededPlayers(s, 4, 'om');
    const creator = players[0]!;
    const t = await createTournament(s, creator.accessToken, { capacity: 4 });
    await registerAll(s, t.id, players);
    await action(s, t.id, 'start', creator.accessToken);
    const [own, others] = (await view(s, t.id)).rounds[0]!.matches;
    assert.equal(own!.a!.username, creator.username, 'the creator plays the first match');
    const refused = await override(s, {
      id: t.id,
      matchId: own!.id,
      winner: creator.username,
      token: creator.accessToken,
    });
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body.error.details.reason, 'OWN_MATCH');
    const still = await s.db('tournament_matches').where({ id: own!.id }).first();
    assert.equal(still.state, 'ready', 'the match is still open');
    assert.equal((await auditRows(t.id, 'tournament.result_override')).length, 0);
    const theirs = await override(s, {
      id: t.id,
      matchId: others!.id,
      winner: others!.b!.username,
      token: creator.accessToken,
    });
    assert.equal(theirs.status, 200, JSON.stringify(theirs.body));
    const byAdmin = await override(s, { id: t.id, matchId: own!.id, winner: own!.b!.username });
    assert.equal(byAdmin.status, 200, JSON.stringify(byAdmin.body));
    assert.equal(byAdmin.body.data.rounds[0].matches[0].winner, own!.b!.username);
    close(players);
  });

  it('overrides are audited, limited to organisers and to open matches of the tournament', async () => {
    const players = await seededPlayers(s, 5, 'ov');
    // The organiser does not play: a creator who plays may not decide their own match (above).
    const creator = players[4]!;
    const t = await createTournament(s, creator.accessToken, { capacity: 4 });
    await registerAll(s, t.id, players.slice(0, 4));
    await action(s, t.id, 'start', creator.accessToken);
    const [m1] = (await view(s, t.id)).rounds[0]!.matches;
    assert.equal(
      (
        await override(s, {
          id: t.id,
          matchId: m1!.id,
          winner: players[3]!.username,
          token: players[1]!.accessToken,
        })
      ).status,
      403,
    );
    assert.equal(
      (await override(s, { id: t.id, matchId: m1!.id, winner: players[1]!.username })).status,
      400,
      'not a player of this match',
    );
    assert.equal(
      (
        await override(s, {
          id: t.id,
          matchId: '00000000-0000-4000-8000-000000000000',
          winner: players[0]!.username,
        })
      ).status,
      404,
    );
    const ok = await override(s, {
      id: t.id,
      matchId: m1!.id,
      winner: 'ace 4',
      token: creator.accessToken,
      reason: 'seed 1 had to leave',
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const decided = ok.body.data.rounds[0].matches[0];
    assert.deepEqual(
      [decided.winner, decided.reason, decided.forfeit],
      [players[3]!.username, 'override: seed 1 had to leave', null],
    );
    // The game records the decided winner, so lists of matches show it too.
    const game = await untilView(
      () => s.db('matches').where({ id: m1!.gameId }).first(),
      (g) => g.state === 'forfeited',
    );
    assert.equal(game.reason, 'tournament: result overridden');
    const winnerSeat = await s
      .db('match_players')
      .where({ match_id: m1!.gameId, side: game.winner_side })
      .first();
    assert.equal(winnerSeat.user_id, players[3]!.id);
    assert.equal(
      (await override(s, { id: t.id, matchId: m1!.id, winner: players[0]!.username })).status,
      409,
      'already decided',
    );
    const rows = await auditRows(t.id, 'tournament.result_override');
    assert.equal(rows.length, 1);
    const details =
      typeof rows[0].details === 'string' ? JSON.parse(rows[0].details) : rows[0].details;
    assert.deepEqual(
      [rows[0].actor, details.winner, details.reason, details.matchId],
      [creator.username.toLowerCase(), players[3]!.username, 'seed 1 had to leave', m1!.id],
    );
    close(players);
  });

  it('concurrent results: two results together advance the round once; the same match twice is decided once', async () => {
    for (let run = 0; run < 2; run++) {
      const players = await seededPlayers(s, 4, 'cc');
      const t = await createTournament(s, s.adminToken, { capacity: 4 });
      await registerAll(s, t.id, players);
      await action(s, t.id, 'start');
      const [a, b] = (await view(s, t.id)).rounds[0]!.matches;
      const results = await Promise.all([
        override(s, { id: t.id, matchId: a!.id, winner: a!.a!.username }),
        override(s, { id: t.id, matchId: b!.id, winner: b!.a!.username }),
        override(s, { id: t.id, matchId: b!.id, winner: b!.b!.username }),
      ]);
      assert.deepEqual(
        results.map((r) => r.status).sort(),
        [200, 200, 409],
        JSON.stringify(results.map((r) => r.body)),
      );
      const v = await view(s, t.id);
      assert.equal(v.currentRound, 2);
      const finals = await s.db('tournament_matches').where({ tournament_id: t.id, round: 2 });
      assert.equal(finals.length, 1);
      assert.equal(finals[0].state, 'ready');
      const finalGames = await s
        .db('matches')
        .where({ kind: 'tournament' })
        .whereIn(
          'id',
          s.db('match_players').select('match_id').where({ user_id: finals[0].player_a }),
        );
      assert.equal(
        finalGames.filter((g) => ['ready', 'countdown', 'playing'].includes(g.state)).length,
        1,
        'one game for the final',
      );
      for (const id of [finals[0].player_a, finals[0].player_b]) {
        const ready = await s
          .db('notifications')
          .where({ user_id: id, type: 'tournament_match_ready' });
        assert.equal(ready.length, 2, 'one per round');
      }
      const rounds = await s
        .db('tournament_rounds')
        .where({ tournament_id: t.id })
        .orderBy('number');
      assert.deepEqual(
        rounds.map((r) => r.state),
        ['finished', 'running'],
      );
      const roundNotes = await s
        .db('notifications')
        .where({ user_id: players[2]!.id, type: 'system' })
        .whereRaw("payload->>'event' = 'tournament_round'");
      assert.equal(roundNotes.length, 2, 'round 2 announced once');
      close(players);
    }
  });

  it('kick before the start removes the registration; after it the player forfeits and the opponent advances', async () => {
    const players = await seededPlayers(s, 5, 'kk');
    const t = await createTournament(s, players[0]!.accessToken, { capacity: 8 });
    await registerAll(s, t.id, players);
    const kick = (u: string, token = players[0]!.accessToken) =>
      api(s.url, 'DELETE', `/api/v1/tournaments/${t.id}/players/${u}`, { token });
    assert.equal((await kick(players[4]!.username, players[1]!.accessToken)).status, 403);
    const before = await kick(players[4]!.username);
    assert.equal(before.status, 200);
    assert.equal(before.body.data.entrants.length, 4);
    assert.equal((await kick(players[4]!.username)).status, 404);
    await action(s, t.id, 'start', players[0]!.accessToken);
    const [m1] = (await view(s, t.id)).rounds[0]!.matches;
    const after = await kick(players[3]!.username);
    assert.equal(after.status, 200, JSON.stringify(after.body));
    const decided = after.body.data.rounds[0].matches[0];
    assert.deepEqual(
      [decided.winner, decided.forfeit, decided.reason],
      [players[0]!.username, 'b', 'kicked'],
    );
    assert.equal(
      after.body.data.entrants.find(
        (e: { username: string }) => e.username === players[3]!.username,
      ).status,
      'forfeited',
    );
    await untilView(
      () => s.db('matches').where({ id: m1!.gameId }).first(),
      (g) => g.state === 'aborted',
    );
    assert.equal((await kick(players[3]!.username)).status, 409, 'already out');
    assert.equal((await auditRows(t.id, 'tournament.kick')).length, 2);
    close(players);
  });

  it('pause holds the next round, resume starts it with a fresh join window; cancel ends games and tells everyone', async () => {
    const players = await seededPlayers(s, 4, 'pr');
    const t = await createTournament(s, s.adminToken, { capacity: 4 });
    await registerAll(s, t.id, players);
    await action(s, t.id, 'start');
    assert.equal((await action(s, t.id, 'resume')).status, 409);
    assert.equal((await action(s, t.id, 'pause')).status, 200);
    assert.equal((await action(s, t.id, 'pause')).status, 409);
    const [m1, m2] = (await view(s, t.id)).rounds[0]!.matches;
    await override(s, { id: t.id, matchId: m1!.id, winner: m1!.a!.username });
    await override(s, { id: t.id, matchId: m2!.id, winner: m2!.a!.username });
    let v = await view(s, t.id);
    assert.equal(v.state, 'paused');
    assert.equal(v.currentRound, 1, 'results count, the next round waits');
    s.clock.advance(joinTimeoutMs * 2);
    await s.tournaments.scheduler.tick();
    assert.equal((await view(s, t.id)).currentRound, 1, 'no progress and no timeouts while paused');
    assert.equal((await action(s, t.id, 'resume')).status, 200);
    v = await view(s, t.id);
    assert.equal(v.state, 'running');
    const final = v.rounds[1]!.matches[0]!;
    assert.equal(final.state, 'ready');
    assert.equal(Date.parse(final.joinBy!), s.clock.now() + joinTimeoutMs);
    const cancelled = await action(s, t.id, 'cancel');
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.data.state, 'cancelled');
    assert.equal(cancelled.body.data.rounds[1].matches[0].state, 'cancelled');
    await untilView(
      () => s.db('matches').where({ id: final.gameId }).first(),
      (g) => g.state === 'aborted',
    );
    for (const p of players) {
      const notes = await s
        .db('notifications')
        .where({ user_id: p.id, type: 'system' })
        .whereRaw("payload->>'event' = 'tournament_cancelled'");
      assert.equal(notes.length, 1);
    }
    assert.equal((await action(s, t.id, 'cancel')).status, 409);
    assert.equal((await action(s, t.id, 'pause')).status, 409);
    assert.deepEqual(
      (await s.db('audit_log').where({ target: t.id }).orderBy('id')).map((r) => r.action),
      [
        'tournament.start',
        'tournament.pause',
        'tournament.result_override',
        'tournament.result_override',
        'tournament.resume',
        'tournament.cancel',
      ],
    );
    close(players);
  });

  it('a player busy in another game gets the tournament game once free; still busy at the deadline, they forfeit', async () => {
    const players = await seededPlayers(s, 2, 'bz');
    const bot = async () => {
      const res = await api(s.url, 'POST', '/api/v1/matches', {
        token: players[1]!.accessToken,
        body: { bot: 'easy' },
      });
      assert.equal(res.status, 201);
      return res.body.data.id as string;
    };
    const first = await createTournament(s, s.adminToken, { capacity: 4 });
    await registerAll(s, first.id, players);
    const botGame = await bot();
    await action(s, first.id, 'start');
    let [m] = (await view(s, first.id)).rounds[0]!.matches;
    assert.equal(m!.state, 'scheduled', 'no game while a player is in another');
    assert.equal(
      (
        await s
          .db('notifications')
          .where({ user_id: players[0]!.id, type: 'tournament_match_ready' })
      ).length,
      0,
      'nobody told yet',
    );
    assert.equal(
      (
        await api(s.url, 'POST', `/api/v1/admin/matches/${botGame}/abort`, {
          token: s.adminToken,
          body: { reason: 'free the player' },
        })
      ).status,
      200,
    );
    await s.tournaments.scheduler.tick();
    [m] = (await view(s, first.id)).rounds[0]!.matches;
    assert.equal(m!.state, 'ready', 'the scheduler created the game');
    assert.equal(
      (
        await s
          .db('notifications')
          .where({ user_id: players[0]!.id, type: 'tournament_match_ready' })
      ).length,
      1,
    );
    assert.equal((await action(s, first.id, 'cancel')).status, 200);

    const second = await createTournament(s, s.adminToken, { capacity: 4 });
    await registerAll(s, second.id, players);
    await bot();
    await action(s, second.id, 'start');
    s.clock.advance(joinTimeoutMs);
    await s.tournaments.scheduler.tick();
    const v = await view(s, second.id);
    [m] = v.rounds[0]!.matches;
    assert.deepEqual(
      [m!.state, m!.winner, m!.forfeit, m!.reason],
      ['finished', players[0]!.username, 'b', 'join_timeout'],
    );
    assert.equal(v.state, 'finished');
    close(players);
  });

  it('a game end that never reached the tournament (stored, then the process stopped) is applied by the scheduler', async () => {
    const players = await seededPlayers(s, 2, 'rc');
    const t = await createTournament(s, s.adminToken, { capacity: 4 });
    await registerAll(s, t.id, players);
    await action(s, t.id, 'start');
    const [m] = (await view(s, t.id)).rounds[0]!.matches;
    // What the end transaction stores, without the listener that would have followed.
    const sides = await s.db('match_players').where({ match_id: m!.gameId }).orderBy('side');
    const rightIsSeed2 = sides[1].user_id === players[1]!.id;
    await s
      .db('matches')
      .where({ id: m!.gameId })
      .update({
        state: 'finished',
        reason: 'points',
        winner_side: rightIsSeed2 ? 1 : 0,
        left_score: rightIsSeed2 ? 1 : 3,
        right_score: rightIsSeed2 ? 3 : 1,
        ended_at: new Date(),
      });
    await s.tournaments.scheduler.tick();
    const v = await view(s, t.id);
    assert.equal(v.state, 'finished');
    assert.deepEqual(
      [
        v.rounds[0]!.matches[0]!.winner,
        v.rounds[0]!.matches[0]!.score,
        v.rounds[0]!.matches[0]!.reason,
      ],
      [players[1]!.username, [1, 3], 'points'],
    );
    // The runner still held the game: ending it now changes nothing.
    await s.games.runner.end(m!.gameId!, {
      outcome: 'aborted',
      reason: 'test cleanup',
      winnerSide: null,
    });
    assert.equal((await view(s, t.id)).rounds[0]!.matches[0]!.winner, players[1]!.username);
    close(players);
  });
});
