/**
 * Spawns bin/pongctl against a live API for the commands a player needs to
 * finish what they start, without a terminal: invites (list, decline),
 * games list for players, tournaments register/withdraw, register, password
 * change and reset, mail list, notifications and friends; with their
 * failure paths and exit codes.
 */
import assert from 'node:assert/strict';
import { adminPassword, api, loginAs, register, uniqueName } from '../support/accounts.ts';
import { runCli, tempConfigHome } from '../support/cli.ts';
import { postMatch, startGameServer } from '../support/games.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('pongctl journeys commands (no terminal)', function () {
  // Each test spawns the CLI a dozen times or more; a shared, busy machine makes each spawn slow.
  this.timeout(300_000);
  const s = suiteServer(() => startGameServer(), 90_000);
  let admin: string;
  const cli = (args: string[], token?: string, input?: string) =>
    runCli(args, {
      input,
      env: { PONGCTL_API: s.url, ...(token ? { PONGCTL_TOKEN: token } : {}) },
    });
  const json = (stdout: string) => JSON.parse(stdout);

  before(async () => {
    admin = await loginAs(s.url, 'admin', adminPassword);
  });

  it('invites lists open invites both ways; decline declines a received one and withdraws a sent one; unknown ones exit 3', async () => {
    const [ann, ben, cat] = [
      await register(s.url, 'an'),
      await register(s.url, 'be'),
      await register(s.url, 'ca'),
    ];
    const sent = await postMatch(s, ann.accessToken, { opponent: ben.username });
    const received = await postMatch(s, cat.accessToken, { opponent: ann.username });
    const listed = await cli(['invites', '-o', 'json'], ann.accessToken);
    assert.equal(listed.code, 0, listed.stderr);
    const rows = json(listed.stdout) as {
      id: string;
      direction: string;
      from: string;
      to: string;
    }[];
    assert.deepEqual(
      rows.map((r) => [r.id, r.direction, r.from, r.to]).sort(),
      [
        [sent.body.data.id, 'out', ann.username, ben.username],
        [received.body.data.id, 'in', cat.username, ann.username],
      ].sort(),
    );

    const declined = await cli(['invites', 'decline', cat.username], ann.accessToken);
    assert.equal(declined.code, 0, declined.stderr);
    const match = json(declined.stdout);
    assert.equal(match.id, received.body.data.id);
    assert.equal(match.reason, 'declined');
    const withdrawn = await cli(['invites', 'decline', sent.body.data.id], ann.accessToken);
    assert.equal(withdrawn.code, 0, withdrawn.stderr);
    assert.deepEqual(
      json((await cli(['invites', 'list', '-o', 'json'], ann.accessToken)).stdout),
      [],
    );

    const none = await cli(['invites', 'decline', ben.username], ann.accessToken);
    assert.equal(none.code, 3);
    assert.match(none.stderr, new RegExp(`No open invite with ${ben.username}`));
    assert.equal((await cli(['invites'], undefined)).code, 4, 'not signed in');
  });

  it('games list shows a player their own matches (private ones too), another player’s ended public ones, and admins everything', async () => {
    const [dan, eve] = [await register(s.url, 'da'), await register(s.url, 'ev')];
    const priv = await postMatch(s, dan.accessToken, {
      opponent: eve.username,
      visibility: 'private',
    });
    const bot = await postMatch(s, eve.accessToken, { bot: 'easy' });
    const mine = await cli(['games', 'list', '-o', 'json'], dan.accessToken);
    assert.equal(mine.code, 0, mine.stderr);
    assert.deepEqual(
      json(mine.stdout).map((m: { id: string }) => m.id),
      [priv.body.data.id],
    );
    const pending = await cli(
      ['games', 'list', '--state', 'pending', '-o', 'json'],
      eve.accessToken,
    );
    assert.deepEqual(
      json(pending.stdout).map((m: { id: string }) => m.id),
      [priv.body.data.id],
      'the invite eve received',
    );
    const live = await cli(['games', 'list', '--live', '-o', 'json'], eve.accessToken);
    assert.deepEqual(
      json(live.stdout).map((m: { id: string }) => m.id),
      [bot.body.data.id],
    );
    const theirs = await cli(
      ['games', 'list', '--user', eve.username, '-o', 'json'],
      dan.accessToken,
    );
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.deepEqual(json(theirs.stdout), [], 'nothing of eve’s has ended yet');
    assert.equal(
      (await cli(['games', 'list', '--user', eve.username, '--live'], dan.accessToken)).code,
      2,
      'others’ live matches are for admins',
    );
    assert.equal(
      (await cli(['games', 'list', '--user', 'nobody-at-all'], dan.accessToken)).code,
      3,
    );
    const byAdmin = await cli(['games', 'list', '--user', eve.username, '-o', 'json'], admin);
    assert.deepEqual(
      json(byAdmin.stdout)
        .map((m: { id: string }) => m.id)
        .sort(),
      [priv.body.data.id, bot.body.data.id].sort(),
    );
    const adminAll = await cli(['games', 'list', '--limit', '100', '-o', 'json'], admin);
    assert.ok(json(adminAll.stdout).length >= 2);
    assert.deepEqual(
      json((await cli(['games', 'list', '--mine', '-o', 'json'], admin)).stdout),
      [],
    );
  });

  it('tournaments register and withdraw; a taken alias exits 5, an unknown tournament 3, a missing alias 2', async () => {
    const [fay, gus] = [await register(s.url, 'fa'), await register(s.url, 'gu')];
    const created = await api(s.url, 'POST', '/api/v1/tournaments', {
      token: fay.accessToken,
      body: { name: 'Terminal Cup', capacity: 4, format: 'single_elimination' },
    });
    const id = created.body.data.id as string;
    const reg = await cli(['tournaments', 'register', id, '--alias', 'Maverick'], fay.accessToken);
    assert.equal(reg.code, 0, reg.stderr);
    assert.equal(json(reg.stdout).alias, 'Maverick');
    const taken = await cli(
      ['tournaments', 'register', id, '--alias', 'maverick'],
      gus.accessToken,
    );
    assert.equal(taken.code, 5, taken.stderr);
    assert.equal((await cli(['tournaments', 'register', id], gus.accessToken)).code, 2);
    assert.equal(
      (
        await cli(
          ['tournaments', 'register', '00000000-0000-4000-8000-000000000000', '--alias', 'X'],
          gus.accessToken,
        )
      ).code,
      3,
    );
    const out = await cli(['tournaments', 'withdraw', id], fay.accessToken);
    assert.equal(out.code, 0, out.stderr);
    const view = await api(s.url, 'GET', `/api/v1/tournaments/${id}`, { token: fay.accessToken });
    assert.equal(view.body.data.entrants.length, 0);
    assert.notEqual((await cli(['tournaments', 'withdraw', id], fay.accessToken)).code, 0);
  });

  it('register signs a new player in; password change, reset request (read through mail list) and reset confirm work with --password-stdin', async () => {
    const home = tempConfigHome();
    const run = (args: string[], input = '') =>
      runCli(args, { input, env: { PONGCTL_API: s.url, XDG_CONFIG_HOME: home } });
    const username = uniqueName('rg');
    const email = `${username}@example.test`;
    const first = 'First-Secret-pw-91';
    const made = await run(
      ['register', '-u', username, '--email', email, '--password-stdin'],
      `${first}\n`,
    );
    assert.equal(made.code, 0, made.stderr);
    assert.equal(json(made.stdout).username, username);
    assert.ok(!made.stdout.includes(first) && !made.stderr.includes(first));
    assert.equal(json((await run(['whoami', '-o', 'json'])).stdout).username, username);
    assert.equal(
      (await run(['register', '-u', username, '--email', email, '--password-stdin'], `${first}\n`))
        .code,
      5,
      'taken',
    );
    assert.equal(
      (await run(['register', '-u', uniqueName('rg'), '--email', 'x@example.test'])).code,
      2,
      'no password without a terminal',
    );
    assert.equal(
      (
        await run(
          ['register', '-u', uniqueName('rg'), '--email', 'y@example.test', '--password-stdin'],
          'password\n',
        )
      ).code,
      2,
      'a common password is refused',
    );

    const second = 'Second-Secret-pw-92';
    assert.equal(
      (await run(['password', 'change', '--password-stdin'], `wrong-one-pw\n${second}\n`)).code,
      2,
      'a wrong current password is invalid input (VALIDATION)',
    );
    assert.equal(
      (await run(['password', 'change', '--password-stdin'], `${first}\n`)).code,
      2,
      'two lines needed',
    );
    const changed = await run(['password', 'change', '--password-stdin'], `${first}\n${second}\n`);
    assert.equal(changed.code, 0, changed.stderr);
    assert.equal(
      (
        await api(s.url, 'POST', '/api/v1/auth/login', {
          body: { login: username, password: second },
        })
      ).status,
      200,
    );

    const asked = await run(['password', 'reset', 'request', '--email', email]);
    assert.equal(asked.code, 0, asked.stderr);
    assert.equal((await run(['password', 'reset', 'request'])).code, 2, '--email is required');
    const player = await run(['mail', 'list']);
    assert.equal(player.code, 4, 'the outbox is for admins');
    const deadline = Date.now() + 10_000;
    let link: string | undefined;
    while (!link && Date.now() < deadline) {
      const mail = await cli(['mail', 'list', '--to', email.toUpperCase(), '-o', 'json'], admin);
      assert.equal(mail.code, 0, mail.stderr);
      link = /http\S+reset-password\?token=\S+/.exec(
        (json(mail.stdout) as { body: string }[]).map((m) => m.body).join('\n'),
      )?.[0];
      if (!link) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(link, 'the reset mail is in the outbox');
    const audit = await s
      .db('audit_log')
      .where({ action: 'mail.read' })
      .orderBy('id', 'desc')
      .first();
    assert.ok(audit, 'reading the outbox is audited');

    const third = 'Third-Secret-pw-93';
    assert.equal(
      (
        await run(
          ['password', 'reset', 'confirm', '--token', 'bogus', '--password-stdin'],
          `${third}\n`,
        )
      ).code,
      2,
      'an unknown token is invalid input (VALIDATION)',
    );
    const confirmed = await run(
      ['password', 'reset', 'confirm', '--token', link!, '--password-stdin'],
      `${third}\n`,
    );
    assert.equal(confirmed.code, 0, confirmed.stderr);
    assert.equal(
      (
        await api(s.url, 'POST', '/api/v1/auth/login', {
          body: { login: username, password: third },
        })
      ).status,
      200,
    );
    assert.equal((await run(['whoami'])).code, 4, 'the reset signed every session out');
  });

  it('friends add, accept, list, decline and remove; notifications list what arrived and read marks it', async () => {
    const [hal, ivy, jon] = [
      await register(s.url, 'ha'),
      await register(s.url, 'iv'),
      await register(s.url, 'jo'),
    ];
    assert.equal((await cli(['friends', 'add', ivy.username], hal.accessToken)).code, 0);
    assert.equal(
      (await cli(['friends', 'add', ivy.username], hal.accessToken)).code,
      5,
      'already asked',
    );
    assert.equal((await cli(['friends', 'add', 'nobody-at-all'], hal.accessToken)).code, 3);
    const incoming = json((await cli(['friends', '-o', 'json'], ivy.accessToken)).stdout);
    assert.deepEqual(
      incoming.map((f: { username: string; state: string }) => [f.username, f.state]),
      [[hal.username, 'incoming']],
    );
    const notes = await cli(['notifications', '--unread', '-o', 'json'], ivy.accessToken);
    assert.equal(notes.code, 0, notes.stderr);
    const [note] = json(notes.stdout);
    assert.equal(note.type, 'friend_request');
    assert.equal(note.payload.from, hal.username);
    assert.equal((await cli(['friends', 'accept', hal.username], ivy.accessToken)).code, 0);
    const friends = json(
      (await cli(['friends', 'list', '--state', 'accepted', '-o', 'json'], hal.accessToken)).stdout,
    );
    assert.deepEqual(
      friends.map((f: { username: string }) => f.username),
      [ivy.username],
    );
    assert.equal((await cli(['friends', 'list', '--state', 'nope'], hal.accessToken)).code, 2);

    await cli(['friends', 'add', jon.username], ivy.accessToken);
    assert.equal((await cli(['friends', 'decline', ivy.username], jon.accessToken)).code, 0);
    assert.equal(
      (await cli(['friends', 'decline', ivy.username], jon.accessToken)).code,
      3,
      'nothing left to decline',
    );
    await cli(['friends', 'add', jon.username], hal.accessToken);
    assert.equal(
      (await cli(['friends', 'remove', jon.username], hal.accessToken)).code,
      0,
      'cancels the request',
    );
    assert.equal(
      (await cli(['friends', 'remove', ivy.username], hal.accessToken)).code,
      0,
      'ends the friendship',
    );
    assert.deepEqual(json((await cli(['friends', '-o', 'json'], hal.accessToken)).stdout), []);

    assert.equal((await cli(['notifications', 'read'], ivy.accessToken)).code, 2, 'ids or --all');
    const read = await cli(['notifications', 'read', note.id, '-o', 'json'], ivy.accessToken);
    assert.equal(read.code, 0, read.stderr);
    assert.equal(json(read.stdout).updated, 1);
    const all = await cli(['notifications', 'read', '--all', '-o', 'json'], hal.accessToken);
    assert.equal(json(all.stdout).unreadCount, 0);
    assert.deepEqual(
      json((await cli(['notifications', '--unread', '-o', 'json'], hal.accessToken)).stdout),
      [],
    );
  });
});
