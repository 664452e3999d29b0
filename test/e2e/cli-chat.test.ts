// Spawns bin/pongctl against a live API: `chat purge` (confirmation, roles, exit codes) and `chat tail` following world over a real WebSocket until Ctrl-C.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  adminPassword,
  api,
  loginAs,
  register,
  startAuthServer,
  userWithRole,
} from '../support/accounts.ts';
import { say, worldId } from '../support/chat.ts';
import { cliEnv, pongctlBin, runCli, tempConfigHome } from '../support/cli.ts';
import { suiteServer } from '../support/suite-server.ts';

interface Tail {
  child: ChildProcess;
  stdout(): string;
  /** Resolves once `pattern` shows up on the stream. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnTail(args: string[], env: Record<string, string>): Tail {
  const child = spawn(process.execPath, [pongctlBin, 'chat', 'tail', ...args], {
    env: cliEnv({ XDG_CONFIG_HOME: tempConfigHome(), ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const text = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (text.stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (text.stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = (stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const check = (): void => {
        if (pattern.test(text[stream])) return resolve();
        if (Date.now() - started > timeoutMs)
          return reject(
            new Error(`no ${pattern} on ${stream} within ${timeoutMs} ms: ${JSON.stringify(text)}`),
          );
        setTimeout(check, 25);
      };
      check();
    });
  return { child, stdout: () => text.stdout, waitFor, exited };
}

describe('pongctl chat commands', () => {
  const s = suiteServer(() => startAuthServer(), 90_000);
  let adminToken: string;
  const tails: Tail[] = [];
  const cli = (args: string[], token: string) =>
    runCli(args, { env: { PONGCTL_API: s.url, PONGCTL_TOKEN: token } });

  before(async () => {
    adminToken = await loginAs(s.url, 'admin', adminPassword);
  });
  afterEach(() => tails.splice(0).forEach((t) => t.child.kill('SIGKILL')));

  it('purges a user’s messages with --yes, refuses without it when not interactive, and maps errors to exit codes', async () => {
    const [spammer, other] = [await register(s.url, 'sp'), await register(s.url, 'ot')];
    const world = await worldId(s.url, spammer);
    await say(s.url, spammer, world, 'buy now');
    await say(s.url, spammer, world, 'buy again');
    const mod = await userWithRole(s.url, adminToken, 'moderator');
    const unconfirmed = await cli(['chat', 'purge', spammer.username], mod.accessToken);
    assert.equal(unconfirmed.code, 2, unconfirmed.stderr);
    assert.match(unconfirmed.stderr, /--yes/);
    const player = await cli(['chat', 'purge', spammer.username, '--yes'], other.accessToken);
    assert.equal(player.code, 4, 'a player may not purge');
    const done = await cli(
      ['chat', 'purge', spammer.username, '--yes', '-o', 'json'],
      mod.accessToken,
    );
    assert.equal(done.code, 0, done.stderr);
    assert.deepEqual(JSON.parse(done.stdout), {
      username: spammer.username,
      purged: 2,
      batches: 1,
    });
    const history = await api(s.url, 'GET', `/api/v1/conversations/${world}/messages?limit=100`, {
      token: other.accessToken,
    });
    assert.ok(
      history.body.data
        .filter((m: { sender: { id: string } }) => m.sender.id === spammer.id)
        .every((m: { deleted: boolean }) => m.deleted),
    );
    const missing = await cli(['chat', 'purge', 'no-such-user', '--yes'], mod.accessToken);
    assert.equal(missing.code, 3);
  });

  it('follows world live as "time user: body" lines and exits 0 on Ctrl-C', async () => {
    const [watcher, speaker] = [await register(s.url, 'wa'), await register(s.url, 'sk')];
    const tail = spawnTail(['-o', 'table'], {
      PONGCTL_API: s.url,
      PONGCTL_TOKEN: watcher.accessToken,
    });
    tails.push(tail);
    await tail.waitFor('stderr', /following #world/);
    const world = await worldId(s.url, speaker);
    const m = await say(s.url, speaker, world, 'hello terminal');
    await tail.waitFor(
      'stdout',
      new RegExp(`^\\d\\d:\\d\\d:\\d\\d ${speaker.username}: hello terminal$`, 'm'),
    );
    // A body that looks like an invite is printed as the text it is: no accept hint.
    const forged = '[game-invite:00000000-0000-4000-8000-000000000000] accept me';
    await say(s.url, speaker, world, forged);
    await tail.waitFor('stdout', /accept me$/m);
    assert.ok(!tail.stdout().includes('play --accept'), tail.stdout());
    const direct = await api(s.url, 'POST', '/api/v1/conversations/direct', {
      token: speaker.accessToken,
      body: { username: watcher.username },
    });
    await say(s.url, speaker, direct.body.data.id, 'a private word');
    assert.equal(
      (await api(s.url, 'DELETE', `/api/v1/messages/${m.id}`, { token: speaker.accessToken }))
        .status,
      200,
    );
    await tail.waitFor('stderr', new RegExp(`deleted: ${m.id}`));
    tail.child.kill('SIGINT');
    const exit = await tail.exited;
    assert.equal(exit.code, 0);
    assert.ok(!tail.stdout().includes('a private word'), 'only the followed channel is printed');
  });

  it('prints one JSON object per line with -o json, and fails with exit 3 for an unknown channel', async () => {
    const [watcher, speaker] = [await register(s.url, 'wj'), await register(s.url, 'sj')];
    const tail = spawnTail(['-o', 'json', '--channel', 'world'], {
      PONGCTL_API: s.url,
      PONGCTL_TOKEN: watcher.accessToken,
    });
    tails.push(tail);
    await tail.waitFor('stderr', /following #world/);
    const world = await worldId(s.url, speaker);
    await say(s.url, speaker, world, 'first');
    await say(s.url, speaker, world, 'second');
    await tail.waitFor('stdout', /"second"/);
    tail.child.kill('SIGINT');
    assert.equal((await tail.exited).code, 0);
    const lines = tail
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { body: string; sender: { username: string }; invite: null });
    assert.deepEqual(
      lines.map((l) => [l.sender.username, l.body, l.invite]),
      [
        [speaker.username, 'first', null],
        [speaker.username, 'second', null],
      ],
    );
    const unknown = await cli(['chat', 'tail', '--channel', 'nowhere'], watcher.accessToken);
    assert.equal(unknown.code, 3, unknown.stderr);
  });
});
