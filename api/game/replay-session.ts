/**
 * A replay streamed to one socket: the stored settings, seed and input log
 * re-simulated by the same engine, `speed` ticks per loop tick (fractions
 * accumulate), sent like a live match to a spectator (state at the spectator
 * rate, every event), then the stored outcome as `game.end`.
 */
import type { GameSettings, GameView } from '../contract/game.ts';
import { advance, createMatchState, type MatchState } from './engine.ts';
import { createLogCursor, nextInputs, type InputLog, type LogCursor } from './input-log.ts';
import type { GameTransport } from './broadcast.ts';
import type { Peer } from './live-match.ts';
import { toGameView } from './view.ts';
import type { GameEvent } from '../contract/game.ts';

/** What a replay needs from storage. */
export interface ReplaySource {
  matchId: string;
  settings: GameSettings;
  seed: number;
  log: InputLog;
  players: GameView['players'];
  /** The stored end, repeated in the final `game.end`. */
  end: {
    outcome: 'finished' | 'aborted' | 'forfeited';
    reason: string | null;
    winner: string | null;
    score: [number, number];
  };
}

export interface ReplaySession {
  readonly peer: Peer;
  readonly source: ReplaySource;
  readonly speed: number;
  readonly engine: MatchState;
  readonly cursor: LogCursor;
  readonly events: GameEvent[];
  /** Ticks owed to the simulation (speed accumulates here). */
  owed: number;
}

export function createReplaySession(
  peer: Peer,
  source: ReplaySource,
  speed: number,
): ReplaySession {
  return {
    peer,
    source,
    speed,
    engine: createMatchState(source.settings, source.seed),
    cursor: createLogCursor(source.log),
    events: [],
    owed: 0,
  };
}

/** Advances one loop tick; true when the replay is over (the end has been sent). */
export function tickReplay(
  session: ReplaySession,
  transport: GameTransport,
  sendState: boolean,
): boolean {
  const { engine, events, peer, source } = session;
  session.owed += session.speed;
  let done = false;
  const id = JSON.stringify(source.matchId);
  while (session.owed >= 1 && !done) {
    session.owed -= 1;
    const inputs = nextInputs(session.cursor);
    if (inputs === null || engine.phase === 'ended') {
      done = true;
      break;
    }
    events.length = 0;
    advance(engine, inputs, events);
    for (const event of events) {
      transport.write(
        [peer],
        transport.prepare(
          `{"type":"game.event","matchId":${id},"event":${JSON.stringify(event)}}`,
          'game.event',
          false,
        ),
      );
    }
  }
  if (engine.phase === 'ended' || session.cursor.tick >= source.log.ticks) done = true;
  if (sendState || done) {
    const view = toGameView(engine, {
      matchId: source.matchId,
      players: source.players,
      spectators: 0,
    });
    transport.write(
      [peer],
      transport.prepare(
        `{"type":"game.state","state":${JSON.stringify(view)}}`,
        'game.state',
        !done,
      ),
    );
  }
  if (done) {
    const message = {
      type: 'game.end',
      matchId: source.matchId,
      outcome: source.end.outcome,
      winner: source.end.winner,
      score: source.end.score,
      ...(source.end.reason ? { reason: source.end.reason } : {}),
      // A replay is of an ended match read back from the database: its result is stored.
      stored: true,
    };
    transport.write([peer], transport.prepare(JSON.stringify(message), 'game.end', false));
  }
  return done;
}
