// Spawns bin/pongctl against a live API: login, whoami, users, tokens, audit, and the exit codes of 401/403/404.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, tempConfigHome, type CliResult } from '../support/cli.ts';
import {
  adminPassword,
  register,
  startAuthServer,
  uniqueName,
  type AuthTestServer,
} from '../support/accounts.ts';

describe('pongctl accounts commands', () => {
  let s: AuthTestServer;
  let home: string;
  const cli = (
    args: string[],
    options: { input?: string; env?: Record<string, string>; home?: string } = {},
  ): Promise<CliResult> =>
    runCli(args, {
      input: options.input,
      env: { PONGCTL_API: s.url, XDG_CONFIG_HOME: options.home ?? home, ...options.env },
    });
  const configOf = (dir: string) =>
    JSON.parse(readFileSync(path.join(dir, 'pongctl', 'config.json'), 'utf8'));

  before(async function () {
    // The embedded database starts slowly on a busy machine.
    this.timeout(60_000);
    s = await startAuthServer();
    home = tempConfigHome();
  });
  after(async () => {
    await s?.stop();
  });

  it('logs in with --password-stdin and stores the session in the profile (mode 0600)', async () => {
    const res = await cli(['login', '--username', 'admin', '--password-stdin'], {
      input: `${adminPassword}\n`,
    });
    assert.equal(res.code, 0, res.stderr);
    // Not a terminal: the result is JSON on stdout.
    assert.deepEqual(JSON.parse(res.stdout), {
      api: s.url,
      username: 'admin',
      role: 'admin',
      profile: 'default',
    });
    assert.ok(!res.stdout.includes(adminPassword) && !res.stderr.includes(adminPassword));
    const file = path.join(home, 'pongctl', 'config.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const profile = configOf(home).profiles.default;
    assert.equal(profile.username, 'admin');
    assert.ok(profile.accessToken && profile.refreshToken && profile.accessTokenExpiresAt);
    const who = await cli(['whoami', '-o', 'json']);
    assert.equal(JSON.parse(who.stdout).username, 'admin');
  });

  it('fails with a usage error when there is no terminal to ask for the password, and 4 for a wrong one', async () => {
    const noTty = await cli(['login', '--username', 'admin'], { home: tempConfigHome() });
    assert.equal(noTty.code, 2);
    const wrong = await cli(['login', '--username', 'admin', '--password-stdin'], {
      input: 'not-the-password',
      home: tempConfigHome(),
    });
    assert.equal(wrong.code, 4);
    assert.match(wrong.stderr, /Invalid login or password/);
  });

  it('lists users as JSON and creates one without a password (a reset link comes back)', async () => {
    const name = uniqueName('cli');
    const created = await cli([
      'users',
      'create',
      '--username',
      name,
      '--email',
      `${name}@example.test`,
      '--role',
      'player',
      '-o',
      'json',
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(JSON.parse(created.stdout).resetLink, /reset-password\?token=/);
    const list = await cli(['users', 'list', '--query', name, '-o', 'json']);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(
      JSON.parse(list.stdout).map((u: { username: string }) => u.username),
      [name],
    );
    const all = await cli(['users', 'list', '--all', '--limit', '1', '-o', 'json']);
    assert.ok(JSON.parse(all.stdout).length >= 2);
    const missing = await cli(['users', 'create', '--username', uniqueName()]);
    assert.equal(missing.code, 2);
  });

  it('bans for a duration and unbans; sets roles; shows; 404 exits 3', async () => {
    const p = await register(s.url);
    const ban = await cli(['users', 'ban', p.username, '--reason', 'spam', '--for', '7d']);
    assert.equal(ban.code, 0, ban.stderr);
    const shown = JSON.parse((await cli(['users', 'show', p.username, '-o', 'json'])).stdout);
    assert.equal(shown.status, 'banned');
    assert.equal(shown.banReason, 'spam');
    assert.ok(Date.parse(shown.bannedUntil) - Date.now() > 6 * 86_400_000);
    assert.equal(
      (await cli(['users', 'ban', p.username, '--reason', 'x', '--for', 'soon'])).code,
      2,
    );
    assert.equal((await cli(['users', 'unban', p.username])).code, 0);
    assert.equal(
      JSON.parse((await cli(['users', 'show', p.username, '-o', 'json'])).stdout).status,
      'active',
    );
    assert.equal((await cli(['users', 'set-role', p.username, 'moderator'])).code, 0);
    assert.equal((await cli(['users', 'set-role', p.username, 'emperor'])).code, 2);
    const missing = await cli(['users', 'show', 'no-such-user-here']);
    assert.equal(missing.code, 3);
  });

  it('exits 4 for a player on admin commands and when not signed in', async () => {
    const p = await register(s.url);
    const playerHome = tempConfigHome();
    assert.equal(
      (
        await cli(['login', '-u', p.username, '--password-stdin'], {
          input: p.password,
          home: playerHome,
        })
      ).code,
      0,
    );
    const forbidden = await cli(['users', 'list'], { home: playerHome });
    assert.equal(forbidden.code, 4);
    assert.match(forbidden.stderr, /needs the moderator role/);
    const anonymous = await cli(['users', 'list'], { home: tempConfigHome() });
    assert.equal(anonymous.code, 4);
    assert.match(anonymous.stderr, /pongctl login/);
  });

  it('refreshes an expired access token and rewrites the profile', async () => {
    const file = path.join(home, 'pongctl', 'config.json');
    const config = configOf(home);
    const before = config.profiles.default.refreshToken;
    config.profiles.default.accessTokenExpiresAt = new Date(Date.now() - 1000).toISOString();
    writeFileSync(file, JSON.stringify(config));
    const who = await cli(['whoami', '-o', 'json']);
    assert.equal(who.code, 0, who.stderr);
    assert.notEqual(configOf(home).profiles.default.refreshToken, before);
  });

  it('creates a token that works as PONGCTL_TOKEN, then revokes it', async () => {
    const created = await cli(['tokens', 'create', uniqueName('ci'), '-o', 'json']);
    assert.equal(created.code, 0, created.stderr);
    const { token, id } = JSON.parse(created.stdout);
    const viaEnv = await cli(['whoami', '-o', 'json'], {
      home: tempConfigHome(),
      env: { PONGCTL_TOKEN: token },
    });
    assert.equal(JSON.parse(viaEnv.stdout).via, 'PONGCTL_TOKEN');
    assert.equal(JSON.parse(viaEnv.stdout).username, 'admin');
    const list = await cli(['tokens', 'list', '-o', 'json']);
    assert.ok(JSON.parse(list.stdout).some((t: { id: string }) => t.id === id));
    assert.equal((await cli(['tokens', 'revoke', id])).code, 0);
    assert.equal(
      (await cli(['whoami'], { home: tempConfigHome(), env: { PONGCTL_TOKEN: token } })).code,
      4,
    );
  });

  it('deletes only with --yes when not interactive, and shows it in the audit log', async () => {
    const p = await register(s.url);
    assert.equal((await cli(['users', 'delete', p.username])).code, 2);
    const del = await cli(['users', 'delete', p.username, '--yes']);
    assert.equal(del.code, 0, del.stderr);
    const audit = await cli([
      'audit',
      'list',
      '--since',
      '24h',
      '--action',
      'user.delete',
      '-o',
      'json',
    ]);
    assert.equal(audit.code, 0, audit.stderr);
    // The entry names the tombstone only: nothing in the log links the old name to it.
    const entries = JSON.parse(audit.stdout) as { target: string }[];
    assert.ok(
      entries.some((e) => e.target === `deleted-${p.id.slice(0, 8)}`),
      audit.stdout,
    );
    assert.ok(!audit.stdout.includes(p.username.toLowerCase()), audit.stdout);
    assert.equal((await cli(['audit', 'list', '--since', 'yesterday'])).code, 2);
  });

  it('logs out: the stored session stops working at once', async () => {
    const token = configOf(home).profiles.default.accessToken;
    const out = await cli(['logout']);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(configOf(home).profiles.default.accessToken, undefined);
    const me = await fetch(`${s.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.status, 401);
    assert.equal((await cli(['whoami'])).code, 4);
  });
});
