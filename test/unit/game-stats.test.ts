import assert from 'node:assert/strict';
import { defaultGameSettings, type GameEvent } from '../../api/contract/game.ts';
import { botInput, createBot } from '../../api/game/bot.ts';
import { advance, createMatchState } from '../../api/game/engine.ts';
import {
  createInputLog,
  createLogCursor,
  nextInputs,
  recordInputs,
} from '../../api/game/input-log.ts';
import { createMatchStats, recordEvents, summarizeStats } from '../../api/game/match-stats.ts';
import { humanPlayer } from '../support/game.ts';

const settings = defaultGameSettings();

describe('match stats', () => {
  it('agree with the final state and the raw events of a whole match, and a replay gives the same stats', () => {
    const state = createMatchState(settings, 21);
    const human = humanPlayer(0, { reactionTicks: 15, errorUnits: 25, seed: 21 });
    const bot = createBot({ side: 1, level: 'normal', settings, seed: 21 });
    const stats = createMatchStats(settings);
    const log = createInputLog();
    const all: GameEvent[] = [];
    while (state.phase !== 'ended') {
      const events: GameEvent[] = [];
      const inputs = [human(state), botInput(bot, state.tick, () => state)] as const;
      advance(state, inputs, events);
      recordInputs(log, inputs);
      recordEvents(stats, events);
      all.push(...events);
    }
    const summary = summarizeStats(stats, state.tick);
    assert.deepEqual(
      summary.players.map((p) => p.points),
      [state.leftScore, state.rightScore],
    );
    assert.equal(
      summary.players[0].hits,
      all.filter((e) => e.type === 'hit' && e.player === 0).length,
    );
    assert.equal(
      summary.players[1].hits,
      all.filter((e) => e.type === 'hit' && e.player === 1).length,
    );
    assert.equal(summary.timeline.length, state.leftScore + state.rightScore);
    assert.deepEqual(summary.timeline.at(-1)!.score, [state.leftScore, state.rightScore]);
    assert.ok(summary.longestRally >= summary.averageRally && summary.averageRally > 0);
    assert.ok(
      summary.maxBallSpeed > settings.ballSpeed && summary.maxBallSpeed <= settings.ballMaxSpeed,
    );
    assert.equal(summary.durationSec, Math.round((state.tick / 60) * 10) / 10);

    const again = createMatchState(settings, 21);
    const replayed = createMatchStats(settings);
    const cursor = createLogCursor(log);
    for (let inputs = nextInputs(cursor); inputs !== null; inputs = nextInputs(cursor)) {
      const events: GameEvent[] = [];
      advance(again, inputs, events);
      recordEvents(replayed, events);
    }
    assert.deepEqual(summarizeStats(replayed, again.tick), summary);
  });

  it('a match without points or hits has zero rallies and the serve speed as top speed', () => {
    const summary = summarizeStats(createMatchStats(settings), 1800);
    assert.deepEqual(summary, {
      durationSec: 30,
      players: [
        { points: 0, hits: 0 },
        { points: 0, hits: 0 },
      ],
      longestRally: 0,
      averageRally: 0,
      maxBallSpeed: 300,
      timeline: [],
    });
  });
});
