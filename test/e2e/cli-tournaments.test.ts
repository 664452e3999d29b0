// Spawns bin/pongctl against a live API: tournaments create/list/show/start/result/kick/pause/resume/cancel, the bracket as printed, and exit codes.
import assert from 'node:assert/strict';
import { runCli, tempConfigHome } from '../support/cli.ts';
import { tmuxAvailable, tmuxPongctl } from '../support/tmux.ts';
import { registerAll, seededPlayers, startTournamentServer, view } from '../support/tournaments.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('pongctl tournaments', function () {
  this.timeout(90_000);
  const s = suiteServer(() => startTournamentServer(), 90_000);
  const cli = (args: string[], token = s.adminToken) =>
    runCli(args, { env: { PONGCTL_API: s.url, PONGCTL_TOKEN: token, COLUMNS: '200' } });

  it('creates, lists, starts, shows the bracket and decides matches to the end, with the exit codes of the error table', async () => {
    const players = await seededPlayers(s, 4, 'cl');
    const created = await cli(
      [
        'tournaments',
        'create',
        '--name',
        'CLI Cup',
        '--capacity',
        '4',
        '--format',
        'single_elimination',
        '--points-to-win',
        '3',
        '-o',
        'json',
      ],
      players[0]!.accessToken,
    );
    assert.equal(created.code, 0, created.stderr);
    const t = JSON.parse(created.stdout) as {
      id: string;
      settings: { pointsToWin: number };
      state: string;
    };
    assert.equal(t.settings.pointsToWin, 3);
    assert.equal(t.state, 'registration');
    const missing = await cli(['tournaments', 'create', '--name', 'x']);
    assert.equal(missing.code, 2, 'no terminal for the wizard');
    assert.match(missing.stderr, /--capacity/);
    const invalid = await cli([
      'tournaments',
      'create',
      '--name',
      'x',
      '--capacity',
      '100',
      '--format',
      'round_robin',
    ]);
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /--capacity/);

    await registerAll(s, t.id, players);
    const listed = await cli(['tournaments', 'list', '--state', 'registration', '-o', 'json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(
      (JSON.parse(listed.stdout) as { id: string; players: number }[]).some(
        (x) => x.id === t.id && x.players === 4,
      ),
    );
    const table = await cli(['tournaments', 'list', '-o', 'table']);
    assert.match(table.stdout, /CLI Cup\s+single elimination\s+registration\s+4\/4/);
    assert.equal((await cli(['tournaments', 'list', '--state', 'bogus'])).code, 2);

    assert.equal(
      (await cli(['tournaments', 'start', t.id], players[1]!.accessToken)).code,
      4,
      'not the creator',
    );
    const started = await cli(
      ['tournaments', 'start', t.id, '-o', 'table'],
      players[0]!.accessToken,
    );
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stderr, /running with 4 players, 2 rounds/);
    assert.equal(
      (await cli(['tournaments', 'start', t.id], players[0]!.accessToken)).code,
      5,
      'already running',
    );

    const shown = await cli(['tournaments', 'show', t.id, '-o', 'table']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /Semi-finals\s+Final\s+Champion/);
    assert.match(shown.stdout, /1 Ace 1\s+─┐/);
    assert.match(shown.stdout, /├─/);
    assert.match(shown.stdout, /Open matches:/);
    const v = await view(s, t.id);
    for (const m of v.rounds[0]!.matches)
      assert.ok(shown.stdout.includes(m.id), 'open match ids are listed');
    assert.equal(
      (await cli(['tournaments', 'show', '00000000-0000-4000-8000-000000000000'])).code,
      3,
    );

    const [m1, m2] = v.rounds[0]!.matches;
    const unconfirmed = await cli([
      'tournaments',
      'result',
      t.id,
      m1!.id,
      '--winner',
      'Ace 1',
      '--reason',
      'test',
    ]);
    assert.equal(unconfirmed.code, 2);
    assert.match(unconfirmed.stderr, /--yes/);
    assert.equal(
      (
        await cli([
          'tournaments',
          'result',
          t.id,
          m1!.id,
          '--winner',
          'nobody',
          '--reason',
          'x',
          '--yes',
        ])
      ).code,
      2,
    );
    const decided = await cli([
      'tournaments',
      'result',
      t.id,
      m1!.id,
      '--winner',
      'Ace 1',
      '--reason',
      'walkover',
      '--yes',
    ]);
    assert.equal(decided.code, 0, decided.stderr);
    assert.equal(
      (
        await cli([
          'tournaments',
          'result',
          t.id,
          m1!.id,
          '--winner',
          'Ace 4',
          '--reason',
          'x',
          '--yes',
        ])
      ).code,
      5,
      'already decided',
    );
    assert.equal((await cli(['tournaments', 'pause', t.id])).code, 0);
    assert.equal((await cli(['tournaments', 'resume', t.id])).code, 0);
    assert.equal(
      (await cli(['tournaments', 'kick', t.id, players[2]!.username])).code,
      2,
      'kick needs --yes',
    );
    const kicked = await cli(['tournaments', 'kick', t.id, players[2]!.username, '--yes']);
    assert.equal(kicked.code, 0, kicked.stderr);
    assert.equal((await view(s, t.id)).rounds[0]!.matches[1]!.winner, m2!.a!.username);
    const final = (await view(s, t.id)).rounds[1]!.matches[0]!;
    const won = await cli([
      'tournaments',
      'result',
      t.id,
      final.id,
      '--winner',
      players[1]!.username,
      '--reason',
      'final decided',
      '--yes',
      '-o',
      'table',
    ]);
    assert.equal(won.code, 0, won.stderr);
    assert.match(won.stderr, /CLI Cup is over, Ace 2 wins/);

    const end = await cli(['tournaments', 'show', t.id, '-o', 'table']);
    assert.match(end.stdout, /★ Ace 2/);
    assert.match(end.stdout, /winner:\s+Ace 2/);
    assert.equal(
      (await cli(['tournaments', 'cancel', t.id, '--yes'])).code,
      5,
      'a finished tournament cannot be cancelled',
    );
    for (const p of players) p.client.close();
  });

  it('shows a round robin as a table and cancels with --yes', async () => {
    const players = await seededPlayers(s, 3, 'cr');
    const created = await cli([
      'tournaments',
      'create',
      '--name',
      'League',
      '--capacity',
      '4',
      '--format',
      'round_robin',
      '-o',
      'json',
    ]);
    const t = JSON.parse(created.stdout) as { id: string };
    await registerAll(s, t.id, players);
    assert.equal((await cli(['tournaments', 'start', t.id])).code, 0);
    const shown = await cli(['tournaments', 'show', t.id, '-o', 'table']);
    assert.match(shown.stdout, /#\s+PLAYER\s+USER\s+P\s+W\s+D\s+L\s+PTS/);
    assert.match(shown.stdout, /Round 1 \(current\)/);
    assert.equal((await cli(['tournaments', 'cancel', t.id])).code, 2, 'cancel needs --yes');
    const cancelled = await cli(['tournaments', 'cancel', t.id, '--yes', '-o', 'json']);
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.equal(JSON.parse(cancelled.stdout).state, 'cancelled');
    for (const p of players) p.client.close();
  });

  it('on a terminal, create is a wizard and cancel asks for confirmation', async function () {
    if (!tmuxAvailable()) this.skip();
    const env = {
      PONGCTL_API: s.url,
      PONGCTL_TOKEN: s.adminToken,
      XDG_CONFIG_HOME: tempConfigHome(),
      PATH: process.env.PATH ?? '',
    };
    const wizard = await tmuxPongctl(['tournaments', 'create', '-o', 'json'], {
      env,
      width: 100,
      height: 30,
    });
    try {
      await wizard.waitFor(/Tournament name/);
      await wizard.keys(['Wizard Cup'], true);
      await wizard.keys(['Enter']);
      await wizard.waitFor(/Round robin/);
      await wizard.keys(['Down', 'Enter']);
      await wizard.waitFor(/Most players/);
      await wizard.keys(['BSpace', '6', 'Enter']);
      await wizard.waitFor(/Points to win/);
      await wizard.keys(['Enter']);
      await wizard.waitFor(/Start automatically/);
      await wizard.keys(['Enter']);
      await wizard.waitFor(/EXIT=0/);
    } finally {
      await wizard.kill();
    }
    const [row] = await s.db('tournaments').where({ name: 'Wizard Cup' });
    assert.deepEqual([row.format, row.capacity, row.starts_at], ['round_robin', 6, null]);
    const confirm = await tmuxPongctl(['tournaments', 'cancel', row.id, '-o', 'table'], {
      env,
      width: 100,
      height: 10,
    });
    try {
      await confirm.waitFor(/Cancel tournament/);
      await confirm.keys(['y', 'Enter']);
      await confirm.waitFor(/EXIT=0/);
    } finally {
      await confirm.kill();
    }
    assert.equal((await s.db('tournaments').where({ id: row.id }).first()).state, 'cancelled');
  });
});
