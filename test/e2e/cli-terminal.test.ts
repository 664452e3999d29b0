/**
 * The full-screen commands in a real terminal: tmux runs `pongctl spectate`
 * and `pongctl play` in detached sessions of a fixed size; the tests read the
 * screen with capture-pane, type with send-keys, resize the window, and check
 * that the terminal is restored (normal screen, cursor visible) on exit.
 * The last test is the whole terminal journey: one player on `pongctl play`, one
 * scripted WebSocket client, and a third person watching with `pongctl spectate`.
 */
import assert from 'node:assert/strict';
import { gameSettingsSchema, type GameView } from '../../api/contract/game.ts';
import { createMatchFromQueue } from '../../api/domain/games/service.ts';
import { adminPassword, api, loginAs, register, type Registered } from '../support/accounts.ts';
import { cliEnv, tempConfigHome } from '../support/cli.ts';
import {
  drain,
  joinAndReady,
  player,
  postMatch,
  quickSettings,
  startGameServer,
  untilPlaying,
  type GameServer,
  type Player,
} from '../support/games.ts';
import { tmuxAvailable, tmuxPongctl, type TmuxSession } from '../support/tmux.ts';

/** Straight serves between 200-unit paddles: two players who stand still rally for as long as they like. */
const rally = {
  pointsToWin: 3,
  ballSpeed: 600,
  ballSpeedUp: 0,
  paddleHeight: 200,
  maxDurationSec: 120,
  serve: { first: 'left', receiver: 'conceder', angle: 'straight', delayMs: 300 },
} as const;

describe('pongctl spectate and play in a terminal (tmux)', function () {
  this.timeout(90_000);
  let s: GameServer;
  const sessions: TmuxSession[] = [];
  const players: Player[] = [];

  before(async function () {
    if (!tmuxAvailable()) this.skip();
    this.timeout(90_000);
    s = await startGameServer({ MATCHMAKING_TICK_MS: '50' });
  });
  afterEach(async () => {
    for (const session of sessions.splice(0)) await session.kill();
    for (const p of players.splice(0)) p.client.close();
  });
  after(async () => s?.stop());

  async function pongctl(
    args: string[],
    user: Registered,
    size = { width: 80, height: 24 },
  ): Promise<TmuxSession> {
    const env = cliEnv({
      PONGCTL_API: s.url,
      PONGCTL_TOKEN: user.accessToken,
      XDG_CONFIG_HOME: tempConfigHome(),
    });
    const session = await tmuxPongctl(args, { env, ...size });
    sessions.push(session);
    return session;
  }

  const rows = (screen: string) => screen.replace(/\n$/, '').split('\n');

  it('spectate draws the live match full-screen, q (or Ctrl-C) restores the terminal; without an argument it offers the live matches; a resized terminal gets a resized frame', async () => {
    const [alice, bob] = [await player(s, 'al'), await player(s, 'bo')];
    players.push(alice, bob);
    const carol = await register(s.url, 'ca');
    const created = await postMatch(s, alice.accessToken, {
      opponent: bob.username,
      settings: rally,
    });
    const id = created.body.data.id as string;
    await api(s.url, 'POST', `/api/v1/matches/${id}/accept`, { token: bob.accessToken });
    await joinAndReady(alice, id);
    await joinAndReady(bob, id);
    await untilPlaying(alice.client);

    const tty = await pongctl(['spectate', id], carol);
    const screen = await tty.waitFor(
      (x) =>
        x.includes('1 watching') &&
        x.includes('fps') &&
        x.includes(alice.username) &&
        x.includes(bob.username),
      30_000,
    );
    const lines = rows(screen);
    assert.equal(lines.length, 24);
    assert.match(
      lines[0]!,
      new RegExp(`^${alice.username}\\s+0 : 0\\s+${bob.username}$`),
      'names and score on top',
    );
    assert.match(lines[1]!, /^█[▀█]{78}█$/, 'the top border is a row of upper half blocks');
    assert.match(lines[22]!, /^█[▄█]{78}█$/, 'the bottom one of lower half blocks');
    assert.ok(
      lines.slice(2, 22).every((l) => /^█.{78}█$/u.test(l)),
      'side borders',
    );
    assert.ok(
      lines.some((l) => /^█ {2}[▀▄█]/.test(l)) && lines.some((l) => /[▀▄█] {2}█$/.test(l)),
      'both paddles are drawn',
    );
    assert.match(lines[23]!, /^\d+ fps\s+q quits\s+1 watching$/);
    assert.deepEqual(await tty.flags(), { alternate: true, cursorVisible: false });

    await tty.keys(['q'], true);
    const after = await tty.waitFor(/EXIT=0/);
    assert.doesNotMatch(after, /[▀▄█]/, 'the field went with the alternate screen');
    assert.deepEqual(await tty.flags(), { alternate: false, cursorVisible: true });

    // A second viewer picks the match from the list of live ones; their terminal then grows to 100 × 30.
    const big = await pongctl(['spectate'], carol);
    await big.waitFor(
      (x) => x.includes('Watch which match?') && x.includes(`${alice.username} vs ${bob.username}`),
      30_000,
    );
    const list = await big.screen();
    const below =
      list.split('\n').findIndex((l) => l.includes(`${alice.username} vs ${bob.username}`)) -
      list.split('\n').findIndex((l) => /❯/.test(l));
    for (let i = 0; i < below; i++) await big.keys(['Down']);
    await big.keys(['Enter']);
    await big.waitFor(/1 watching/, 30_000);
    await big.resize(100, 30);
    const resized = rows(
      await big.waitFor(
        (x) =>
          rows(x).length === 30 &&
          rows(x)[29]!.length === 100 &&
          rows(x)[29]!.endsWith('1 watching'),
      ),
    );
    assert.equal(resized[0]!.length, 100, 'the header spans the new width');
    assert.match(resized[28]!, /^█[▄█]{98}█$/, 'the border moved to the new bottom row');
    await big.keys(['C-c']);
    await big.waitFor(/EXIT=0/);
    assert.deepEqual(
      await big.flags(),
      { alternate: false, cursorVisible: true },
      'Ctrl-C restores the terminal too',
    );
    const admin = await loginAs(s.url, 'admin', adminPassword);
    const state = async () =>
      (await api(s.url, 'GET', `/api/v1/admin/matches/${id}/state`, { token: admin })).body.data;
    const deadline = Date.now() + 5_000;
    while ((await state()).spectators > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal((await state()).spectators, 0, 'quitting stopped watching');
    assert.equal((await state()).state, 'playing', 'the match goes on');
  });

  it('done when: one person plays on `pongctl play`, one through a scripted WebSocket client, a third watches with `pongctl spectate`', async () => {
    // Ben holds "up" all match and misses every ball; ann's centred paddle returns the one serve she may get
    // straight back, so every point is hers whatever the sides, and her keys can move her paddle afterwards.
    s.matchmaking.settings = gameSettingsSchema.parse({
      ...rally,
      pointsToWin: 5,
      serve: { ...rally.serve, delayMs: 1500 },
    });
    const ann = await register(s.url, 'an');
    const ben = await player(s, 'be');
    players.push(ben);
    const watcher = await register(s.url, 'wa');

    const game = await pongctl(['play', '--ranked'], ann);
    await game.waitFor(/looking for a ranked opponent/, 30_000);
    ben.client.send({ type: 'queue.join', mode: 'ranked' });
    const matched = await ben.client.next('queue.matched', 10_000);
    assert.equal(matched.opponent, ann.username);
    const matchId = matched.matchId as string;
    const first = (await joinAndReady(ben, matchId)).state as GameView;
    await untilPlaying(ben.client);
    ben.client.send({ type: 'game.input', matchId, seq: 1, dir: -1 });
    const annSide = first.players[0].username === ann.username ? 0 : 1;
    await game.waitFor((x) => x.includes(ben.username) && /you: (left|right)/.test(x));

    const tv = await pongctl(['spectate', '--user', ann.username], watcher);
    await tv.waitFor(
      (x) => x.includes('1 watching') && x.includes(ann.username) && x.includes(ben.username),
      30_000,
    );

    /** Reads ben's frames until `test` holds for one; resolves with that frame. */
    const until = async (test: (v: GameView) => boolean, what: string): Promise<GameView> => {
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const view = (await ben.client.next('game.state', 5_000)).state as GameView;
        if (test(view)) return view;
      }
      assert.fail(`never saw ${what}`);
    };
    await until((v) => v.score[annSide] >= 1, 'ann score');
    // W then S on the play terminal move ann's paddle up, then down again: ben's frames show it.
    // (A loaded machine may stretch a tap, so "down again" is measured from where the paddle got to.)
    drain(ben.client);
    await game.keys(['w'], true);
    await until((v) => v.paddles[annSide].y < 260, "ann's paddle go up");
    await new Promise((r) => setTimeout(r, 400));
    drain(ben.client);
    const top = (await ben.client.next('game.state', 5_000)).state as GameView;
    await game.keys(['s'], true);
    await until(
      (v) => v.paddles[annSide].y >= top.paddles[annSide].y + 40,
      "ann's paddle come back down",
    );
    await tv.waitFor(new RegExp(`${ann.username}\\s+[1-5] : 0|0 : [1-5]\\s+${ann.username}`));

    const end = await ben.client.next('game.end', 30_000);
    assert.equal(end.outcome, 'finished');
    assert.equal(end.winner, ann.username);
    const played = await game.waitFor(/EXIT=0/);
    assert.match(played, /you won/);
    assert.deepEqual(await game.flags(), { alternate: false, cursorVisible: true });
    const watched = await tv.waitFor(/EXIT=0/);
    assert.match(watched, new RegExp(`${ann.username} won`));
    assert.deepEqual(await tv.flags(), { alternate: false, cursorVisible: true });

    const match = (
      await api(s.url, 'GET', `/api/v1/matches/${matchId}`, { token: ann.accessToken })
    ).body.data;
    assert.equal(match.kind, 'matchmaking');
    assert.equal(match.ranked, true);
    assert.equal(match.state, 'finished');
    assert.equal(match.winner, ann.username);
    assert.deepEqual(match.score, annSide === 0 ? [5, 0] : [0, 5]);
  });

  it('replay streams an ended match to its stored score; an unknown match ends with exit 3 and a restored terminal', async () => {
    const [dot, eli] = [await player(s, 'do'), await player(s, 'el')];
    players.push(dot, eli);
    const spec = await createMatchFromQueue(s.games, {
      a: dot.id,
      b: eli.id,
      ranked: false,
      settings: gameSettingsSchema.parse({ ...quickSettings, pointsToWin: 3 }),
    });
    const loser = (spec.players[0] as { userId: string }).userId === dot.id ? dot : eli;
    const winner = loser === dot ? eli : dot;
    await joinAndReady(winner, spec.id);
    await joinAndReady(loser, spec.id);
    await untilPlaying(loser.client);
    loser.client.send({ type: 'game.input', matchId: spec.id, seq: 1, dir: -1 });
    await loser.client.next('game.end', 15_000);

    const tty = await pongctl(['replay', spec.id, '--speed', '0.25'], dot);
    await tty.waitFor((x) => x.includes('replay ×0.25') && x.includes(winner.username), 30_000);
    const done = await tty.waitFor(/EXIT=0/, 30_000);
    assert.match(done, new RegExp(`replay: ${winner.username} won \\(points\\): .*(0 : 3|3 : 0)`));
    assert.deepEqual(await tty.flags(), { alternate: false, cursorVisible: true });

    const missing = await pongctl(['replay', '00000000-0000-4000-8000-000000000000'], dot);
    const failed = await missing.waitFor(/EXIT=3/, 30_000);
    assert.match(failed, /error: /);
    assert.deepEqual(await missing.flags(), { alternate: false, cursorVisible: true });
  });

  it('play --bot starts a bot match on the screen; q forfeits it and restores the terminal', async () => {
    const fay = await register(s.url, 'fa');
    const tty = await pongctl(['play', '--bot', 'easy'], fay);
    await tty.waitFor(
      (x) =>
        x.includes(fay.username) &&
        x.includes('[easy]') &&
        x.includes('you: left · W/S or ↑/↓ · q forfeits'),
      30_000,
    );
    const history = async () =>
      (
        await api(s.url, 'GET', `/api/v1/users/${fay.username}/matches?limit=1`, {
          token: fay.accessToken,
        })
      ).body.data;
    // q asks before forfeiting; any other key plays on, and q twice leaves.
    await tty.keys(['q'], true);
    await tty.waitFor(/forfeit\? q again to leave · any other key plays on/);
    assert.equal((await history()).length, 0, 'one q alone does not leave');
    await tty.keys(['x'], true);
    await tty.waitFor(/you: left · W\/S or ↑\/↓ · q forfeits/);
    await tty.keys(['q'], true);
    await tty.waitFor(/forfeit\?/);
    await tty.keys(['q'], true);
    const after = await tty.waitFor(/EXIT=0/);
    assert.match(after, /you left the match/);
    assert.deepEqual(await tty.flags(), { alternate: false, cursorVisible: true });
    const deadline = Date.now() + 5_000;
    while ((await history()).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const [match] = await history();
    assert.equal(match.kind, 'bot');
    assert.equal(match.state, 'forfeited', 'leaving after the start forfeits');
    assert.equal(match.winner, 'bot');
  });

  it('play --invite waits for the accept and plays; a declined invite exits 5; q while queueing leaves the queue', async () => {
    const gil = await register(s.url, 'gi');
    const hal = await player(s, 'ha');
    players.push(hal);
    const inviter = await pongctl(['play', '--invite', hal.username], gil);
    await inviter.waitFor(
      new RegExp(`invited ${hal.username}; waiting for them to accept`),
      30_000,
    );
    const pendingInvite = () =>
      s
        .db('matches')
        .join('match_players', 'match_players.match_id', 'matches.id')
        .where({ 'match_players.user_id': hal.id, 'matches.state': 'pending' })
        .select('matches.id')
        .first();
    const invite = await pendingInvite();
    assert.ok(invite, 'the invite exists');
    assert.equal(
      (await api(s.url, 'POST', `/api/v1/matches/${invite.id}/accept`, { token: hal.accessToken }))
        .status,
      200,
    );
    await joinAndReady(hal, invite.id);
    await inviter.waitFor(
      (x) => x.includes(gil.username) && x.includes(hal.username) && /you: left/.test(x),
      30_000,
    );
    await inviter.keys(['q'], true);
    await inviter.waitFor(/forfeit\?/);
    await inviter.keys(['q'], true);
    await inviter.waitFor(/EXIT=0/);
    const end = await hal.client.next('game.end', 10_000);
    assert.equal(end.outcome, 'forfeited');
    assert.equal(end.winner, hal.username);

    const declined = await pongctl(['play', '--invite', hal.username], gil);
    await declined.waitFor(/waiting for them to accept/, 30_000);
    const second = await pendingInvite();
    assert.equal(
      (await api(s.url, 'POST', `/api/v1/matches/${second.id}/decline`, { token: hal.accessToken }))
        .status,
      200,
    );
    const refused = await declined.waitFor(/EXIT=5/);
    assert.match(refused, new RegExp(`${hal.username} declined the invite`));
    assert.deepEqual(await declined.flags(), { alternate: false, cursorVisible: true });

    const queued = await pongctl(['play', '--casual'], gil);
    await queued.waitFor(/looking for a casual opponent…[\s\S]*rating window ±100/, 30_000);
    const status = async () =>
      (await api(s.url, 'GET', '/api/v1/matchmaking/queue', { token: gil.accessToken })).body.data;
    assert.equal((await status()).queued, true);
    await queued.keys(['q'], true);
    assert.match(await queued.waitFor(/EXIT=0/), /cancelled/);
    assert.equal((await status()).queued, false);
  });
});
