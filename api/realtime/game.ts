/**
 * Games over the WebSocket: builds the match runner on the gateway's sockets
 * and the games deps around it, registers game.*, spectate.* and replay.*,
 * and vacates seats when sockets close. Handlers parse nothing themselves (the
 * dispatcher validated the message) and answer errors through the dispatcher:
 * a refused input never reaches a match.
 */
import type { Knex } from 'knex';
import type { Clock } from '../core/clock.ts';
import type { Config } from '../core/config.ts';
import { AppError } from '../core/errors.ts';
import type { RunnerMetrics } from '../core/game-metrics.ts';
import type { Logger } from '../core/logger.ts';
import type { WsMetrics } from '../core/ws-metrics.ts';
import {
  createGamesDeps,
  type GameNotify,
  type GamesDeps,
  type SetInGame,
} from '../domain/games/deps.ts';
import { getReplay } from '../domain/games/read.ts';
import { decodeInputLog } from '../game/input-log.ts';
import type { ReplaySource } from '../game/replay-session.ts';
import * as repo from '../domain/games/repo.ts';
import { runnerHooks } from '../domain/games/results.ts';
import { Runner } from '../game/runner.ts';
import { systemScheduler, type Scheduler } from '../game/ticker.ts';
import type { Actor } from '../http/context.ts';
import type { Connection } from './connection.ts';
import type { Gateway } from './gateway.ts';
import { gatewayTransport } from './game-transport.ts';

export interface GamesOptions {
  db: Knex;
  config: Config;
  clock: Clock;
  logger: Logger;
  auditLogger: Logger;
  gateway: Gateway;
  wsMetrics: WsMetrics;
  gameMetrics: RunnerMetrics;
  notify: GameNotify;
  setInGame: SetInGame;
  /** The loop's time and timers; tests may drive them. */
  scheduler?: Scheduler;
}

export interface Games {
  deps: GamesDeps;
  /** Aborts every running match, stores the results and stops the loop. */
  close(): Promise<void>;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function actorOf(conn: Connection): Actor {
  return { kind: 'user', id: conn.userId, role: conn.role, sessionId: conn.sessionId };
}

export async function startGames(options: GamesOptions): Promise<Games> {
  const { config, gateway } = options;
  const deps = createGamesDeps(
    {
      db: options.db,
      clock: options.clock,
      logger: options.logger,
      auditLogger: options.auditLogger,
      config: config.game,
      notify: options.notify,
      setInGame: options.setInGame,
    },
    (hooks) =>
      new Runner({
        config: config.game,
        scheduler: options.scheduler ?? systemScheduler,
        transport: gatewayTransport(
          { backpressureBytes: config.ws.backpressureBytes },
          options.wsMetrics,
        ),
        hooks,
        logger: options.logger,
        metrics: options.gameMetrics,
      }),
    runnerHooks,
  );
  await abortLeftovers(deps, config);
  registerGameMessages(gateway, deps);
  gateway.onDisconnect((conn) => deps.runner.detach(conn));
  return { deps, close: () => deps.runner.close() };
}

/**
 * Matches live in the memory of the process that runs them: after a restart
 * nothing holds those still marked live, so they are ended. With Redis (several
 * instances sharing the database) another instance may be running them, so
 * they are left alone.
 */
async function abortLeftovers(deps: GamesDeps, config: Config): Promise<void> {
  if (config.redisUrl) return;
  const stale = await repo.staleMatches(deps.db);
  const now = new Date(deps.clock.now());
  for (const { id } of stale) {
    await repo.endMatch(
      deps.db,
      id,
      {
        state: 'aborted',
        reason: 'server_restart',
        winner_side: null,
        left_score: 0,
        right_score: 0,
        ticks: 0,
        duration_sec: null,
        longest_rally: null,
        average_rally: null,
        max_ball_speed: null,
        ended_at: now,
      },
      [
        { points: 0, hits: 0 },
        { points: 0, hits: 0 },
      ],
    );
  }
  if (stale.length > 0)
    deps.logger.warn(
      { 'game.matches': stale.length },
      'matches left live by a previous run were aborted',
    );
}

function registerGameMessages(gateway: Gateway, deps: GamesDeps): void {
  const { runner } = deps;
  gateway.handle(
    'game.join',
    ({ conn, message, reply }) =>
      void reply({ type: 'game.state', state: runner.join(conn, message.matchId) }),
  );
  gateway.handle('game.ready', ({ conn, message }) => runner.ready(conn, message.matchId));
  gateway.handle('game.input', ({ conn, message }) => void runner.input(conn, message));
  gateway.handle('game.leave', async ({ conn, message }) => runner.leave(conn, message.matchId));
  gateway.handle('spectate.start', async ({ conn, message, reply }) => {
    let matchId = message.matchId;
    if (message.username !== undefined) {
      const user = await repo.findUserByName(deps.db, message.username);
      matchId = user ? runner.matchOf(user.id)?.spec.id : undefined;
      if (matchId === undefined)
        throw new AppError('NOT_FOUND', `${message.username} is not playing a match here`);
    }
    reply({ type: 'game.state', state: runner.spectate(conn, matchId!) });
  });
  gateway.handle('spectate.stop', ({ conn }) => void runner.stopSpectating(conn));
  gateway.handle('replay.start', async ({ conn, message }) => {
    if (!uuidPattern.test(message.matchId)) throw new AppError('NOT_FOUND', 'No such match');
    const source = await replaySource(deps, actorOf(conn), { id: message.matchId });
    if (conn.socket.readyState !== conn.socket.OPEN) return;
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
