// Spawns bin/pongctl against a live API for the everyday behaviours: simulate
// at small sizes (refused below 2 users, a taken prefix refused before anything
// is created, a failed run saying what it created), --limit validation and
// cut-short lists, tokens in a pipe, unusable URLs and tokens, messages
// without a terminal, tables that fit $COLUMNS, CSV without blank lines, and
// the sign-in lockout with how long to wait (last: it locks the address out).
import assert from 'node:assert/strict';
import { runCli, tempConfigHome, type CliResult } from '../support/cli.ts';
import { adminPassword, api, startAuthServer, type AuthTestServer } from '../support/accounts.ts';

describe('pongctl everyday commands', function () {
  this.timeout(300_000);
  let s: AuthTestServer;
  let home: string;
  let adminToken: string;
  const prefix = `ev${Date.now().toString(36).slice(-6)}`;
  const cli = (
    args: string[],
    options: { input?: string; env?: Record<string, string> } = {},
  ): Promise<CliResult> =>
    runCli(args, {
      input: options.input,
      timeoutMs: 120_000,
      env: { PONGCTL_API: s.url, XDG_CONFIG_HOME: home, ...options.env },
    });
  const simulate = (p: string, users: number, matches: number) =>
    cli([
      'simulate',
      '--users',
      String(users),
      '--days',
      '3',
      '--matches',
      String(matches),
      '--prefix',
      p,
      '-o',
      'json',
    ]);

  before(async function () {
    this.timeout(120_000);
    s = await startAuthServer({ AUTH_LOGIN_MAX_FAILURES: '3' });
    home = tempConfigHome();
    const login = await cli(['login', '--username', 'admin', '--password-stdin'], {
      input: `${adminPassword}\n`,
    });
    assert.equal(login.code, 0, login.stderr);
    const session = await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: 'admin', password: adminPassword },
    });
    adminToken = session.body.data.accessToken;
  });
  after(async () => s?.stop());

  it('simulate works at small sizes and refuses fewer than 2 users up front (exit 2)', async () => {
    const one = await simulate(`${prefix}a`, 1, 5);
    assert.equal(one.code, 2, one.stderr);
    assert.match(one.stderr, /--users must be a whole number from 2/);
    for (const [users, tournaments] of [
      [2, 1],
      [10, 2],
    ] as const) {
      const run = await simulate(`${prefix}${users}`, users, 12);
      assert.equal(run.code, 0, run.stderr);
      const done = JSON.parse(run.stdout);
      assert.equal(done.users, users);
      assert.equal(done.matches, 12, '--matches N creates N');
      assert.equal(done.tournaments, tournaments);
    }
    const played = await cli(['tournaments', 'list', '--state', 'finished', '-o', 'json']);
    const names = JSON.parse(played.stdout).map((t: { name: string }) => t.name);
    assert.ok(names.includes(`${prefix}10 league`), names.join(', '));
  });

  it('a rerun with a taken prefix is a conflict (exit 5) that creates nothing', async () => {
    const before = await cli(['users', 'list', '--query', `${prefix}2`, '--all', '-o', 'json']);
    const again = await simulate(`${prefix}2`, 2, 12);
    assert.equal(again.code, 5, again.stderr);
    assert.match(again.stderr, /prefix .* is taken .*nothing was created/);
    const after = await cli(['users', 'list', '--query', `${prefix}2`, '--all', '-o', 'json']);
    assert.deepEqual(JSON.parse(after.stdout), JSON.parse(before.stdout));
  });

  it('a run that fails midway says what it had created', async () => {
    const p = `${prefix}f`;
    // The third planned user exists already, so creating it fails after two.
    const taken = await api(s.url, 'POST', '/api/v1/admin/users', {
      token: adminToken,
      body: { username: `${p}0003`, email: `${p}0003@else.example`, role: 'player' },
    });
    assert.equal(taken.status, 201, JSON.stringify(taken.body));
    const run = await simulate(p, 5, 10);
    assert.equal(run.code, 5, run.stderr);
    assert.match(run.stderr, new RegExp(`created 2 users \\(${p}0001 to ${p}0002\\)`));
  });

  it('--limit out of range is a usage error naming the range, on every list', async () => {
    const lists = [
      ['users', 'list'],
      ['leaderboard'],
      ['tournaments', 'list'],
      ['games', 'list'],
      ['audit', 'list'],
    ];
    for (const list of lists)
      for (const limit of ['0', 'abc', '-5', '2.5', '500']) {
        const result = await cli([...list, '--limit', limit]);
        assert.equal(result.code, 2, `${list.join(' ')} --limit ${limit}: ${result.stderr}`);
        assert.match(result.stderr, /--limit must be a whole number from 1 to 100/);
        assert.equal(result.stdout, '');
      }
  });

  it('a list cut short says so on stderr, and --cursor gets the next page', async () => {
    const first = await cli(['users', 'list', '--limit', '2', '-o', 'json']);
    assert.equal(first.code, 0, first.stderr);
    const cursor = /--cursor (\S+)/.exec(first.stderr)?.[1];
    assert.ok(cursor, first.stderr);
    assert.match(first.stderr, /showing 2; more are left: --all/);
    const next = await cli(['users', 'list', '--limit', '2', '--cursor', cursor, '-o', 'json']);
    const [a, b] = [JSON.parse(first.stdout), JSON.parse(next.stdout)];
    assert.equal(a.length, 2);
    assert.ok(b.length > 0);
    const names = (rows: { username: string }[]) => rows.map((r) => r.username);
    assert.ok(!names(b).some((n) => names(a).includes(n)), 'the next page, not the same one');
    const all = await cli(['users', 'list', '--all', '-o', 'json']);
    assert.doesNotMatch(all.stderr, /more are left/);
  });

  it('tokens create in a pipe prints only the token, usable as PONGCTL_TOKEN; -o json the object', async () => {
    const created = await cli(['tokens', 'create', 'ci-deploy']);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^\S+\n$/);
    assert.match(created.stderr, /Token ci-deploy created/);
    const me = await runCli(['whoami', '-o', 'json'], {
      env: { PONGCTL_API: s.url, PONGCTL_TOKEN: created.stdout.trim() },
    });
    assert.equal(me.code, 0, me.stderr);
    assert.equal(JSON.parse(me.stdout).username, 'admin');
    const json = await cli(['tokens', 'create', 'ci-json', '-o', 'json']);
    assert.equal(JSON.parse(json.stdout).name, 'ci-json');
  });

  it('an unusable token or API URL is a usage error (exit 2), not "Cannot reach the API"', async () => {
    const object = await runCli(['whoami'], {
      env: { PONGCTL_API: s.url, PONGCTL_TOKEN: '{\n  "token": "x"\n}' },
    });
    assert.equal(object.code, 2, object.stderr);
    assert.match(object.stderr, /PONGCTL_TOKEN is not a token/);
    const flag = await cli(['status', '--api', 'not-a-url']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /--api .*not-a-url/);
    const env = await runCli(['status'], { env: { PONGCTL_API: 'ftp://example.org' } });
    assert.equal(env.code, 2);
    assert.match(env.stderr, /not an http:\/\/ or https:\/\/ URL/);
    assert.doesNotMatch(env.stderr + flag.stderr, /Cannot reach/);
  });

  it('without a terminal, a missing value is a usage error in one wording that names the flag', async () => {
    const password = await cli(['login', '--username', 'admin']);
    assert.equal(password.code, 2);
    assert.match(
      password.stderr,
      /cannot ask for the password without a terminal: pipe it to --password-stdin/,
    );
    const confirm = await cli(['users', 'delete', 'admin']);
    assert.equal(confirm.code, 2);
    assert.match(confirm.stderr, /cannot ask for confirmation without a terminal: pass --yes/);
  });

  it('tables fit $COLUMNS; tournaments show -o csv has no blank lines and one format label', async () => {
    const table = await cli(['tournaments', 'list', '-o', 'table'], { env: { COLUMNS: '60' } });
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.ok(lines.length >= 3, table.stdout);
    for (const line of lines) assert.ok(line.length <= 60, `${line.length}: ${line}`);
    const list = JSON.parse((await cli(['tournaments', 'list', '-o', 'json'])).stdout);
    const cup = list.find((t: { name: string }) => t.name === `${prefix}10 cup`);
    const csv = await cli(['tournaments', 'show', cup.id, '-o', 'csv']);
    assert.equal(csv.code, 0, csv.stderr);
    const rows = csv.stdout.split('\r\n');
    assert.equal(rows.pop(), '', 'ends with one line break');
    assert.ok(!rows.includes(''), `no blank lines: ${JSON.stringify(csv.stdout)}`);
    assert.match(csv.stdout, /^format,single elimination\r$/m);
    const wide = await cli(['tournaments', 'list', '-o', 'table'], { env: { COLUMNS: '200' } });
    assert.match(wide.stdout, /single elimination/);
    assert.doesNotMatch(wide.stdout, /(?<!single )elimination/);
  });

  it('the sign-in lockout says how long to wait, from Retry-After (exit 6)', async () => {
    let last: CliResult | undefined;
    for (let i = 0; i < 5; i++) {
      last = await cli(['login', '--username', 'admin', '--password-stdin'], { input: 'wrong\n' });
      if (last.code === 6) break;
    }
    assert.equal(last!.code, 6, last!.stderr);
    assert.match(last!.stderr, /try again in \d+ (seconds|minutes)/);
  });
});
