import assert from 'node:assert/strict';
import {
  defaultGameSettings,
  type BotLevel,
  type Direction,
  type GameEvent,
} from '../../api/contract/game.ts';
import { advance, createMatchState, type MatchState, type Side } from '../../api/game/engine.ts';
import { BOT_OBSERVE_INTERVAL, BOT_PROFILES, botInput, createBot } from '../../api/game/bot.ts';
import { foldY, predictArrival } from '../../api/game/bot-predict.ts';
import { FP_ONE } from '../../api/game/fixed.ts';
import { humanPlayer, type Controller } from '../support/game.ts';

const settings = defaultGameSettings();
const levels: BotLevel[] = ['easy', 'normal', 'hard'];

interface BotRecord {
  looks: number[];
  inputs: Direction[];
}

function botController(level: BotLevel, side: Side, seed: number, record?: BotRecord): Controller {
  const bot = createBot({ side, level, settings, seed });
  return (state) => {
    const dir = botInput(bot, state.tick, () => {
      record?.looks.push(state.tick);
      return state;
    });
    record?.inputs.push(dir);
    return dir;
  };
}

/** A whole match with the default settings (to 11, or 10 minutes). */
function playMatch(left: Controller, right: Controller, seed: number): MatchState {
  const state = createMatchState(settings, seed);
  while (state.phase !== 'ended') advance(state, [left(state), right(state)], []);
  return state;
}

const standStill: Controller = () => 0;

describe('bot', () => {
  it('looks at the match at most once per second over a whole match', () => {
    const record: BotRecord = { looks: [], inputs: [] };
    const end = playMatch(standStill, botController('hard', 1, 1, record), 1);
    // The rule is one look per second: 60 ticks, stated here, not read from the module under test.
    assert.equal(BOT_OBSERVE_INTERVAL, 60);
    assert.ok(record.looks.length >= Math.floor(end.tick / 60), 'it keeps looking');
    for (let i = 1; i < record.looks.length; i++) {
      assert.ok(
        record.looks[i]! - record.looks[i - 1]! >= 60,
        `looks at ${record.looks[i - 1]} and ${record.looks[i]}`,
      );
    }
  });

  it('acts only with keyboard directions and tracks its paddle exactly between looks', () => {
    const bot = createBot({ side: 1, level: 'normal', settings, seed: 9 });
    const state = createMatchState(settings, 9);
    while (state.phase !== 'ended') {
      const dir = botInput(bot, state.tick, () => state);
      assert.ok(dir === -1 || dir === 0 || dir === 1);
      advance(state, [0, dir], []);
      assert.equal(
        bot.paddleY,
        state.rightY,
        'dead reckoning from its own key presses matches the engine',
      );
    }
  });

  it('differs between levels only in reaction, aim error and aim style, never in speed', () => {
    for (const level of levels) {
      assert.deepEqual(Object.keys(BOT_PROFILES[level]).sort(), [
        'aim',
        'aimErrorUnits',
        'idle',
        'reactionTicks',
      ]);
      assert.equal(
        createBot({ side: 0, level, settings, seed: 1 }).config.paddleStep,
        createMatchState(settings, 1).config.paddleStep,
      );
    }
    assert.ok(BOT_PROFILES.easy.reactionTicks > BOT_PROFILES.normal.reactionTicks);
    assert.ok(BOT_PROFILES.normal.reactionTicks > BOT_PROFILES.hard.reactionTicks);
    assert.ok(BOT_PROFILES.easy.aimErrorUnits > BOT_PROFILES.normal.aimErrorUnits);
    assert.ok(BOT_PROFILES.normal.aimErrorUnits > BOT_PROFILES.hard.aimErrorUnits);
  });

  it('is deterministic for a seed (same inputs in the same match)', () => {
    const a: BotRecord = { looks: [], inputs: [] };
    const b: BotRecord = { looks: [], inputs: [] };
    playMatch(standStill, botController('normal', 1, 4, a), 4);
    playMatch(standStill, botController('normal', 1, 4, b), 4);
    assert.deepEqual(a.inputs, b.inputs);
  });

  for (const level of levels) {
    it(`${level}: beats a player who stands still, on either side`, () => {
      for (const seed of [1, 2, 3]) {
        const right = playMatch(standStill, botController(level, 1, seed), seed);
        assert.equal(right.winner, 1, `seed ${seed}: ${right.leftScore}-${right.rightScore}`);
        assert.equal(right.endReason, 'points');
        const left = playMatch(botController(level, 0, seed), standStill, seed);
        assert.equal(left.winner, 0, `seed ${seed}: ${left.leftScore}-${left.rightScore}`);
      }
    });

    it(`${level}: is beatable by a competent human (200 ms reaction, ±15 units misjudgement)`, () => {
      for (const seed of [1, 2, 3]) {
        const human = humanPlayer(0, { reactionTicks: 12, errorUnits: 15, seed });
        const end = playMatch(human, botController(level, 1, seed), seed);
        assert.equal(
          end.winner,
          0,
          `seed ${seed}: ${end.leftScore}-${end.rightScore} (${end.endReason})`,
        );
      }
    });
  }

  it('levels are ordered: hard beats normal and easy, normal beats easy', () => {
    const pairs: [BotLevel, BotLevel][] = [
      ['hard', 'easy'],
      ['hard', 'normal'],
      ['normal', 'easy'],
    ];
    for (const [strong, weak] of pairs) {
      let wins = 0;
      for (const seed of [1, 2, 3, 4, 5]) {
        const end = playMatch(
          botController(weak, 0, seed),
          botController(strong, 1, seed + 100),
          seed,
        );
        if (end.winner === 1) wins += 1;
      }
      assert.ok(wins >= 4, `${strong} beat ${weak} ${wins}/5`);
    }
  });
});

describe('bot path prediction', () => {
  const cfg = createMatchState(settings, 1).config;
  const top = cfg.ballHalf;
  const bottom = cfg.height - cfg.ballHalf;

  it('folds a straight path into the field like wall reflections', () => {
    assert.equal(foldY(top + 100, top, bottom), top + 100);
    assert.equal(foldY(top - 100, top, bottom), top + 100);
    assert.equal(foldY(bottom + 100, top, bottom), bottom - 100);
    assert.equal(foldY(bottom + 2 * (bottom - top) + 7, top, bottom), bottom - 7);
  });

  it('predicts where the engine delivers the ball, through several wall bounces', () => {
    const state = createMatchState(settings, 12);
    const flight = { x: 100 * FP_ONE, y: 50 * FP_ONE, vx: 600, vy: 1900, speed: 2000 };
    const prediction = predictArrival(cfg, flight, 1);
    assert.ok(prediction);
    assert.equal(predictArrival(cfg, flight, 0), null, 'it flies away from the left');
    // Put that ball in flight by hand and the right paddle where the prediction says.
    Object.assign(state, {
      phase: 'play',
      ballX: flight.x,
      ballY: flight.y,
      ballVX: flight.vx,
      ballVY: flight.vy,
      rightY: prediction.y,
    });
    const events: GameEvent[] = [];
    while (!events.some((e) => e.type === 'hit' || e.type === 'score'))
      advance(state, [0, 0], events);
    assert.ok(events.filter((e) => e.type === 'wall').length >= 2, 'several wall bounces');
    const hit = events.find((e) => e.type === 'hit');
    assert.ok(
      hit && hit.type === 'hit' && hit.player === 1,
      'the paddle placed by the prediction hits',
    );
    assert.ok(
      Math.abs(state.ballY - prediction.y) <= 2 * FP_ONE,
      `predicted ${prediction.y / FP_ONE}, hit at ${state.ballY / FP_ONE}`,
    );
    assert.ok(
      Math.abs(state.tick - prediction.ticks) <= 1,
      `in ${prediction.ticks} ticks, took ${state.tick}`,
    );
  });
});
