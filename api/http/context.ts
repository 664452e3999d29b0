/** Types shared by the HTTP layer: what middleware and handlers see. */
import type Koa from 'koa';
import type { Clock } from '../core/clock.ts';
import type { Config } from '../core/config.ts';
import type { Db } from '../core/db.ts';
import type { Logger, StreamLoggers } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import type { AuthRequirement } from '../contract/endpoint.ts';
import type { AccountsDeps } from '../domain/accounts/deps.ts';
import type { NotificationDeps } from '../domain/notifications/service.ts';
import type { SocialDeps } from '../domain/social/deps.ts';
import type { ChatDeps } from '../domain/chat/deps.ts';
import type { GamesDeps } from '../domain/games/deps.ts';
import type { MatchmakingDeps } from '../domain/matchmaking/deps.ts';
import type { TournamentDeps } from '../domain/tournaments/deps.ts';
import type { AnalyticsDeps } from '../domain/analytics/deps.ts';
import type { ImportDeps } from '../domain/imports/service.ts';
import type { DigestDeps } from '../domain/stats/digest.ts';
import type { UserActor } from '../domain/actors.ts';

/** Turns a request's credentials into an actor allowed to meet `requirement`, or throws AppError. */
export type Authenticate = (
  ctx: Koa.Context,
  requirement: Exclude<AuthRequirement, 'public'>,
) => Promise<UserActor>;

export interface AppDeps {
  config: Config;
  db: Db;
  /** Application log (dataset pong.api). */
  logger: Logger;
  /** One logger per stream (access, app, audit, game), each with its own event.dataset. */
  logs: StreamLoggers;
  metrics: Metrics;
  version: string;
  engine: 'postgres' | 'pglite';
  /** Time for every rule that depends on it; tests inject a manual clock. */
  clock: Clock;
  /** The identity layer: credential cache, throttles, mailer, keys (api/domain/accounts). */
  accounts: AccountsDeps;
  /** Conversations, messages and their delivery (api/domain/chat). */
  chat: ChatDeps;
  /** Friends, blocks and presence (api/domain/social). */
  social: SocialDeps;
  /** Stored and pushed notifications (api/domain/notifications). */
  notifications: NotificationDeps;
  /** Matches, invites, history, replays and their runner (api/domain/games). */
  games: GamesDeps;
  /** The matchmaking queue of this process and its matcher (api/domain/matchmaking). */
  matchmaking: MatchmakingDeps;
  /** Tournaments: brackets, round robins, their scheduler's deps (api/domain/tournaments). */
  tournaments: TournamentDeps;
  /** Leaderboards, player and platform stats, the digest and the admin import (api/domain/leaderboards, stats, imports). */
  stats: DigestDeps & ImportDeps;
  /** Analytics events and their per-user rate (api/domain/analytics). */
  analytics: AnalyticsDeps;
  /** Absent until an identity layer is wired: then every non-public route answers 401. */
  authenticate?: Authenticate;
  /** Check every response against its contract schema (tests turn this on). */
  validateResponses?: boolean;
}

export interface RequestState {
  requestId: string;
  /** The route template of the matched endpoint, for logs and metrics. */
  route?: string;
  actor?: UserActor;
}

export type AppContext = Koa.ParameterizedContext<RequestState>;
