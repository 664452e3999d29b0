/**
 * Journeys in real terminals (tmux): one player invites from `pongctl play
 * --invite`, the other accepts from `pongctl play --accept`, and both play
 * to the end with scripted keys and see the final score; a `play` whose
 * process dies is rejoined by a new `play` within the grace period; and
 * `play --tournament` plays a 4-player cup through to the title; an invite
 * nobody answers says so when it expires.
 */
import assert from 'node:assert/strict';
import { api, register, type Registered } from '../support/accounts.ts';
import { cliEnv, tempConfigHome } from '../support/cli.ts';
import { quickSettings, startGameServer, type GameServer } from '../support/games.ts';
import { tmuxAvailable, tmuxPongctl, type TmuxSession } from '../support/tmux.ts';
import { playGame, seededPlayers, untilView } from '../support/tournaments.ts';

describe('pongctl play journeys in a terminal (tmux)', function () {
  this.timeout(240_000);
  let s: GameServer;
  const sessions: TmuxSession[] = [];

  before(async function () {
    if (!tmuxAvailable()) this.skip();
    this.timeout(120_000);
    s = await startGameServer({ GAME_GRACE_MS: '60000', TOURNAMENT_SCHEDULER_INTERVAL_MS: '200' });
  });
  afterEach(async () => {
    for (const session of sessions.splice(0)) await session.kill();
  });
  after(async () => s?.stop());

  async function pongctl(args: string[], user: Registered): Promise<TmuxSession> {
    const env = cliEnv({
      PONGCTL_API: s.url,
      PONGCTL_TOKEN: user.accessToken,
      XDG_CONFIG_HOME: tempConfigHome(),
    });
    const session = await tmuxPongctl(args, { env, width: 100, height: 30 });
    sessions.push(session);
    return session;
  }

  /** Presses `key` every 100 ms until `done` resolves: a held key, as a terminal repeats it. */
  async function hold(tty: TmuxSession, key: string, done: Promise<unknown>): Promise<void> {
    let over = false;
    void done.finally(() => (over = true)).catch(() => undefined);
    while (!over) {
      await tty.keys([key], true).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const finalLine = (screen: string) => /match (\S+) · final score (.+) \((\w+)/.exec(screen);

  it('play --invite in one terminal, play --accept in the other: both play to the end and see the same final score', async () => {
    const [ann, ben] = [await register(s.url, 'an'), await register(s.url, 'be')];
    const inviter = await pongctl(['play', '--invite', ben.username, '--points', '2'], ann);
    await inviter.waitFor(
      new RegExp(`invited ${ben.username}; waiting for them to accept`),
      60_000,
    );
    const invitee = await pongctl(['play', '--accept', ann.username], ben);
    await Promise.all([
      inviter.waitFor((x) => x.includes(ben.username) && /you: left/.test(x), 60_000),
      invitee.waitFor((x) => x.includes(ann.username) && /you: right/.test(x), 60_000),
    ]);
    // Both drive their paddles to the walls and keep them there: the points come quickly.
    const ended = Promise.all([
      inviter.waitFor(/EXIT=0/, 180_000),
      invitee.waitFor(/EXIT=0/, 180_000),
    ]);
    await Promise.all([hold(inviter, 'w', ended), hold(invitee, 's', ended)]);
    const [a, b] = await ended;
    assert.match(a, /you (won|lost) \(points\)/);
    assert.match(b, /you (won|lost) \(points\)/);
    assert.notEqual(
      /you (won|lost)/.exec(a)![1],
      /you (won|lost)/.exec(b)![1],
      'one won, one lost',
    );
    const [la, lb] = [finalLine(a), finalLine(b)];
    assert.ok(la && lb, `both print the final score:\n${a}\n${b}`);
    assert.equal(la[1], lb[1], 'the same match');
    assert.equal(la[2], lb[2], 'the same final score');
    assert.match(la[2]!, new RegExp(`^${ann.username} [0-2] : [0-2] ${ben.username}$`));
    assert.equal(la[3], 'finished');
    const match = (await api(s.url, 'GET', `/api/v1/matches/${la[1]}`, { token: ann.accessToken }))
      .body.data;
    assert.equal(match.state, 'finished');
    assert.equal(`${ann.username} ${match.score[0]} : ${match.score[1]} ${ben.username}`, la[2]);
    assert.deepEqual(await inviter.flags(), { alternate: false, cursorVisible: true });
  });

  it('a declined invite says so on the inviter’s screen; play --accept without an invite exits 3', async () => {
    const [cid, dee] = [await register(s.url, 'ci'), await register(s.url, 'de')];
    const inviter = await pongctl(['play', '--invite', dee.username], cid);
    await inviter.waitFor(/waiting for them to accept/, 60_000);
    const nothing = await pongctl(['play', '--accept', 'nobody-at-all'], dee);
    assert.match(await nothing.waitFor(/EXIT=3/, 60_000), /No open invite from nobody-at-all/);
    const pending = await api(s.url, 'GET', '/api/v1/me/matches?state=pending', {
      token: dee.accessToken,
    });
    const id = pending.body.data[0].id as string;
    await api(s.url, 'POST', `/api/v1/matches/${id}/decline`, { token: dee.accessToken });
    assert.match(
      await inviter.waitFor(/EXIT=5/, 60_000),
      new RegExp(`${dee.username} declined the invite`),
    );
  });

  it('a play whose process dies is rejoined by a new play within the grace period; --resume without a live match exits 3', async () => {
    const eve = await register(s.url, 'ev');
    const none = await pongctl(['play', '--resume'], eve);
    assert.match(await none.waitFor(/EXIT=3/, 60_000), /no live match to rejoin/);

    const first = await pongctl(['play', '--bot', 'easy'], eve);
    await first.waitFor((x) => x.includes('[easy]') && /you: left/.test(x), 60_000);
    const [live] = (
      await api(s.url, 'GET', '/api/v1/me/matches?state=live', { token: eve.accessToken })
    ).body.data;
    await first.crash();
    await first.waitFor(/EXIT=/, 30_000);
    // The match stays live (paused), not forfeited, while the grace period runs.
    const paused = await untilView(
      async () =>
        (await api(s.url, 'GET', `/api/v1/matches/${live.id}`, { token: eve.accessToken })).body
          .data,
      (m: { state: string }) => m.state === 'playing' || m.state === 'countdown',
    );
    assert.ok(paused, 'still live after the drop');

    const again = await pongctl(['play'], eve);
    await again.waitFor((x) => x.includes('[easy]') && x.includes(eve.username), 60_000);
    await again.waitFor(/you: left · W\/S/, 60_000);
    // q asks to confirm the forfeit; a second q leaves.
    await again.keys(['q'], true);
    await again.waitFor(/q again to leave/, 30_000);
    await again.keys(['q'], true);
    const done = await again.waitFor(/EXIT=0/, 60_000);
    assert.match(done, new RegExp(`rejoining your match ${live.id}`));
    const line = finalLine(done);
    assert.ok(line, done);
    assert.equal(line[1], live.id, 'the same match, rejoined');
    assert.equal(line[3], 'forfeited', 'q forfeited it, and the final score says so');
  });

  it('play --tournament waits for each of the player’s matches in a 4-player cup, shows opponent and deadline, and plays them to the title', async () => {
    const players = await seededPlayers(s, 4, 'cu');
    const [ann, second, third, fourth] = players as [
      (typeof players)[0],
      (typeof players)[0],
      (typeof players)[0],
      (typeof players)[0],
    ];
    const created = await api(s.url, 'POST', '/api/v1/tournaments', {
      token: ann.accessToken,
      body: {
        name: 'Tmux Cup',
        capacity: 4,
        format: 'single_elimination',
        settings: quickSettings,
      },
    });
    const id = created.body.data.id as string;
    for (const [i, p] of players.entries())
      await api(s.url, 'POST', `/api/v1/tournaments/${id}/register`, {
        token: p.accessToken,
        body: { alias: `Ace ${i + 1}` },
      });
    // Ann waits before the start: the screen says registration is open.
    const semi = await pongctl(['play', '--tournament', id], ann);
    await semi.waitFor(/Tmux Cup: waiting for your next match…[\s\S]*registration is open/, 60_000);
    assert.equal(
      (await api(s.url, 'POST', `/api/v1/tournaments/${id}/start`, { token: ann.accessToken }))
        .status,
      200,
    );
    // Seed 1 (ann) meets seed 4 in the semi-final.
    const shown = await semi.waitFor(/you play Ace 4/, 60_000);
    assert.match(shown, new RegExp(`you play Ace 4 \\(${fourth.username}\\)`));
    assert.match(shown, /join before \d\d:\d\d:\d\d UTC/);
    const view = async () =>
      (await api(s.url, 'GET', `/api/v1/tournaments/${id}`, { token: ann.accessToken })).body.data;
    const gameOf = async (a: string) =>
      (await view()).rounds
        .flatMap((r: { matches: unknown[] }) => r.matches)
        .find(
          (m: { a: { username: string } | null; b: { username: string } | null; state: string }) =>
            m.state === 'ready' && [m.a?.username, m.b?.username].includes(a),
        ) as { gameId: string } | undefined;
    const semiGame = await untilView(
      () => gameOf(fourth.username),
      (m) => Boolean(m?.gameId),
    );
    // Ann's opponent joins and holds "up": ann's centred paddle returns every straight serve.
    await joinAndLose(semiGame!.gameId, fourth);
    assert.match(await semi.waitFor(/EXIT=0/, 60_000), /you won/);

    // The final waits for the other semi-final, which seeds 2 and 3 play meanwhile.
    const final = await pongctl(['play', '--tournament', id], ann);
    await final.waitFor(/Tmux Cup: waiting for your next match…[\s\S]*round 1 of 2/, 60_000);
    const other = await untilView(
      () => gameOf(second.username),
      (m) => Boolean(m?.gameId),
    );
    await playGame(other!.gameId, second, third);
    await final.waitFor(new RegExp(`you play Ace 2 \\(${second.username}\\)`), 60_000);
    const finalGame = await untilView(
      () => gameOf(second.username),
      (m) => Boolean(m?.gameId),
    );
    await joinAndLose(finalGame!.gameId, second);
    assert.match(await final.waitFor(/EXIT=0/, 60_000), /you won/);
    const done = (await untilView(
      view,
      (t: { state: string }) => t.state === 'finished',
    )) as unknown as {
      winner: { username: string };
    };
    assert.equal(done.winner.username, ann.username);
    for (const p of players) p.client.close();

    const over = await pongctl(['play', '--tournament', id], ann);
    assert.match(await over.waitFor(/EXIT=5/, 60_000), /Tmux Cup is finished; Ace 1 won/);
  });

  /** A scripted player joins a game, readies, and holds "up" until it ends. */
  async function joinAndLose(
    gameId: string,
    p: Awaited<ReturnType<typeof seededPlayers>>[number],
  ): Promise<void> {
    p.client.send({ type: 'game.join', matchId: gameId, id: 'join' });
    p.client.send({ type: 'game.ready', matchId: gameId });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const m = await p.client.next('game.state', Math.max(1, deadline - Date.now()));
      const phase = (m.state as { phase: string }).phase;
      if (phase === 'serve' || phase === 'play') break;
    }
    p.client.send({ type: 'game.input', matchId: gameId, seq: 1, dir: -1 });
    await p.client.next('game.end', 30_000);
  }
});

describe('pongctl play: an invite nobody answers (tmux)', function () {
  this.timeout(120_000);
  let s: GameServer;
  let session: TmuxSession | undefined;

  before(async function () {
    if (!tmuxAvailable()) this.skip();
    this.timeout(120_000);
    s = await startGameServer({ GAME_INVITE_TTL_MS: '2000' });
  });
  after(async () => {
    await session?.kill();
    await s?.stop();
  });

  it('the inviter’s screen says the invite expired unanswered, and play exits 5', async () => {
    const [fay, gus] = [await register(s.url, 'fa'), await register(s.url, 'gu')];
    const env = cliEnv({
      PONGCTL_API: s.url,
      PONGCTL_TOKEN: fay.accessToken,
      XDG_CONFIG_HOME: tempConfigHome(),
    });
    session = await tmuxPongctl(['play', '--invite', gus.username], {
      env,
      width: 100,
      height: 30,
    });
    await session.waitFor(/waiting for them to accept/, 60_000);
    assert.match(
      await session.waitFor(/EXIT=5/, 30_000),
      new RegExp(`the invite to ${gus.username} expired unanswered`),
    );
  });
});
