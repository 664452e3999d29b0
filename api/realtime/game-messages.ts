/**
 * game.*, spectate.* and replay.* over the WebSocket. Handlers parse nothing
 * themselves (the dispatcher validated the message) and answer errors through
 * the dispatcher: a refused input never reaches a match. Socket operations go
 * to `SocketGames`: this process's runner alone, or the cluster layer, which
 * sends each to the match's owner.
 */
import { TICK_RATE } from '../contract/game.ts';
import { AppError } from '../contract/errors.ts';
import type { Actor } from '../domain/actors.ts';
import type { GamesDeps } from '../domain/games/deps.ts';
import { liveMatchOf } from '../domain/games/owner-repo.ts';
import { getReplay } from '../domain/games/read.ts';
import * as repo from '../domain/games/repo.ts';
import type { GameView } from '../contract/game.ts';
import { decodeInputLog } from '../game/input-log.ts';
import type { ReplaySource } from '../game/replay-session.ts';
import type { InputMessage, Runner } from '../game/runner.ts';
import { actorOf, type BucketLimits, type Connection } from './connection.ts';
import type { Gateway } from './gateway.ts';

/** What a socket does with matches, wherever they run. */
export interface SocketGames {
  join(conn: Connection, matchId: string): Promise<GameView>;
  ready(conn: Connection, matchId: string): Promise<void>;
  /** Synchronous when the match runs here: a player's key press is the busiest message there is. */
  input(conn: Connection, message: InputMessage): void | Promise<void>;
  leave(conn: Connection, matchId: string): Promise<void>;
  spectate(conn: Connection, matchId: string): Promise<GameView>;
  stopSpectating(conn: Connection): void;
  detach(conn: Connection): void;
}

/** One process holds every match (no Redis). */
export function localSocketGames(runner: Runner): SocketGames {
  return {
    join: async (conn, matchId) => runner.join(conn, matchId),
    ready: async (conn, matchId) => runner.ready(conn, matchId),
    input: (conn, message) => void runner.input(conn, message),
    leave: (conn, matchId) => runner.leave(conn, matchId),
    spectate: async (conn, matchId) => runner.spectate(conn, matchId),
    stopSpectating: (conn) => void runner.stopSpectating(conn),
    detach: (conn) => runner.detach(conn),
  };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * game.input has a budget of its own, so a player who changes direction often
 * never uses up the socket's general one (and is never closed for it): the
 * runner takes GAME_MAX_INPUTS_PER_TICK per tick and answers the rest with
 * RATE_LIMITED. Only a sustained flood of twice what the runner could ever
 * take (480 a second by default, far beyond any keyboard) closes the socket.
 */
export function inputFloodLimit(maxInputsPerTick: number): BucketLimits {
  const perSecond = 2 * maxInputsPerTick * TICK_RATE;
  return { ratePerSecond: perSecond, burst: perSecond };
}

export function registerGameMessages(gateway: Gateway, deps: GamesDeps, games: SocketGames): void {
  const { runner } = deps;
  gateway.handle('game.join', async ({ conn, message, reply }) => {
    reply({ type: 'game.state', state: await games.join(conn, message.matchId) });
  });
  gateway.handle('game.ready', ({ conn, message }) => games.ready(conn, message.matchId));
  gateway.handle('game.input', ({ conn, message }) => games.input(conn, message), {
    budget: inputFloodLimit(deps.config.maxInputsPerTick),
  });
  gateway.handle('game.leave', ({ conn, message }) => games.leave(conn, message.matchId));
  gateway.handle('spectate.start', async ({ conn, message, reply }) => {
    if (message.username === undefined) {
      reply({ type: 'game.state', state: await games.spectate(conn, message.matchId!) });
      return;
    }
    const notWatchable = new AppError(
      'NOT_FOUND',
      `${message.username} is not playing a match you can watch`,
    );
    const user = await repo.findUserByName(deps.db, message.username);
    const matchId = user && (await liveMatchOf(deps.db, user.id));
    if (!matchId) throw notWatchable;
    const state = await games.spectate(conn, matchId).catch((err: unknown) => {
      throw err instanceof AppError && err.code === 'NOT_FOUND' ? notWatchable : err;
    });
    reply({ type: 'game.state', state });
  });
  gateway.handle('spectate.stop', ({ conn }) => games.stopSpectating(conn));
  gateway.handle('replay.start', async ({ conn, message }) => {
    if (!uuidPattern.test(message.matchId)) throw new AppError('NOT_FOUND', 'No such match');
    const source = await replaySource(deps, actorOf(conn), { id: message.matchId });
    if (conn.socket.readyState !== conn.socket.OPEN) return;
    // A replay streams from the stored match, on the runner of the socket's own instance.
    games.stopSpectating(conn);
    runner.startReplay(conn, source, message.speed);
  });
  gateway.handle('replay.stop', ({ conn }) => void runner.stopReplay(conn));
}

/** A stored match in the form the runner streams (replay.start); same visibility rules as GET /matches/{id}/replay. */
async function replaySource(
  deps: GamesDeps,
  actor: Actor,
  input: { id: string },
): Promise<ReplaySource> {
  const data = await getReplay(deps, actor, input);
  return {
    matchId: data.matchId,
    settings: data.settings,
    seed: data.seed,
    log: decodeInputLog(data.inputLog),
    players: data.players.map((p) =>
      p.bot ? { username: 'bot', bot: p.bot } : { username: p.username ?? 'deleted' },
    ) as ReplaySource['players'],
    end: { outcome: data.outcome, reason: data.reason, winner: data.winner, score: data.score },
  };
}
