import assert from 'node:assert/strict';
import { z } from 'zod';
import {
  defaultGameSettings,
  gameEventSchema,
  gameMessages,
  gameSettingsSchema,
} from '../../api/contract/game.ts';
import { matchmakingMessages } from '../../api/contract/matchmaking.ts';

const schemaOf = <K extends keyof typeof gameMessages>(type: K) => gameMessages[type].schema;

describe('game contract', () => {
  it('settings default to an 11-point match at documented speeds', () => {
    assert.deepEqual(defaultGameSettings(), {
      pointsToWin: 11,
      ballSpeed: 300,
      ballSpeedUp: 15,
      ballMaxSpeed: 900,
      paddleHeight: 80,
      paddleSpeed: 420,
      maxDurationSec: 600,
      serve: { first: 'random', receiver: 'conceder', angle: 'random', delayMs: 1000 },
    });
    assert.equal(gameSettingsSchema.parse({ serve: { first: 'left' } }).serve.receiver, 'conceder');
  });

  it('settings outside their bounds, non-integers and unknown fields are rejected', () => {
    const bad = [
      { pointsToWin: 0 },
      { pointsToWin: 22 },
      { pointsToWin: 5.5 },
      { ballSpeed: 100 },
      { paddleHeight: 301 },
      { paddleSpeed: 99 },
      { maxDurationSec: 3601 },
      { ballSpeed: 800, ballMaxSpeed: 700 },
      { serve: { delayMs: -1 } },
      { serve: { first: 'middle' } },
      { serve: { extra: 1 } },
      { botPaddleSpeed: 900 },
    ];
    for (const settings of bad)
      assert.equal(gameSettingsSchema.safeParse(settings).success, false, JSON.stringify(settings));
  });

  it('game.input takes a sequence number and a direction of -1, 0 or 1 only', () => {
    const input = schemaOf('game.input');
    assert.ok(input.safeParse({ type: 'game.input', matchId: 'm1', seq: 5, dir: -1 }).success);
    for (const dir of [2, 0.5, '1', null])
      assert.equal(
        input.safeParse({ type: 'game.input', matchId: 'm1', seq: 5, dir }).success,
        false,
      );
    assert.equal(
      input.safeParse({ type: 'game.input', matchId: 'm1', seq: -1, dir: 0 }).success,
      false,
    );
    assert.equal(
      input.safeParse({ type: 'game.input', matchId: 'm1', seq: 1, dir: 0, speed: 9 }).success,
      false,
      'unknown field',
    );
  });

  it('spectate.start names a match or a user, not both; replay speed is bounded with a default of 1', () => {
    const spectate = schemaOf('spectate.start');
    assert.ok(spectate.safeParse({ type: 'spectate.start', matchId: 'm1' }).success);
    assert.ok(spectate.safeParse({ type: 'spectate.start', username: 'alice' }).success);
    assert.equal(
      spectate.safeParse({ type: 'spectate.start', matchId: 'm1', username: 'alice' }).success,
      false,
    );
    assert.equal(spectate.safeParse({ type: 'spectate.start' }).success, false);
    const replay = schemaOf('replay.start');
    assert.equal(
      gameMessages['replay.start'].schema.parse({ type: 'replay.start', matchId: 'm1' }).speed,
      1,
    );
    assert.equal(
      replay.safeParse({ type: 'replay.start', matchId: 'm1', speed: 16 }).success,
      false,
    );
  });

  it('names every game and queue message with its direction, in the gateway table format (optional id, own type tag)', () => {
    const byDirection = (d: string) =>
      Object.values({ ...gameMessages, ...matchmakingMessages })
        .filter((m) => m.direction === d)
        .map((m) => m.type)
        .sort();
    assert.deepEqual(byDirection('client'), [
      'game.input',
      'game.join',
      'game.leave',
      'game.ready',
      'queue.join',
      'queue.leave',
      'replay.start',
      'replay.stop',
      'spectate.start',
      'spectate.stop',
    ]);
    assert.deepEqual(byDirection('server'), [
      'game.end',
      'game.event',
      'game.state',
      'game.stored',
      'queue.matched',
      'queue.status',
    ]);
    assert.ok(
      schemaOf('game.join').safeParse({ type: 'game.join', id: 'c1', matchId: 'm1' }).success,
    );
    assert.equal(
      schemaOf('game.join').safeParse({ type: 'game.ready', matchId: 'm1' }).success,
      false,
    );
    assert.ok(
      gameEventSchema.safeParse({ type: 'end', tick: 9, winner: null, reason: 'time' }).success,
    );
    assert.equal(
      gameEventSchema.safeParse({ type: 'end', tick: 9, winner: 2, reason: 'time' }).success,
      false,
    );
  });

  it('works inside a discriminated union like the gateway builds (refinements included)', () => {
    const schemas = Object.values(gameMessages)
      .filter((m) => m.direction === 'client')
      .map((m) => m.schema);
    const union = z.discriminatedUnion(
      'type',
      schemas as [(typeof schemas)[number], ...(typeof schemas)[number][]],
    );
    assert.ok(union.safeParse({ type: 'spectate.start', username: 'bob' }).success);
    assert.equal(
      union.safeParse({ type: 'spectate.start', username: 'bob', matchId: 'm' }).success,
      false,
    );
    assert.equal(
      union.safeParse({ type: 'game.state', state: {} }).success,
      false,
      'server messages are not client messages',
    );
  });
});
