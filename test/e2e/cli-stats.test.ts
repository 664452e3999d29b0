// Spawns bin/pongctl: simulate twice with one seed (the same data under two
// prefixes), then leaderboard, stats user/match/platform (plain text in a
// pipe, -o json|csv for the raw series) and digest weekly --dry-run.
import assert from 'node:assert/strict';
import { runCli, tempConfigHome, type CliResult } from '../support/cli.ts';
import { adminPassword, startAuthServer, type AuthTestServer } from '../support/accounts.ts';

describe('pongctl leaderboard, stats, simulate and digest', function () {
  this.timeout(240_000);
  let s: AuthTestServer;
  let home: string;
  const now = new Date(Math.floor((Date.now() - 3_600_000) / 1000) * 1000).toISOString();
  const cli = (args: string[], input?: string, timeoutMs = 30_000): Promise<CliResult> =>
    runCli(args, { input, timeoutMs, env: { PONGCTL_API: s.url, XDG_CONFIG_HOME: home } });
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
    s = await startAuthServer();
    home = tempConfigHome();
    const login = await cli(
      ['login', '--username', 'admin', '--password-stdin'],
      `${adminPassword}\n`,
    );
    assert.equal(login.code, 0, login.stderr);
  });
  after(async () => s?.stop());

  it('simulates the same data for the same seed', async () => {
    const first = await simulate('da');
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout);
    assert.equal(summary.users, 16);
    assert.ok(
      summary.matches > 130 && summary.tournaments === 2 && summary.friendships > 10,
      first.stdout,
    );
    assert.equal((await simulate('db')).code, 0);
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
        tournaments: tournaments.map((t) => [t.name.slice(2), t.state, t.winner?.slice(2) ?? null]),
        ratings: ratings.map((r) => [
          r.username.slice(2),
          Math.round(r.rating * 100),
          r.matches,
          r.wins,
        ]),
        registered: users.map((u) => [u.username.slice(2), new Date(u.created_at).toISOString()]),
        friends: friends.map((f) => [f.a.slice(2), f.b.slice(2), f.state]).sort(),
      };
    };
    const played = await snapshot('da');
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
    assert.deepEqual(await snapshot('db'), played);
    const again = await simulate('da');
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
    const plain = await cli(['stats', 'user', 'da0003', '--days', '7', '--chart', 'activity']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^player: da0003$/m);
    assert.match(plain.stdout, /^# Matches of da0003 \(per day\)$/m);
    assert.ok(!plain.stdout.includes('\u001b['), 'no colour in a pipe');
    const csv = await cli([
      'stats',
      'user',
      'da0003',
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
      'da0003',
      '--days',
      '7',
      '--chart',
      'rating',
      '-o',
      'json',
    ]);
    const series = JSON.parse(json.stdout);
    assert.ok(series.length > 0 && typeof series[0].rating === 'number');
    assert.equal((await cli(['stats', 'user', 'da0003', '--chart', 'pie'])).code, 2);
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
      .where('u.username', 'like', 'da%')
      .orderBy('m.ended_at', 'desc')
      .first('m.id');
    const matchId = simulated.id as string;
    const match = await cli(['stats', 'match', matchId, '--chart', 'score', '-o', 'csv']);
    assert.equal(match.code, 0, match.stderr);
    assert.match(match.stdout.split('\r\n')[0]!, /^seconds into the match,da\d+,da\d+$/);
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
