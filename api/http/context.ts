/** Types shared by the HTTP layer: what middleware and handlers see. */
import type Koa from 'koa';
import type { Config } from '../core/config.ts';
import type { Db } from '../core/db.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import type { AuthRequirement } from '../contract/endpoint.ts';

/** Whoever performs an action: a signed-in user with a role, or the system itself. */
export type Actor =
  | { kind: 'user'; id: string; role: 'player' | 'moderator' | 'admin'; sessionId?: string }
  | { kind: 'system' };

/** Turns a request's credentials into an actor allowed to meet `requirement`, or throws AppError. */
export type Authenticate = (ctx: Koa.Context, requirement: Exclude<AuthRequirement, 'public'>) => Promise<Actor>;

export interface AppDeps {
  config: Config;
  db: Db;
  logger: Logger;
  metrics: Metrics;
  version: string;
  engine: 'postgres' | 'pglite';
  /** Absent until an identity layer is wired: then every non-public route answers 401. */
  authenticate?: Authenticate;
  /** Check every response against its contract schema (tests turn this on). */
  validateResponses?: boolean;
}

export interface RequestState {
  requestId: string;
  /** The route template of the matched endpoint, for logs and metrics. */
  route?: string;
  actor?: Actor;
}

export type AppContext = Koa.ParameterizedContext<RequestState>;
