import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { defaultGameSettings, gameViewSchema, type GameView } from '../../api/contract/game.ts';
import { advance, createMatchState } from '../../api/game/engine.ts';
import { toGameView } from '../../api/game/view.ts';
import { MIN_HEIGHT, MIN_WIDTH, renderField } from '../../cli/render/pong.ts';
import { matchSnapshot } from '../support/snapshots.ts';

/** Compares a frame with its committed snapshot. */
const matchFrame = (name: string, lines: string[]) =>
  matchSnapshot('pong-render', name, lines.join('\n'));

function view(overrides: Partial<GameView> = {}): GameView {
  return gameViewSchema.parse({
    matchId: 'm-1',
    tick: 600,
    phase: 'play',
    field: { width: 800, height: 600 },
    ball: { x: 520, y: 130, size: 10, speed: 345 },
    paddles: [
      { x: 25, y: 300, width: 10, height: 80 },
      { x: 775, y: 180, width: 10, height: 80 },
    ],
    score: [3, 7],
    players: [{ username: 'alice' }, { username: 'bob' }],
    spectators: 12,
    ...overrides,
  });
}

describe('terminal pong renderer', () => {
  it('draws a match in play at 80×24 (snapshot)', () => {
    matchFrame('play-80x24', renderField(view(), 80, 24, { fps: 59.6 }));
  });

  it('draws the bot, a ball against the wall and a paddle at the edge at 120×40 (snapshot)', () => {
    const v = view({
      ball: { x: 795, y: 5, size: 10, speed: 900 },
      paddles: [
        { x: 25, y: 560, width: 10, height: 80 },
        { x: 775, y: 40, width: 10, height: 80 },
      ],
      players: [{ username: 'carol' }, { username: 'bot', bot: 'hard' }],
      score: [10, 10],
      spectators: 0,
    });
    matchFrame('edges-120x40', renderField(v, 120, 40, { fps: 30 }));
  });

  it('shows the phase in the footer: countdown, paused, ended, waiting, or a given status (snapshots)', () => {
    matchFrame(
      'countdown-40x12',
      renderField(view({ phase: 'countdown', countdown: 3, score: [0, 0] }), 40, 12),
    );
    matchFrame('paused-40x12', renderField(view({ phase: 'paused', countdown: 14 }), 40, 12));
    matchFrame('ended-40x12', renderField(view({ phase: 'ended', score: [11, 9] }), 40, 12));
    const waiting = renderField(view({ phase: 'waiting' }), 40, 12);
    assert.match(waiting.at(-1)!, /waiting for players/);
    const replay = renderField(view(), 40, 12, { status: 'replay ×2' });
    assert.match(replay.at(-1)!, /replay ×2/);
  });

  it('truncates long names with … and keeps the score centred (snapshot)', () => {
    const v = view({
      players: [
        { username: 'a-very-long-player-name-indeed' },
        { username: 'another-long-opponent-name' },
      ],
    });
    const lines = renderField(v, 30, 8);
    matchFrame('long-names-30x8', lines);
    assert.match(lines[0]!, /…/);
    assert.match(lines[0]!, /3 : 7/);
  });

  it('degrades to a message below the minimum size, and to nothing at zero', () => {
    matchFrame('too-small-23x10', renderField(view(), MIN_WIDTH - 1, 10));
    assert.deepEqual(renderField(view(), 10, 3), ['too small ', '          ', '          ']);
    assert.deepEqual(
      renderField(view(), 40, MIN_HEIGHT - 1)[0]!.trimEnd(),
      'terminal too small: need 24×6',
    );
    assert.deepEqual(renderField(view(), 0, 10), []);
    assert.deepEqual(renderField(view(), 10, 0), []);
    assert.deepEqual(renderField(view(), Number.NaN, 10), []);
  });

  it('renders an engine state through the view mapping (snapshot)', () => {
    const state = createMatchState(defaultGameSettings(), 3);
    for (let i = 0; i < 150; i++) advance(state, [i < 40 ? -1 : 0, 1], []);
    const v = toGameView(state, {
      matchId: 'm-2',
      players: [{ username: 'alice' }, { username: 'bot', bot: 'easy' }],
      spectators: 1,
    });
    assert.deepEqual(gameViewSchema.parse(v), v, 'the mapped view satisfies the contract');
    matchFrame('engine-60x20', renderField(v, 60, 20, { fps: 60 }));
  });

  it('always returns exactly height lines of exactly width characters, with the ball inside the border', () => {
    const coord = (max: number) => fc.integer({ min: 0, max });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 220 }),
        fc.integer({ min: 1, max: 90 }),
        coord(800),
        coord(600),
        coord(600),
        coord(600),
        (w, h, bx, by, l, r) => {
          const v = view({
            ball: { x: bx, y: by, size: 10, speed: 300 },
            paddles: [
              { x: 25, y: l, width: 10, height: 80 },
              { x: 775, y: r, width: 10, height: 80 },
            ],
          });
          const lines = renderField(v, w, h, { fps: 60 });
          assert.equal(lines.length, h);
          for (const line of lines) assert.equal([...line].length, w);
          if (w >= MIN_WIDTH && h >= MIN_HEIGHT) {
            assert.match(lines[1]!, /^[▀█]+$/, 'top border intact');
            for (const line of lines.slice(1, -1))
              assert.ok(/^[█▀▄]/.test(line) && /[█▀▄]$/.test(line), 'side borders intact');
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('imports nothing but the contract (the CLI must not load the server side)', () => {
    const source = readFileSync(
      fileURLToPath(new URL('../../cli/render/pong.ts', import.meta.url)),
      'utf8',
    );
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    assert.deepEqual(imports, ['../../api/contract/game.ts']);
  });
});
