// Spawns bin/pongctl against a live API: presence (counts and online users), instances and notify broadcast, with their exit codes.
import assert from 'node:assert/strict';
import { runCli, tempConfigHome, type CliResult } from '../support/cli.ts';
import {
  adminPassword,
  loginAs,
  register,
  startAuthServer,
  type AuthTestServer,
  type Registered,
} from '../support/accounts.ts';
import { notificationsOf } from '../support/social.ts';
import { connect, type TestClient } from '../support/ws-client.ts';

describe('pongctl presence and notify', () => {
  let s: AuthTestServer;
  let admin: string;
  let player: Registered;
  let ws: TestClient;
  const cli = (args: string[], token = admin): Promise<CliResult> =>
    runCli(args, {
      env: { PONGCTL_API: s.url, PONGCTL_TOKEN: token, XDG_CONFIG_HOME: tempConfigHome() },
    });

  before(async function () {
    this.timeout(60_000);
    s = await startAuthServer();
    admin = await loginAs(s.url, 'admin', adminPassword);
    player = await register(s.url, 'cli');
    ws = (await connect(s.url, player.accessToken)).client;
    for (let i = 0; i < 100 && (await s.social.presence.snapshot()).sockets.size === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
  });
  after(async () => {
    ws?.close();
    await s?.stop();
  });

  it('presence -o json: counts and the online users', async () => {
    const res = await cli(['presence', '-o', 'json']);
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout);
    assert.deepEqual(out.counts, { online: 1, inGame: 0, sockets: 1 });
    assert.deepEqual(out.users, [{ username: player.username, status: 'online', sockets: 1 }]);
  });

  it('presence -o table: users on stdout, counts on stderr; JSON by default in a pipe', async () => {
    const piped = await cli(['presence']);
    assert.equal(JSON.parse(piped.stdout).counts.online, 1);
    const res = await cli(['presence', '-o', 'table']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, new RegExp(player.username));
    assert.match(res.stderr, /1 online \(0 in a game\), 1 sockets/);
  });

  it('instances -o json: this instance alone (no Redis), with its socket; players refused (exit 4)', async () => {
    const res = await cli(['instances', '-o', 'json']);
    assert.equal(res.code, 0, res.stderr);
    const [only, ...others] = JSON.parse(res.stdout);
    assert.deepEqual(others, []);
    assert.equal(only.self, true);
    assert.equal(only.sockets, 1);
    assert.deepEqual(only.matches, []);
    const table = await cli(['instances', '-o', 'table']);
    assert.match(table.stdout, new RegExp(`${only.id} \\*`));
    assert.match(table.stderr, /1 instance, 0 live matches/);
    assert.equal((await cli(['instances'], player.accessToken)).code, 4);
  });

  it('presence refuses players (exit 4) and a bad --limit (exit 2)', async () => {
    const forbidden = await cli(['presence'], player.accessToken);
    assert.equal(forbidden.code, 4, forbidden.stderr);
    const bad = await cli(['presence', '--limit', '0']);
    assert.equal(bad.code, 2);
  });

  it('notify broadcast stores a system notification for everyone and pushes it to open sockets', async () => {
    const res = await cli(['notify', 'broadcast', 'Maintenance', 'Back at 10:00', '-o', 'json']);
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout);
    assert.ok(out.recipients >= 2, 'the admin and the player at least');
    assert.equal(out.batches, 1);
    const pushed = (await ws.next('notification')).notification as {
      type: string;
      payload: Record<string, unknown>;
    };
    assert.deepEqual(pushed.payload, {
      title: 'Maintenance',
      body: 'Back at 10:00',
      broadcastId: out.broadcastId,
    });
    const stored = await notificationsOf(s.url, player);
    assert.equal(stored.items[0].payload.broadcastId, out.broadcastId);
    const table = await cli(['notify', 'broadcast', 'Again', 'Second message', '-o', 'table']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stderr, /sent to \d+ users in 1 batches/);
  });

  it('notify broadcast: usage errors exit 2, players exit 4', async () => {
    assert.equal((await cli(['notify', 'broadcast', 'only-a-title'])).code, 2);
    assert.equal(
      (await cli(['notify', 'broadcast', ' ', 'body'])).code,
      2,
      'an empty title is refused by the API',
    );
    assert.equal((await cli(['notify', 'broadcast', 't', 'b'], player.accessToken)).code, 4);
  });
});
