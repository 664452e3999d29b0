/**
 * What the games services need, built once by the composition root: the
 * database, clocks, loggers, runner timing, the runner itself (whose hooks
 * call back into results.ts), the social ports (notify, presence), the
 * per-match chain of database writes, and the listeners of match ends.
 */
import type { Knex } from 'knex';
import type { InstanceView } from '../../contract/instances.ts';
import type { Clock } from '../../core/clock.ts';
import type { GameConfig } from '../../core/config.ts';
import type { Logger } from '../../core/logger.ts';
import type { Runner, RunnerHooks } from '../../game/runner.ts';
import type { MatchKind, Outcome } from '../../game/live-match.ts';
import { localHost, type MatchHost } from './host.ts';
import type { ResultKeeper } from './result-keeper.ts';

/** Stores and pushes a notification (api/domain/notifications); `game_invite` carries matchId, from, expiresAt. */
export type GameNotify = (
  userId: string,
  type: 'game_invite',
  payload: Record<string, unknown>,
) => Promise<void>;

/** Presence: the match a user is in, or null (api/domain/social presence). */
export type SetInGame = (userId: string, matchId: string | null) => Promise<void>;

/** What listeners of match ends (tournaments, stats) get, after the result has been stored. */
export interface MatchEnded {
  matchId: string;
  kind: MatchKind;
  ranked: boolean;
  outcome: Outcome;
  reason: string;
  winnerSide: 0 | 1 | null;
  /** User ids per side (null for a bot). */
  players: [string | null, string | null];
  score: [number, number];
  /** Whether play began (false: declined, expired, no-show before the countdown, …). */
  started: boolean;
}

export type MatchEndListener = (event: MatchEnded) => void | Promise<void>;

export interface GamesDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  auditLogger: Logger;
  config: GameConfig;
  /** This process's match loop; services reach live matches through `host` (they may run elsewhere). */
  runner: Runner;
  /** Where live matches are held: this runner alone, or whichever instance owns each. */
  host: MatchHost;
  /** This instance's id, recorded as the owner of the matches it creates. */
  instanceId: string;
  /** The live instances of the deployment with what each holds (set by the realtime layer). */
  instances: () => Promise<InstanceView[]>;
  notify: GameNotify;
  setInGame: SetInGame;
  /** Holds every match end durably until it is stored (result-keeper.ts). */
  results: ResultKeeper;
  /** Per-match chain of pending database writes, so state changes land in order. */
  writes: Map<string, Promise<unknown>>;
  endListeners: MatchEndListener[];
}

export type GamesDepsOptions = Omit<
  GamesDeps,
  'runner' | 'host' | 'instances' | 'writes' | 'endListeners'
>;

/** Builds the deps and the runner together: the runner's hooks need the deps, the deps hold the runner. */
export function createGamesDeps(
  options: GamesDepsOptions,
  runnerFor: (hooks: RunnerHooks, deps: GamesDeps) => Runner,
  hooksFor: (deps: GamesDeps) => RunnerHooks,
): GamesDeps {
  const deps = { ...options, writes: new Map(), endListeners: [] } as unknown as GamesDeps;
  deps.runner = runnerFor(hooksFor(deps), deps);
  deps.host = localHost(deps.runner);
  const startedAt = new Date(options.clock.now()).toISOString();
  deps.instances = async () => [
    {
      id: options.instanceId,
      self: true,
      startedAt,
      leaseAgeMs: 0,
      leaseTtlMs: 0,
      sockets: 0,
      matches: [...deps.runner.matches()].map((m) => m.spec.id),
    },
  ];
  return deps;
}

/** Registers a listener called after every match end has been stored (tournament brackets hook in here). */
export function onMatchEnded(deps: GamesDeps, listener: MatchEndListener): void {
  deps.endListeners.push(listener);
}

/** Queues a database write behind the match's earlier ones; errors are logged, not thrown at the caller's caller. */
export function queueWrite<T>(
  deps: GamesDeps,
  matchId: string,
  write: () => Promise<T>,
): Promise<T> {
  const previous = deps.writes.get(matchId) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(write);
  deps.writes.set(matchId, next);
  void next
    .finally(() => {
      if (deps.writes.get(matchId) === next) deps.writes.delete(matchId);
    })
    .catch(() => undefined);
  return next;
}
