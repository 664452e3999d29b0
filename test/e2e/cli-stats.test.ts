// Spawns bin/pongctl: simulate twice with one seed (the same data under two
// prefixes), then leaderboard, stats user/match/platform (plain text in a
// pipe, -o json|csv for the raw series) and digest weekly --dry-run.
import assert from 'node:assert/strict';
import { runCli, tempConfigHome, type CliResult } from '../support/cli.ts';
import { adminPassword, startAuthServer } from '../support/accounts.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('pongctl leaderboard, stats, simulate and digest', function () {
  this.timeout(240_000);
  const s = suiteServer(() => startAuthServer());
  let home: string;
  const now = new Date(Math.floor((Date.now() - 3_600_000) / 1000) * 1000).toISOString();
  const cli = (args: string[], input?: string, timeoutMs = 30_000): Promise<CliResult> =>
    runCli(args, { input, timeoutMs, env: { PONGCTL_API: s.url, XDG_CONFIG_HOME: home } });
  // Prefixes no other suite's users start with (the PostgreSQL database is shared by the whole run).
  const tag = `s${Date.now().toString(36).slice(-5)}`;
  const [one, two] = [`${tag}a`, `${tag}b`];
  /** A simulated player the later tests read about. */
  const player3 = `${one}0003`;
  const simulate = (prefix: string) =>
    cli(
      [
        'simulate',
        '--users',
        '16',
        '--days',
        '7',
        '--matches',
        '160',
        '--seed',
        '7',
        '--prefix',
        prefix,
        '--now',
        now,
        '-o',
        'json',
      ],
      undefined,
      150_000,
    );

  before(async () => {
    home = tempConfigHome();
    const login = await cli(
      ['login', '--username', 'admin', '--password-stdin'],
      `${adminPassword}\n`,
    );
    assert.equal(login.code, 0, login.stderr);
  });

  it('simulates the same data for the same seed', async () => {
    const first = await simulate(one);
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout);
    assert.equal(summary.users, 16);
    assert.ok(
      summary.matches > 130 && summary.tournaments === 2 && summary.friendships > 10,
      first.stdout,
    );
    assert.equal((await simulate(two)).code, 0);
    const snapshot = async (prefix: string) => {
      const ratings = await s
        .db('ratings as r')
        .join('users as u', 'u.id', 'r.user_id')
        .where('u.username', 'like', `${prefix}%`)
        .select('u.username', 'r.rating', 'r.matches', 'r.wins')
        .orderBy('u.username');
      const users = await s
        .db('users')
        .where('username', 'like', `${prefix}%`)
        .select('username', 'created_at')
        .orderBy('username');
      const friends = await s
        .db('friend_edges as f')
        .join('users as u', 'u.id', 'f.user_id')
        .join('users as o', 'o.id', 'f.other_id')
        .where('u.username', 'like', `${prefix}%`)
        .select('u.username as a', 'o.username as b', 'f.state');
      const tournaments = await s
        .db('tournaments as t')
        .leftJoin('users as w', 'w.id', 't.winner_id')
        .where('t.name', 'like', `${prefix} %`)
        .select('t.name', 't.state', 'w.username as winner')
        .orderBy('t.name');
      return {
        tournaments: tournaments.map((t) => [
          t.name.slice(prefix.length),
          t.state,
          t.winner?.slice(prefix.length) ?? null,
        ]),
        ratings: ratings.map((r) => [
          r.username.slice(prefix.length),
          Math.round(r.rating * 100),
          r.matches,
          r.wins,
        ]),
        registered: users.map((u) => [
          u.username.slice(prefix.length),
          new Date(u.created_at).toISOString(),
        ]),
        friends: friends
          .map((f) => [f.a.slice(prefix.length), f.b.slice(prefix.length), f.state])
          .sort(),
      };
    };
    const played = await snapshot(one);
    assert.deepEqual(
      played.tournaments.map(([name, state]) => [name, state]),
      [
        [' cup', 'finished'],
        [' league', 'finished'],
      ],
      'both tournaments played to the end',
    );
    assert.ok(
      played.tournaments.every(([, , winner]) => typeof winner === 'string'),
      JSON.stringify(played.tournaments),
    );
    assert.deepEqual(await snapshot(two), played);
    const again = await simulate(one);
    assert.equal(again.code, 5, 'the prefix is taken: a conflict, nothing doubled');
  });

  it('prints leaderboards (json in a pipe) and the window around a player', async () => {
    const board = await cli(['leaderboard', 'rating', '--limit', '5', '-o', 'json']);
    assert.equal(board.code, 0, board.stderr);
    const rows = JSON.parse(board.stdout);
    assert.equal(rows.length, 5);
    assert.deepEqual(
      rows.map((r: { rank: number }) => r.rank),
      [1, 2, 3, 4, 5],
    );
    const around = await cli([
      'leaderboard',
      'rating',
      '--around',
      rows[2].username,
      '--radius',
      '1',
      '-o',
      'json',
    ]);
    assert.deepEqual(
      JSON.parse(around.stdout).map((r: { rank: number }) => r.rank),
      [2, 3, 4],
    );
    const wins = await cli(['leaderboard', 'wins', '--period', 'all', '-o', 'json']);
    assert.equal(wins.code, 0, wins.stderr);
    assert.ok(JSON.parse(wins.stdout).length > 0);
    assert.equal((await cli(['leaderboard', 'nope'])).code, 2);
  });

  it('prints user stats as plain text in a pipe, and the raw series with -o csv|json', async () => {
    const plain = await cli(['stats', 'user', player3, '--days', '7', '--chart', 'activity']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, new RegExp(`^player: ${player3}$`, 'm'));
    assert.match(plain.stdout, new RegExp(`^# Matches of ${player3} \\(per day\\)$`, 'm'));
    assert.ok(!plain.stdout.includes('\u001b['), 'no colour in a pipe');
    const csv = await cli([
      'stats',
      'user',
      player3,
      '--days',
      '7',
      '--chart',
      'activity',
      '-o',
      'csv',
    ]);
    const lines = csv.stdout.trim().split('\r\n');
    assert.equal(lines[0], 'day,matches,won');
    assert.equal(lines.length, 8);
    const json = await cli([
      'stats',
      'user',
      player3,
      '--days',
      '7',
      '--chart',
      'rating',
      '-o',
      'json',
    ]);
    const series = JSON.parse(json.stdout);
    assert.ok(series.length > 0 && typeof series[0].rating === 'number');
    assert.equal((await cli(['stats', 'user', player3, '--chart', 'pie'])).code, 2);
  });

  it('prints platform stats and a match, and dry-runs the digest', async () => {
    const platform = await cli(['stats', 'platform', '--days', '7', '-o', 'json']);
    assert.equal(platform.code, 0, platform.stderr);
    assert.ok(JSON.parse(platform.stdout).totals.matches > 260);
    // The newest simulated match: on PostgreSQL other test files' matches share the database.
    const simulated = await s
      .db('matches as m')
      .join('match_players as p', 'p.match_id', 'm.id')
      .join('users as u', 'u.id', 'p.user_id')
      .where('u.username', 'like', `${one}%`)
      .orderBy('m.ended_at', 'desc')
      .first('m.id');
    const matchId = simulated.id as string;
    const match = await cli(['stats', 'match', matchId, '--chart', 'score', '-o', 'csv']);
    assert.equal(match.code, 0, match.stderr);
    assert.match(
      match.stdout.split('\r\n')[0]!,
      new RegExp(`^seconds into the match,${one}\\d+,${one}\\d+$`),
    );
    const digest = await cli(['digest', 'weekly', '--dry-run', '-o', 'json']);
    assert.equal(digest.code, 0, digest.stderr);
    // No simulated player opted in; other test files' players may have, on a shared PostgreSQL.
    const planned = JSON.parse(digest.stdout) as { username: string }[];
    assert.ok(Array.isArray(planned));
    assert.deepEqual(
      planned.filter((d) => /^d[ab]\d+$/.test(d.username)),
      [],
    );
  });
});
